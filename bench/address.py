"""Standard-address matching quality and speed on noisy queries generated from the library itself.

    python -m bench.address [--scale 0.1] [--queries 1000] [--missing 300] [--seed 1]

Builds a scratch demo database (bench/common.py), reads its active library, builds the matcher, and
writes each sampled door the way clerks do: dropped province/city/town, Chinese numerals, dashed or
栋/号楼 unit forms, traditional characters, spaces and labels, a homophone or a slip in one name, the
estate before the road. Addresses that do not exist are real doors with a house or room number the
library lacks. Prints top-1 and top-5 accuracy, the false-match rate, p50/p95 per query in process and
the index build time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict

from bench.common import scratch_demo

CN = "零一二三四五六七八九"
TRAD = str.maketrans({"县": "縣", "号": "號", "区": "區", "单": "單", "园": "園", "苑": "苑", "门": "門", "楼": "樓"})


def homophones(names: list[str]) -> dict[str, list[str]]:
    """Characters of the library that sound alike (same toneless pinyin), for homophone typos."""
    from pypinyin import lazy_pinyin

    by_sound: dict[str, set[str]] = defaultdict(set)
    for name in names:
        for ch in name:
            by_sound[lazy_pinyin(ch)[0]].add(ch)
    return {ch: sorted(group - {ch}) for group in by_sound.values() for ch in group if len(group) > 1}


def noisy(a, rng: random.Random, alike: dict[str, list[str]]) -> str:
    c = a.components
    text = a.full_text
    for op in rng.sample(["prefix", "town", "numeral", "unit", "trad", "space", "label", "sound", "slip",
                          "reorder"], k=3):
        if op == "prefix":
            text = text.replace("浙江省绍兴市", "").replace("新昌县", rng.choice(["新昌县", "新昌", ""]))
        elif op == "town" and c.town and (c.road or c.estate):
            text = text.replace(c.town, "")
        elif op == "numeral" and c.house_number and c.house_number.isdigit() and int(c.house_number) < 10:
            text = text.replace(f"{c.house_number}号", f"{CN[int(c.house_number)]}号")
        elif op == "unit" and c.room:
            form = rng.choice(["{b}-{u}-{r}", "{b}栋{u}单元{r}", "{b}号楼{u}单元{r}室"])
            text = text.replace(f"{c.building}幢{c.unit}单元{c.room}室",
                                form.format(b=c.building, u=c.unit, r=c.room))
        elif op == "trad":
            text = text.translate(TRAD)
        elif op == "space":
            text = text.replace("街道", "街道 ").replace("号", "号 ", 1)
        elif op == "label":
            text = rng.choice(["地址：", "住址:", "详细地址 "]) + text
        elif op in ("sound", "slip") and c.road and c.road in text:
            i = rng.randrange(len(c.road) - 1)  # not the 路/街 suffix
            pool = alike.get(c.road[i], []) if op == "sound" else list("的一是在不了有和人这中大为上个国我以要")
            if pool:
                text = text.replace(c.road, c.road[:i] + rng.choice(pool) + c.road[i + 1:])
        elif op == "reorder" and c.estate and c.road and c.house_number:
            road_part = f"{c.road}{c.house_number}号"
            if road_part in text and c.estate in text:
                text = text.replace(road_part, "").replace(c.estate, c.estate + road_part)
    return text


def missing(a, rng: random.Random) -> str:
    c = a.components
    if c.room:
        return a.full_text.replace(f"{c.room}室", f"{int(c.room) + 9000}室")
    return a.full_text.replace(f"{c.house_number}号", f"{int(c.house_number.split('-')[0]) + 700}号")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.address", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--missing", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show-misses", action="store_true", help="print the queries that were not matched")
    args = parser.parse_args(argv)
    with scratch_demo(args.scale):
        from geodata import db
        from twin.address.service import build_matcher

        with db.scoped(db.COUNTY_SCOPE):
            t0 = time.perf_counter()
            matcher = build_matcher()  # reading the library from PostgreSQL included
            build_s = time.perf_counter() - t0
    library = matcher.records
    rng = random.Random(args.seed)  # noqa: S311 (reproducible noise, not secrets)
    doors = [a for a in library if a.components.house_number and (a.components.road or a.components.community)]
    alike = homophones(sorted({a.components.road for a in doors if a.components.road}))
    top1 = top5 = 0
    times = []
    for a in rng.sample(doors, min(args.queries, len(doors))):
        query = noisy(a, rng, alike)
        t = time.perf_counter()
        decision = matcher.match(query)
        times.append(time.perf_counter() - t)
        top1 += decision.match is not None and decision.match.code == a.code
        top5 += any(c.code == a.code for c, _ in decision.candidates)
    false = 0
    for a in rng.sample(doors, min(args.missing, len(doors))):
        false += matcher.match(missing(a, rng)).match is not None
    n = min(args.queries, len(doors))
    times.sort()
    print(f"library {len(library):,} records (demo scale {args.scale}), read and index {build_s:.1f} s")
    print(f"{n} noisy queries: top-1 {top1 / n:.3f}, top-5 {top5 / n:.3f}; "
          f"{args.missing} non-existent addresses: false matches {false / args.missing:.1%}")
    if args.show_misses:
        for a in rng.sample(doors, 300):
            q = noisy(a, rng, alike)
            d = matcher.match(q)
            if not (d.match is not None and d.match.code == a.code):
                got = [(c.full_text, round(s, 3)) for c, s in d.candidates[:2]]
                print("MISS", q, "| want", a.full_text, "| got", got)
    print(f"per query in process: p50 {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {times[int(0.95 * len(times))] * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
