"""Split a normalised address into its GA/T 2000.32 levels, using the address library as gazetteer.

General-purpose Chinese address parsers ship national gazetteers that are years behind Xinchang's
township reforms (沃洲镇, 澄潭街道 are missing or wrong in them), so administrative names are
recognised only from the plain lists the caller gives us — in production, the library itself.
Below the village level names are open-ended, so roads and estates are also recognised by suffix.

The parser walks the text left to right, one level at a time, always taking the longest known
name at the cursor; nothing here raises on odd input, unknown text is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from twin.address.normalise import normalise

# Suffixes that may be dropped in everyday writing: 新昌县 → 新昌, 七星街道 → 七星.
_ADMIN_SUFFIXES = ("街道", "省", "市", "县", "区", "镇", "乡")
# Official village committee names and how people write them: 后岸村委会 → 后岸村, 临江社区居委会 → 临江社区.
_COMMUNITY_SUFFIXES = (
    ("社区居委会", "社区"),
    ("村民委员会", "村"),
    ("居民委员会", "社区"),
    ("村委会", "村"),
    ("居委会", "社区"),
)

_ROAD = re.compile(r"[\u4e00-\u9fff]{1,10}?(?:大道|路|街|巷|弄)")
_LANE = re.compile(r"\d+弄")
_HOUSE_NUMBER = re.compile(r"(\d+(?:-\d+)?)号(?!楼)")
_ESTATE = re.compile(
    r"[\u4e00-\u9fffa-z][\u4e00-\u9fffa-z\d]{1,11}?(?:小区|花园|公寓|家园|新村|山庄|公馆|大厦|广场|苑|府|园|庭|城)(?:[一二三四五六七八九十\d]+期)?"
)
_UNIT = re.compile(r"(?:([a-z]|\d+[a-z]?)幢)?(?:(\d+)单元)?(?:(\d+)室)?")
_MAX_NAME = 40  # longest recognisable name, in characters; real ones stay well below
_NAME_SUFFIX = re.compile(r"大道|路|街|巷|小区|花园|公寓|家园|新村|山庄|公馆|大厦|广场|苑|府|园|庭|城")
_GROUP = re.compile(r"(\d+)组")  # 村民小组: house numbers restart in every group of a village
_IGNORED = re.compile(r"\d+(?:层|楼)")  # floors have no component of their own
_FALLBACK_TOWN = re.compile(r"[\u4e00-\u9fff]{2,3}?(?:街道|镇|乡)")
_FALLBACK_COMMUNITY = re.compile(r"[\u4e00-\u9fff]{2,5}?(?:社区|村)(?=\d|[\u4e00-\u9fff]{2,}(?:路|街|巷)|$)")


@dataclass(frozen=True)
class Components:
    """The levels of one address; None where the address does not say (or imply) that level."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    town: str | None = None
    community: str | None = None
    group: str | None = None  # 组 (GA/T 2000.32's level below the village); not in the HTTP components
    road: str | None = None
    house_number: str | None = None
    estate: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None


@dataclass(frozen=True)
class Gazetteer:
    """Known names of one county, from plain data (the caller reads them from the database).

    ``towns`` maps each current town name to its villages/communities (official committee names such
    as 后岸村委会 are fine); ``town_aliases`` maps former or colloquial names to the current town.
    Short forms without 省/市/县/街道/镇/乡 are derived; add irregular ones to the ``*_aliases`` lists.
    """

    province: str
    city: str
    county: str
    towns: Mapping[str, Sequence[str]]
    town_aliases: Mapping[str, str] = field(default_factory=dict)
    roads: Sequence[str] = ()
    estates: Sequence[str] = ()
    province_aliases: Sequence[str] = ()
    city_aliases: Sequence[str] = ()
    county_aliases: Sequence[str] = ()

    @cached_property
    def _index(self) -> _Index:
        return _Index.build(self)


@dataclass
class _Index:
    """Normalised spelling → canonical name, per level; built once per gazetteer."""

    province: dict[str, str]
    city: dict[str, str]
    county: dict[str, str]
    town: dict[str, str]
    community_by_town: dict[str, dict[str, str]]
    community_any: dict[str, list[tuple[str, str]]]  # spelling → [(town, community)]
    road: dict[str, str]
    estate: dict[str, str]

    @classmethod
    def build(cls, gaz: Gazetteer) -> _Index:
        town: dict[str, str] = {}
        for name in gaz.towns:
            town.update(_admin_spellings(name, name))
        for alias, current in gaz.town_aliases.items():
            town.update(_admin_spellings(alias, current))
        by_town: dict[str, dict[str, str]] = {}
        anywhere: dict[str, list[tuple[str, str]]] = {}
        for town_name, communities in gaz.towns.items():
            spellings = by_town.setdefault(town_name, {})
            for community in communities:
                for spelling in _community_spellings(community):
                    spellings[spelling] = community
                    anywhere.setdefault(spelling, []).append((town_name, community))
        return cls(
            province=_with_aliases(gaz.province, gaz.province_aliases),
            city=_with_aliases(gaz.city, gaz.city_aliases),
            county=_with_aliases(gaz.county, gaz.county_aliases),
            town=town,
            community_by_town=by_town,
            community_any=anywhere,
            road={normalise(r): r for r in gaz.roads if normalise(r)},
            estate={normalise(e): e for e in gaz.estates if normalise(e)},
        )


def _admin_spellings(name: str, canonical: str) -> dict[str, str]:
    full = normalise(name)
    spellings = {full: canonical} if full else {}
    for suffix in _ADMIN_SUFFIXES:
        # a one-character stem (e.g. 新县) would match too much ordinary text
        if full.endswith(suffix) and len(full) - len(suffix) >= 2:
            spellings[full[: -len(suffix)]] = canonical
            break
    return spellings


def _with_aliases(name: str, aliases: Sequence[str]) -> dict[str, str]:
    spellings = _admin_spellings(name, name)
    for alias in aliases:
        spellings.update(_admin_spellings(alias, name))
    return spellings


def _community_spellings(name: str) -> set[str]:
    full = normalise(name)
    spellings = {full} if full else set()
    for suffix, short in _COMMUNITY_SUFFIXES:
        if full.endswith(suffix) and len(full) > len(suffix):
            stem = full[: -len(suffix)]
            # 大塘坑居委会 is written 大塘坑社区 and also 大塘坑居委
            spellings |= {stem + short, stem + suffix.removesuffix("会")}
            break
    return spellings


def _longest(text: str, pos: int, names: Mapping[str, object]) -> str | None:
    """The longest spelling in ``names`` that starts at ``pos``."""
    # probing substrings keeps this independent of the library size (thousands of roads/estates)
    for size in range(min(_MAX_NAME, len(text) - pos), 0, -1):
        if text[pos : pos + size] in names:
            return text[pos : pos + size]
    return None


def parse(normalised: str, gazetteer: Gazetteer) -> Components:
    """Components of an address already passed through :func:`normalise`."""
    return _Parser(normalised or "", gazetteer._index, gazetteer).run()


class _Parser:
    def __init__(self, text: str, index: _Index, gaz: Gazetteer) -> None:
        self.text, self.index, self.gaz = text, index, gaz
        self.pos = 0
        self.found: dict[str, str] = {}

    def run(self) -> Components:
        self._admin("province", self.index.province)
        self._admin("city", self.index.city)
        self._admin("county", self.index.county)
        self._admin("town", self.index.town)
        self._unknown_town()
        self._community()
        self._below_village()
        self._implied_levels()
        return Components(**self.found)

    def _admin(self, level: str, names: Mapping[str, str]) -> None:
        spelling = _longest(self.text, self.pos, names)
        if spelling is None:
            return
        if self._part_of_a_longer_name(spelling):
            return
        self.found[level] = names[spelling]
        self.pos += len(spelling)

    def _unknown_town(self) -> None:
        # a town missing from the gazetteer is trusted only right after an explicit county, where
        # nothing but a town can follow (新昌县新林乡 …)
        if "town" in self.found or "county" not in self.found:
            return
        match = _FALLBACK_TOWN.match(self.text, self.pos)
        if match:
            self.found["town"] = match.group()
            self.pos = match.end()

    def _part_of_a_longer_name(self, spelling: str) -> bool:
        # 七星社区, 七星公寓, 新昌大道 are places of their own, not the town 七星 or the county 新昌
        for names in (self.index.community_any, self.index.estate, self.index.road):
            other = _longest(self.text, self.pos, names)
            if other is not None and len(other) > len(spelling):
                return True
        end = self.pos + len(spelling)
        if spelling.endswith(_ADMIN_SUFFIXES) or not _NAME_SUFFIX.match(self.text, end):
            return False
        # …but in 新昌城南乡 the 城 starts the next known name
        return not any(_longest(self.text, end, names) for names in (self.index.town, self.index.community_any))

    def _community(self) -> None:
        town = self.found.get("town")
        names = self.index.community_by_town.get(town, {}) if town else {}
        spelling = _longest(self.text, self.pos, names)
        if spelling is not None:
            self.found["community"] = names[spelling]
            self.pos += len(spelling)
            return
        spelling = _longest(self.text, self.pos, self.index.community_any)
        if spelling is not None:
            places = self.index.community_any[spelling]
            if town is None and len({t for t, _ in places}) == 1:
                self.found["town"] = places[0][0]
            self.found["community"] = places[0][1]
            self.pos += len(spelling)
            return
        match = _FALLBACK_COMMUNITY.match(self.text, self.pos)
        if match and not _ROAD.fullmatch(match.group()):
            self.found["community"] = match.group()
            self.pos = match.end()

    def _below_village(self) -> None:
        # the remaining levels come in a loose order (an estate may precede its road), so try each
        # unfilled one at the cursor and skip a character when none fits
        while self.pos < len(self.text):
            if not (self._road() or self._house_number() or self._estate() or self._unit() or self._group()
                    or self._ignored()):
                self.pos += 1

    def _take(self, level: str, value: str, end: int) -> bool:
        self.found[level] = value
        self.pos = end
        return True

    def _road(self) -> bool:
        if "road" in self.found:
            return False
        spelling = _longest(self.text, self.pos, self.index.road)
        if spelling is not None:
            return self._take("road", self.index.road[spelling], self.pos + len(spelling)) and self._lane()
        match = _ROAD.match(self.text, self.pos)
        if match and self._plausible_after_road(match.end()):
            return self._take("road", match.group(), match.end()) and self._lane()
        return False

    def _lane(self) -> bool:
        # 人民路10弄5号: the lane belongs to the road, the house number follows it
        match = _LANE.match(self.text, self.pos)
        if match:
            self.found["road"] += match.group()
            self.pos = match.end()
        return True

    def _plausible_after_road(self, end: int) -> bool:
        # 金街花园 is an estate, not the road 金街: an unknown road must be followed by a number,
        # the end of the text, or something that is itself an estate or road
        rest = self.text[end:]
        return (
            not rest
            or rest[0].isdigit()
            or _longest(self.text, end, self.index.estate) is not None
            or _ESTATE.match(rest) is not None
            or _ROAD.match(rest) is not None
        )

    def _house_number(self) -> bool:
        match = _HOUSE_NUMBER.match(self.text, self.pos)
        if match and "house_number" not in self.found:
            return self._take("house_number", match.group(1), match.end())
        return False

    def _estate(self) -> bool:
        if "estate" in self.found:
            return False
        spelling = _longest(self.text, self.pos, self.index.estate)
        if spelling is not None:
            return self._take("estate", self.index.estate[spelling], self.pos + len(spelling))
        match = _ESTATE.match(self.text, self.pos)
        if match:
            return self._take("estate", match.group(), match.end())
        return False

    def _unit(self) -> bool:
        match = _UNIT.match(self.text, self.pos)
        if not match or not match.group() or "building" in self.found or "room" in self.found:
            return False
        for level, value in zip(("building", "unit", "room"), match.groups(), strict=True):
            if value is not None:
                self.found[level] = value
        self.pos = match.end()
        return True

    def _group(self) -> bool:
        match = _GROUP.match(self.text, self.pos)
        if match and "group" not in self.found:
            self.found["group"] = match.group(1)
            self.pos = match.end()
            return True
        return False

    def _ignored(self) -> bool:
        match = _IGNORED.match(self.text, self.pos)
        if match:
            self.pos = match.end()
        return match is not None

    def _implied_levels(self) -> None:
        # the gazetteer covers one county, so a recognised town or county implies the levels above it
        if "town" in self.found or "county" in self.found:
            self.found.setdefault("county", self.gaz.county)
        if "county" in self.found or "city" in self.found:
            self.found.setdefault("city", self.gaz.city)
        if "city" in self.found:
            self.found.setdefault("province", self.gaz.province)
