"""The in-memory matcher on a small library: ways of writing a door find it; neighbours and addresses
that do not exist are not matched."""

from __future__ import annotations

import pytest

from twin.address.matcher import LibraryAddress, Matcher, bare_number
from twin.address.parse import Components

ROWS = [  # (town, community, road, house number, estate, building, unit, room)
    ("羽林街道", "临江社区", "临江路", "9号", "南明府", "1幢", "1单元", "101室"),
    ("羽林街道", "临江社区", "临江路", "9号", "南明府", "1幢", "1单元", "102室"),
    ("羽林街道", "临江社区", "临江路", "9号", "南明府", "2幢", "1单元", "101室"),
    ("羽林街道", "临江社区", "临江路", "11号", None, None, None, None),
    ("南明街道", "鼓山社区", "鼓山路", "9号", None, None, None, None),
    ("澄潭街道", "铁牛村", None, "15号", None, None, None, None),
    ("沃洲镇", "大市聚村", "聚星路", "3号", None, None, None, None),
]


def library() -> list[LibraryAddress]:
    out = []
    for i, (town, community, road, number, estate, building, unit, room) in enumerate(ROWS):
        components = Components(province="浙江省", city="绍兴市", county="新昌县", town=town, community=community,
                                road=road, house_number=bare_number(number), estate=estate,
                                building=bare_number(building), unit=bare_number(unit), room=bare_number(room))
        parts = ("浙江省绍兴市新昌县", town, community, road, number, estate, building, unit, room)
        text = "".join(v for v in parts if v)
        out.append(LibraryAddress(code=f"A{i}", full_text=text, components=components, lon=120.9, lat=29.5))
    return out


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(library(), province="浙江省", city="绍兴市", county="新昌县",
                         town_aliases={"大市聚镇": "沃洲镇"})


def test_library_numbers_are_kept_bare() -> None:
    assert [bare_number(v) for v in ("9号", "1幢", "2单元", "501室", "18-1号", None)] == \
        ["9", "1", "2", "501", "18-1", None]


@pytest.mark.parametrize("written", [
    "浙江省绍兴市新昌县羽林街道临江社区临江路9号南明府1幢1单元101室",
    "新昌县羽林街道临江路9号南明府1-1-101",
    "羽林临江路九号南明府1栋1单元101",
    "新昌縣羽林街道臨江路9號南明府1號樓1單元101室",
    "雨林街道临江路9号南明府1幢1单元101室",      # homophone of the town
    "羽林街道林江路9号南明府1幢1单元101室",      # homophone of the road
    "羽林街道临江路9号南明苻1幢1单元101室",      # a slip in the estate
])
def test_ways_of_writing_one_door_find_it(matcher: Matcher, written: str) -> None:
    decision = matcher.match(written)
    assert decision.match is not None and decision.match.code == "A0", decision.candidates[:2]


def test_a_village_door_without_a_road(matcher: Matcher) -> None:
    decision = matcher.match("澄潭街道铁牛村15号")
    assert decision.match is not None and decision.match.code == "A5"


def test_a_former_town_name_still_finds_the_door(matcher: Matcher) -> None:
    decision = matcher.match("大市聚镇大市聚村聚星路3号")
    assert decision.match is not None and decision.match.code == "A6"


@pytest.mark.parametrize("missing", [
    "羽林街道临江路9号南明府1幢1单元901室",   # no such room
    "羽林街道临江路99号",                     # no such house
    "南明街道解放路7号",                      # no such road
])
def test_addresses_that_do_not_exist_are_not_matched(matcher: Matcher, missing: str) -> None:
    assert matcher.match(missing).match is None


def test_a_house_number_shared_by_two_roads_is_decided_by_the_road(matcher: Matcher) -> None:
    decision = matcher.match("新昌县鼓山路9号")
    assert decision.match is not None and decision.match.code == "A4"


def test_an_unclear_query_gives_ranked_candidates(matcher: Matcher) -> None:
    decision = matcher.match("羽林街道临江路9号南明府1单元101室")  # which building?
    assert decision.match is None
    assert {c.code for c, _ in decision.candidates[:2]} == {"A0", "A2"}


def test_the_village_group_tells_doors_with_the_same_number_apart() -> None:
    rows = [LibraryAddress(code=f"G{g}", full_text=f"新昌县澄潭街道铁牛村{g}组15号", lon=0, lat=0,
                           components=Components(county="新昌县", town="澄潭街道", community="铁牛村", group=str(g),
                                                 house_number="15")) for g in (1, 2, 3)]
    matcher = Matcher.build(rows, province="浙江省", city="绍兴市", county="新昌县")
    decision = matcher.match("澄潭街道铁牛村二组15号")
    assert decision.match is not None and decision.match.code == "G2"
