"""How well a library address fits a parsed query, and whether the best fit is a match.

Scoring is per level. Names (town, village, road, estate) are compared by characters and by sound, so a
typo (羽林街到) or a homophone (雨林街道) still fits; numbers (house, building, unit, room) must be equal,
because 18号 and 19号 are different doors. Levels the query leaves out cost nothing (people drop the
county and the town all the time); levels it gives that the candidate lacks, or contradicts, do.

The decision follows the usual record-linkage rule: one match when the best candidate is good enough and
clearly ahead of the next one; otherwise the ranked candidates for a person to choose; nothing when even
the best is poor (an address that does not exist must not be "matched" to its neighbour).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Generic, TypeVar

from rapidfuzz.distance import Levenshtein

from twin.address.normalise import pinyin_key
from twin.address.parse import Components

# Weights: what distinguishes one door from another counts most.
WEIGHTS: dict[str, float] = {
    "province": 0.02, "city": 0.03, "county": 0.05, "town": 0.10, "community": 0.10, "group": 0.06, "road": 0.16,
    "house_number": 0.18, "estate": 0.12, "building": 0.10, "unit": 0.06, "room": 0.08,
}
NAME_LEVELS = frozenset({"province", "city", "county", "town", "community", "road", "estate"})
SOUND_ALIKE = 0.92  # same pinyin, different characters: very likely a homophone typo
EXTRA_LEVEL_COST = 0.05  # the candidate is finer than the query (a room when the query named a house)
OTHER_DOOR = 0.7  # the most a candidate with a different house/building/unit/room number can score
COARSER = 0.8  # the most a candidate can score that lacks a number the query gives (its room may not exist)
ACCEPT = 0.86
MARGIN = 0.04
SHOW = 5

T = TypeVar("T")


def name_similarity(a: str, b: str) -> float:
    """1 for equal names; high for one slip of the pen or a homophone; low for different names."""
    if a == b:
        return 1.0
    by_characters = Levenshtein.normalized_similarity(a, b)
    by_sound = SOUND_ALIKE if pinyin_key(a) == pinyin_key(b) else 0.0
    return max(by_characters, by_sound)


def score(query: Components, candidate: Components) -> float:
    """0..1: the weighted share of the query's levels that the candidate agrees with."""
    total = agreed = 0.0
    extra = 0
    other_door = coarser = False
    for f in fields(Components):
        want, have = getattr(query, f.name), getattr(candidate, f.name)
        if want is None:
            # finer than the query: a room when it named a house (an estate only when it named no building)
            extra += have is not None and (f.name in ("building", "unit", "room")
                                           or (f.name == "estate" and query.building is None))
            continue
        weight = WEIGHTS[f.name]
        total += weight
        if have is None:
            coarser |= f.name not in NAME_LEVELS
            continue
        if f.name in NAME_LEVELS:
            agreed += weight * name_similarity(want, have)
        elif want == have:
            agreed += weight
        else:
            other_door = True  # a neighbour is still shown as a candidate, never taken as the match
    if total == 0:
        return 0.0
    value = max(0.0, agreed / total - EXTRA_LEVEL_COST * extra)
    if other_door:
        return min(value, OTHER_DOOR)
    return min(value, COARSER) if coarser else value


@dataclass(frozen=True)
class Decision(Generic[T]):
    match: T | None
    candidates: list[tuple[T, float]]  # best first, at most SHOW


def decide(scored: Sequence[tuple[T, float]], *, accept: float = ACCEPT, margin: float = MARGIN) -> Decision[T]:
    ranked = sorted(scored, key=lambda pair: pair[1], reverse=True)[:SHOW]
    if not ranked or ranked[0][1] < accept:
        return Decision(None, ranked if ranked and ranked[0][1] >= accept / 2 else [])
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < margin:
        return Decision(None, ranked)  # two doors fit about as well: a person decides
    return Decision(ranked[0][0], ranked)
