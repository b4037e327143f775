"""Build the cockpit's Chinese font subset from Debian's Noto Sans CJK SC Regular.

    .venv/bin/python scripts/build_font_subset.py [--extra FILE ...]

Writes assets/fonts/NotoSansSC-cockpit.woff2, assets/fonts/OFL.txt and assets/fonts/fonts.css.

Why a subset of our own: deck.gl's TextLayer draws labels from a canvas glyph atlas using whatever font
the browser has; offline wall PCs may have no CJK font at all (labels turn into boxes) or a different
one (labels change width and overlap). Shipping one font makes every screen look the same. The full
SC face is ~16 MB; GB 2312 level 1 (3,755 common hanzi) plus the place names of the county covers
labels and UI text at a fraction of that. Characters outside the subset fall back to the next family
in the CSS stack.

The output is deterministic for the same inputs (timestamps from the source font are kept).
"""

from __future__ import annotations

import argparse
import csv
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FAMILY = "Noto Sans CJK SC"
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
REFERENCE_CSV = ROOT / "geodata" / "reference"
OUT_DIR = ROOT / "assets" / "fonts"
FONT_FILE = "NotoSansSC-cockpit.woff2"
CSS_FAMILY = "Cockpit Sans"

# Code point ranges beyond ASCII that dashboards and labels use: Latin-1 (° ± × · ²), general
# punctuation (— … ‰ ′ ″), letterlike (℃ №), arrows, circled numbers, squares/triangles/stars used as
# legend symbols, CJK symbols and punctuation, full-width forms and full-width currency signs.
EXTRA_RANGES = [
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2010, 0x2027),
    (0x2030, 0x203B),
    (0x2103, 0x2103),
    (0x2116, 0x2116),
    (0x2160, 0x216B),
    (0x2190, 0x2199),
    (0x2460, 0x2473),
    (0x25A0, 0x25CF),
    (0x2605, 0x2606),
    (0x3000, 0x303F),
    (0x3220, 0x3229),
    (0x338E, 0x33A6),
    (0xFF01, 0xFF5E),
    (0xFFE0, 0xFFE6),
]


def gb2312_level1() -> list[str]:
    """The 3,755 level-1 hanzi: GB 2312 rows 16–55 (lead bytes 0xB0–0xD7), 94 cells each."""
    chars = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.append(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # row 55 ends at 0xD7F9; 0xD7FA–0xD7FE are unassigned
    return chars


def gb2312_symbols() -> list[str]:
    """GB 2312 rows 1–3: the symbols, numerals and full-width ASCII that Chinese text mixes in."""
    chars = []
    for lead in range(0xA1, 0xA4):
        for trail in range(0xA1, 0xFF):
            try:
                chars.append(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def csv_characters(folder: Path) -> set[str]:
    chars: set[str] = set()
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    chars.update(cell)
    return chars


def wanted_characters(extra_files: Iterable[Path]) -> set[str]:
    chars = {chr(cp) for lo, hi in EXTRA_RANGES for cp in range(lo, hi + 1)}
    chars.update(gb2312_level1())
    chars.update(gb2312_symbols())
    chars.update(csv_characters(REFERENCE_CSV))
    for path in extra_files:
        chars.update(path.read_text(encoding="utf-8"))
    return {ch for ch in chars if ch.isprintable() or ch == "\u3000"}


def font_number(ttc: Path, family: str) -> int:
    collection = TTCollection(str(ttc), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(4) == family:
            return index
    raise SystemExit(f"{family!r} not found in {ttc}")


def build_font(source: Path, number: int, chars: set[str], out: Path) -> tuple[int, int]:
    options = subset.Options()
    options.flavor = "woff2"
    # Copyright (0), names (1–6), trademark (7), designer/vendor URLs (8–12) and the licence fields
    # (13, 14) travel inside the font, as the OFL asks of modified versions.
    options.name_IDs = list(range(15))
    options.hinting = False  # rendered at display sizes into a canvas atlas; hints only add bytes
    options.desubroutinize = True  # compresses better under woff2 than CFF subroutines
    # Vertical metrics serve vertical writing, which the cockpit never uses.
    options.drop_tables += ["vhea", "vmtx", "VORG"]
    font = TTFont(str(source), fontNumber=number, lazy=False, recalcTimestamp=False)
    cmap = font.getBestCmap()
    present = {ch for ch in chars if ord(ch) in cmap}
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(ch) for ch in present))
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), options)
    return len(present), len(chars) - len(present)


def licence_text() -> str:
    """The OFL as Debian ships it for fonts-noto-cjk, with the font's own copyright line on top."""
    body = None
    if DEBIAN_COPYRIGHT.is_file():
        body = _debian_licence_paragraph(DEBIAN_COPYRIGHT.read_text(encoding="utf-8"), "SIL-1.1")
    if body is None:
        raise SystemExit(f"OFL text not found in {DEBIAN_COPYRIGHT}; install fonts-noto-cjk")
    header = textwrap.dedent(
        f"""\
        {FONT_FILE} is a subset of Noto Sans CJK SC Regular (Debian package fonts-noto-cjk,
        upstream https://github.com/notofonts/noto-cjk), made by scripts/build_font_subset.py.
        It is a Modified Version under the SIL Open Font License 1.1 below.

        Copyright © 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.
        Noto is a trademark of Google Inc.

        """
    )
    return header + body


def _debian_licence_paragraph(copyright_text: str, name: str) -> str | None:
    """The stand-alone ``License: NAME`` paragraph of a machine-readable debian/copyright file."""
    lines = copyright_text.splitlines()
    for start, line in enumerate(lines):
        if line.strip() == f"License: {name}" and start + 1 < len(lines) and lines[start + 1].startswith(" "):
            body = []
            for cont in lines[start + 1:]:
                if not cont.startswith(" "):
                    break
                text = cont[1:]
                body.append("" if text == "." else text)
            return "\n".join(body).rstrip() + "\n"
    return None


def css_text(version: str, glyphs: int) -> str:
    return textwrap.dedent(
        f"""\
        /* "{CSS_FAMILY}": subset of Noto Sans CJK SC Regular {version}, {glyphs} characters (ASCII, CJK
           punctuation, full-width forms, GB 2312 level 1, the county's place names). SIL OFL 1.1, see
           OFL.txt. Built by scripts/build_font_subset.py; do not edit by hand.
           font-display: block keeps text invisible for the short load instead of flashing a fallback
           face, so the wall never shows two fonts. The URL is relative so this file works both from
           /assets/fonts/ and /fonts/. preload-font.js starts the download early for canvas text. */
        @font-face {{
          font-family: "{CSS_FAMILY}";
          src: url("{FONT_FILE}") format("woff2");
          font-weight: 400;
          font-style: normal;
          font-display: block;
        }}
        """
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE_TTC)
    parser.add_argument("--family", default=SOURCE_FAMILY, help="full font name inside the collection")
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="UTF-8 text file whose characters must also be included (repeatable)")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)

    number = font_number(args.source, args.family)
    chars = wanted_characters(args.extra)
    out = args.out_dir / FONT_FILE
    included, missing = build_font(args.source, number, chars, out)
    version = TTFont(str(out))["name"].getDebugName(5) or "?"
    version = version.split(";")[0]
    (args.out_dir / "OFL.txt").write_text(licence_text(), encoding="utf-8")
    (args.out_dir / "fonts.css").write_text(css_text(version, included), encoding="utf-8")
    size = out.stat().st_size
    print(f"{out}: {size:,} bytes, {included} characters from {args.family} #{number}"
          f" ({missing} requested characters not in the font)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
