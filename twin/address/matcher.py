"""The matcher: a library of standard addresses held in memory, blocked for fast candidate lookup.

A query is normalised and parsed with the library's own names as gazetteer, then only the records that
share a blocking key with it are scored: (road, house number), (estate, building), (village, house
number), or — when the query names no number — its road, estate or village alone. Names are looked up by
spelling and, for typos and homophones, by pinyin and by the closest known spelling, so a misspelt road
still finds its doors. Scoring and the decision are twin.address.score's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import cached_property

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from twin.address.normalise import normalise, pinyin_key
from twin.address.parse import Components, Gazetteer, parse
from twin.address.score import Decision, decide, score

_NUMBER = re.compile(r"\d+[a-z]?(?:-\d+)?")
_CLOSE_NAME = 60  # rapidfuzz ratio (0..100) for a misspelt road/estate/village to count as that name
_BLOCK_LIMIT = 400  # records scored per query at most (a whole road without a number can be long)


@dataclass(frozen=True)
class LibraryAddress:
    code: str
    full_text: str
    components: Components  # names as written in the library, numbers bare (9, not 9号)
    lon: float
    lat: float


def bare_number(value: str | None) -> str | None:
    """The number of a library value such as 9号, 3幢, 2单元, 501室 (the parser's form)."""
    if not value:
        return None
    found = _NUMBER.search(normalise(value))
    return found.group(0) if found else None


@dataclass
class Matcher:
    gazetteer: Gazetteer
    records: list[LibraryAddress] = field(default_factory=list)
    _blocks: dict[tuple[str, ...], list[int]] = field(default_factory=lambda: defaultdict(list))
    _names: dict[str, dict[str, str]] = field(default_factory=dict)  # level → spelling/pinyin → name

    @classmethod
    def build(cls, library: Iterable[LibraryAddress], *, province: str, city: str, county: str,
              town_aliases: dict[str, str] | None = None) -> Matcher:
        records = list(library)
        towns: dict[str, set[str]] = defaultdict(set)
        roads, estates = set(), set()
        for r in records:
            c = r.components
            if c.town:
                towns[c.town].update([c.community] if c.community else [])
            roads.update([c.road] if c.road else [])
            estates.update([c.estate] if c.estate else [])
        gazetteer = Gazetteer(province=province, city=city, county=county,
                              towns={t: sorted(v) for t, v in towns.items()}, town_aliases=town_aliases or {},
                              roads=sorted(roads), estates=sorted(estates))
        matcher = cls(gazetteer, records)
        for level, names in (("road", roads), ("estate", estates),
                             ("community", {v for vs in towns.values() for v in vs})):
            index: dict[str, str] = {}
            for name in names:
                index[normalise(name)] = name
                index.setdefault("py:" + pinyin_key(name), name)
            matcher._names[level] = index
        for i, r in enumerate(records):
            for key in _keys(r.components):
                matcher._blocks[key].append(i)
        return matcher

    def match(self, text: str) -> Decision[LibraryAddress]:
        query = parse(self._sound_alike_names(normalise(text)), self.gazetteer)
        query = self._repair_names(query)
        seen: set[int] = set()
        for key in _keys(query):
            seen.update(self._blocks.get(key, ())[:_BLOCK_LIMIT])
        scored = [(self.records[i], score(query, self.records[i].components)) for i in seen]
        return decide(scored)

    def _sound_alike_names(self, text: str) -> str:
        """雨林街道 → 羽林街道: town and village names written with homophones are put right before parsing,
        which finds administrative names by spelling only."""
        syllables = [lazy_pinyin(ch)[0] for ch in text]
        for name, sound in self._admin_sounds:
            if name in text:
                continue
            n = len(sound)
            for i in range(len(syllables) - n + 1):
                if syllables[i:i + n] == sound:
                    text = text[:i] + name + text[i + n:]
                    syllables[i:i + n] = sound
                    break
        return text

    @cached_property
    def _admin_sounds(self) -> list[tuple[str, list[str]]]:
        names = {normalise(t) for t in self.gazetteer.towns} | set(self.gazetteer.town_aliases) \
            | {normalise(c) for cs in self.gazetteer.towns.values() for c in cs}
        # longest first, so 羽林街道 is tried before a shorter name inside it
        return sorted(((n, [lazy_pinyin(ch)[0] for ch in n]) for n in names if len(n) >= 2), key=lambda x: -len(x[0]))

    def _repair_names(self, query: Components) -> Components:
        """A road, estate or village the library does not know by that spelling: its homophone or its
        closest spelling, so blocking still finds the doors (the score then weighs the difference)."""
        changes = {}
        for level in ("road", "estate", "community"):
            written = getattr(query, level)
            names = self._names.get(level, {})
            if not written or normalise(written) in names:
                continue
            same_sound = names.get("py:" + pinyin_key(written))
            if same_sound:
                changes[level] = same_sound
                continue
            spellings = [s for s in names if not s.startswith("py:")]
            best = process.extractOne(normalise(written), spellings, scorer=fuzz.ratio, score_cutoff=_CLOSE_NAME)
            if best:
                changes[level] = names[best[0]]
        if not changes:
            return query
        return Components(**{f.name: changes.get(f.name, getattr(query, f.name)) for f in fields(Components)})


def _keys(c: Components) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = []
    if c.road and c.house_number:
        keys.append(("road", c.road, c.house_number))
    if c.estate and c.building:
        keys.append(("estate", c.estate, c.building))
    if c.community and c.house_number:
        keys.append(("community", c.community, c.group or "", c.house_number))
    if not keys:  # no number to block on: the named road, estate or village as a whole
        keys += [(level, name) for level in ("road", "estate", "community") if (name := getattr(c, level))]
    return keys
