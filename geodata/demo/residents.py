"""Residents (人) of the demo households: families with consistent ages, GB 11643 ID numbers, phones.

Personal data leaves this module only protected. Encryption contexts (the AES-GCM associated data,
which readers must pass to ``DataProtector.decrypt``) are one per field: ``NAME_CONTEXT``,
``ID_NUMBER_CONTEXT`` and ``PHONE_CONTEXT``. ``id_number_hmac`` is ``lookup_hash(id_number)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from geodata.codes import ID_CHECK, ID_WEIGHTS
from geodata.demo.names import CLAN_SURNAMES, given_names, surnames
from geodata.protect import ID_NUMBER_CONTEXT, NAME_CONTEXT, PHONE_CONTEXT, mask_id_number, mask_name, mask_phone

if TYPE_CHECKING:
    from geodata.demo.context import DemoContext

SOURCE = "demo generator (synthetic)"
REFERENCE_YEAR = 2025  # ages are as of mid-2025
COUNTY_PREFIX = 330624
# Where incomers' IDs were issued: neighbouring counties, then the usual home provinces of migrant workers.
OTHER_PREFIXES = np.array([330683, 331023, 330602, 330603, 330783, 330727, 330213, 330226,
                           341221, 411522, 522427, 362329, 430524])
OTHER_P = np.array([18, 14, 8, 6, 8, 6, 4, 4, 7, 7, 8, 5, 5], dtype=float) / 100
PHONE_PREFIXES = np.array([130, 131, 132, 133, 134, 135, 136, 137, 138, 139,
                           150, 151, 152, 153, 155, 156, 157, 158, 159,
                           180, 181, 182, 183, 184, 185, 186, 187, 188, 189])

SIZE_P = np.array([0.18, 0.28, 0.24, 0.16, 0.09, 0.05])  # 1…6 persons: mean ≈ 2.85
# Head-of-household age bands (low, high inclusive, weight) by household size: singles and couples
# are mostly old (an ageing county whose young work in the cities), large families have middle-aged heads.
HEAD_AGE = {
    1: [(20, 34, 12), (35, 59, 30), (60, 69, 20), (70, 79, 23), (80, 95, 15)],
    2: [(22, 34, 6), (35, 54, 14), (55, 69, 45), (70, 88, 35)],
    3: [(26, 39, 20), (40, 54, 40), (55, 72, 40)],
    4: [(30, 44, 25), (45, 59, 45), (60, 75, 30)],
}
DISABLED_RATE = (0.006, 0.02, 0.05)  # under 40, 40–69, 70 and over
KEY_CARE_RATE = 0.005
LOW_INCOME_RATE = (0.015, 0.006)  # households in villages, in communities


def make_residents(ctx: DemoContext, villages: pd.DataFrame, homes: pd.DataFrame,
                   rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """The resident rows, and the size of each household (indexed by ``homes.household``)."""
    occupied = homes[homes["household"] >= 0].sort_values("household")
    n_hh = len(occupied)
    size = rng.choice(np.arange(1, 7), n_hh, p=SIZE_P)
    head_age = _head_ages(rng, size)
    spouse = (size >= 2) & (rng.random(n_hh) < 0.88)
    head_male = rng.random(n_hh) < np.where((size == 1) & (head_age >= 70), 0.42, 0.8)

    hh = np.repeat(np.arange(n_hh), size)
    k = np.arange(len(hh)) - np.repeat(np.cumsum(size) - size, size)
    relation, age, male = _members(rng, hh, k, head_age[hh], spouse[hh], head_male[hh])
    n = len(hh)

    village = occupied["village"].to_numpy()
    rented = (occupied["tenure"] == "rented").to_numpy()
    local_hh = rng.random(n_hh) < np.where(rented, 0.5, 0.93)
    prefix = np.where(local_hh, COUNTY_PREFIX, rng.choice(OTHER_PREFIXES, n_hh, p=OTHER_P))[hh]
    married_in = (relation == "配偶") & (rng.random(n) < 0.15)
    prefix = np.where(married_in, rng.choice(OTHER_PREFIXES, n, p=OTHER_P), prefix)
    birth_year = REFERENCE_YEAR - age
    day = rng.integers(0, np.where(birth_year >= REFERENCE_YEAR, 180, 365))
    birth = (np.array(birth_year - 1970, dtype="datetime64[Y]").astype("datetime64[D]")
             + day.astype("timedelta64[D]"))
    id_numbers = _id_numbers(rng, prefix, birth, male)

    # single-clan villages: a third of the local rural households carry the village's clan name
    clan = CLAN_SURNAMES[rng.integers(0, len(CLAN_SURNAMES), len(villages))][village]
    clan_head = np.full(n_hh, None, dtype=object)
    of_clan = local_hh & ~villages["urban"].to_numpy()[village] & (rng.random(n_hh) < 0.35)
    clan_head[of_clan] = clan[of_clan]
    name = _names(rng, hh, relation, male, birth_year, head_male, spouse, clan_head)
    phone = _phones(rng, age)
    tags = _tags(rng, hh, age, size, villages["urban"].to_numpy()[village])

    codes = villages["code"].to_numpy()[village]
    seq = pd.Series(village).groupby(village).cumcount().to_numpy() + 1
    household_no = np.array([f"{c}{s:05d}" for c, s in zip(codes, seq, strict=True)], dtype=object)
    p = ctx.protector
    ids = ctx.ids("resident", n)
    frame = pd.DataFrame({
        "id": ids,
        "name_enc": [p.encrypt(v, context=NAME_CONTEXT) for v in name],
        "name_masked": [mask_name(v) for v in name],
        "id_number_enc": [p.encrypt(v, context=ID_NUMBER_CONTEXT) for v in id_numbers],
        "id_number_hmac": [p.lookup_hash(v) for v in id_numbers],
        "id_number_masked": [mask_id_number(v) for v in id_numbers],
        "phone_enc": [None if v is None else p.encrypt(v, context=PHONE_CONTEXT) for v in phone],
        "phone_masked": [None if v is None else mask_phone(v) for v in phone],
        "gender": np.where(male, "M", "F"), "birth_year": birth_year,
        "household_no": household_no[hh], "relation": relation,
        "house_id": occupied["id"].to_numpy()[hh], "address_id": occupied["address_id"].to_numpy()[hh],
        "grid_code": occupied["grid_code"].to_numpy()[hh], "tags": tags,
        "geom": shapely.points(occupied["lon"].to_numpy()[hh], occupied["lat"].to_numpy()[hh]),
        "is_synthetic": True, "source": SOURCE,
    })
    return frame, size


def _head_ages(rng: np.random.Generator, size: np.ndarray) -> np.ndarray:
    age = np.zeros(len(size), dtype=np.int64)
    for s in np.unique(size):
        sel = np.flatnonzero(size == s)
        bands = np.array(HEAD_AGE[min(int(s), 4)])
        pick = rng.choice(len(bands), len(sel), p=bands[:, 2] / bands[:, 2].sum())
        age[sel] = rng.integers(bands[pick, 0], bands[pick, 1] + 1)
    return age


def _members(rng: np.random.Generator, hh: np.ndarray, k: np.ndarray, head_age: np.ndarray,
             spouse: np.ndarray, head_male: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relation to the head, age and gender of every member. Older heads live with a grown child,
    the child's spouse and grandchildren; younger heads with their children and perhaps their parents."""
    n = len(hh)
    e = k - 1 - spouse  # index among the members beyond head and spouse
    r = rng.random(n)
    old = head_age >= 55
    relation = np.select(
        [k == 0, (k == 1) & spouse,
         old & (e == 0), old & (e == 1) & (r < 0.5), old,
         e == 0, (e == 1) & (r < 0.7), (e == 2) & (r < 0.5), e >= 2],
        ["户主", "配偶", "子女", "其他", "孙子女", "子女", "子女", "子女", "父母"], default="父母").astype(object)
    relation[(~old) & (e >= 3)] = np.where(r[(~old) & (e >= 3)] < 0.9, "子女", "其他")
    child_gap = np.where(old, rng.integers(24, 35, n), rng.integers(22, 37, n))
    age = np.select(
        [relation == "户主", relation == "配偶", relation == "子女", relation == "孙子女", relation == "父母",
         old & (relation == "其他")],
        [head_age, head_age + np.round(rng.normal(-2, 3, n)), np.clip(head_age - child_gap, 0, head_age - 18),
         head_age - rng.integers(48, 63, n), head_age + rng.integers(24, 35, n), head_age - child_gap],
        default=head_age + rng.integers(-10, 11, n))
    age = np.clip(age, 0, 100).astype(np.int64)
    age[relation == "配偶"] = np.maximum(age[relation == "配偶"], 18)
    male = np.select([relation == "户主", relation == "配偶", relation == "父母"],
                     [head_male, ~head_male, r < 0.45], default=rng.random(n) < 0.515)
    return relation, age, male


def _id_numbers(rng: np.random.Generator, prefix: np.ndarray, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """18-character numbers: area code, birth date, a sequence (odd for men) and the GB 11643 check."""
    ymd = birth.astype(object)
    date_num = np.array([d.year * 10_000 + d.month * 100 + d.day for d in ymd], dtype=np.int64)
    head = prefix.astype(np.int64) * 10**11 + date_num * 1000
    body = head + 2 * rng.integers(0, 500, len(head)) + male
    for _ in range(100):  # a few same-day births share a sequence: draw again until unique
        _, first = np.unique(body, return_index=True)
        dup = np.ones(len(body), dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        body[dup] = head[dup] + 2 * rng.integers(0, 500, dup.sum()) + male[dup]
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1)) % 10
    check = np.array(list(ID_CHECK))[(digits * np.array(ID_WEIGHTS)).sum(axis=1) % 11]
    return np.array([f"{b:017d}{c}" for b, c in zip(body, check, strict=True)], dtype=object)


def _names(rng: np.random.Generator, hh: np.ndarray, relation: np.ndarray, male: np.ndarray, birth_year: np.ndarray,
           head_male: np.ndarray, spouse: np.ndarray, clan: np.ndarray) -> np.ndarray:
    """Children and grandchildren carry the father's line's surname (now and then the mother's);
    the head's father shares the head's surname."""
    n_hh = len(head_male)
    head_surname = np.where(pd.isna(clan), surnames(rng, n_hh), clan)
    spouse_surname = surnames(rng, n_hh)
    line = np.where(head_male | ~spouse, head_surname, spouse_surname)
    other = np.where(head_male, spouse_surname, head_surname)
    own = surnames(rng, len(hh))
    r = rng.random(len(hh))
    surname = np.select(
        [relation == "户主", relation == "配偶", np.isin(relation, ["子女", "孙子女"]) & (r < 0.93),
         np.isin(relation, ["子女", "孙子女"]), (relation == "父母") & male],
        [head_surname[hh], spouse_surname[hh], line[hh], other[hh], head_surname[hh]], default=own)
    return surname + given_names(rng, birth_year, male)


def _phones(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """About 85 % have a mobile number: nearly every working-age adult, fewer children and very old people."""
    p = np.select([age < 10, age < 16, age < 70, age < 80], [0.05, 0.6, 0.98, 0.9], default=0.65)
    has = rng.random(len(age)) < p
    number = PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), len(age))] * 10**8 + rng.integers(0, 10**8, len(age))
    for _ in range(100):
        _, first = np.unique(number, return_index=True)
        dup = np.ones(len(number), dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        number[dup] = number[dup] // 10**8 * 10**8 + rng.integers(0, 10**8, dup.sum())
    out = np.full(len(age), None, dtype=object)
    out[has] = [str(v) for v in number[has]]
    return out


def _tags(rng: np.random.Generator, hh: np.ndarray, age: np.ndarray, size: np.ndarray,
          urban: np.ndarray) -> list[list[str]]:
    """Special groups: every 70+ resident living alone, plus small age-dependent shares of the rest."""
    n = len(hh)
    lo, mid, hi = DISABLED_RATE
    rural_rate, urban_rate = LOW_INCOME_RATE
    flags = {
        "elderly_alone": (size[hh] == 1) & (age >= 70),
        "disabled": rng.random(n) < np.select([age < 40, age < 70], [lo, mid], default=hi),
        "key_care": rng.random(n) < KEY_CARE_RATE,
        "low_income": (rng.random(len(size)) < np.where(urban, urban_rate, rural_rate))[hh],
    }
    tags: list[list[str]] = [[] for _ in range(n)]
    for tag, flag in flags.items():
        for i in np.flatnonzero(flag):
            tags[i].append(tag)
    return tags
