from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import fields
from pathlib import Path

import pytest

from twin.address.normalise import normalise
from twin.address.parse import Components, Gazetteer, parse

REFERENCE = Path(__file__).resolve().parents[2] / "geodata" / "reference"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    # the real 12 townships and their villages (NBS 2023), as the database will provide them
    with (REFERENCE / "xinchang_townships.csv").open(encoding="utf-8") as f:
        towns = {row["code_nbs2023"]: row["name"] for row in csv.DictReader(f)}
    villages: dict[str, list[str]] = defaultdict(list)
    with (REFERENCE / "xinchang_villages_nbs2023.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            villages[towns[row["town_code"]]].append(row["name"])
    return Gazetteer(
        province="浙江省",
        city="绍兴市",
        county="新昌县",
        towns={name: villages[name] for name in towns.values()},
        # towns merged in the township reform, still written by residents
        town_aliases={"大市聚镇": "沃洲镇", "梅渚镇": "澄潭街道"},
        roads=["鼓山中路", "人民中路", "江滨西路"],
        estates=["鼓山花园", "七星公寓"],
    )


def p(text: str, gazetteer: Gazetteer) -> Components:
    return parse(normalise(text), gazetteer)


def test_components_have_the_standard_levels_with_the_village_group() -> None:
    names = [f.name for f in fields(Components)]
    assert names == [
        "province", "city", "county", "town", "community", "group", "road",
        "house_number", "estate", "building", "unit", "room",
    ]  # fmt: skip


def test_full_address_with_province_and_city(gazetteer: Gazetteer) -> None:
    c = p("浙江省绍兴市新昌县羽林街道后岸村18号", gazetteer)
    assert (c.province, c.city, c.county, c.town) == ("浙江省", "绍兴市", "新昌县", "羽林街道")
    assert (c.community, c.house_number) == ("后岸村委会", "18")


def test_missing_province_and_city_are_implied_by_the_county(gazetteer: Gazetteer) -> None:
    c = p("新昌县南明街道", gazetteer)
    assert (c.province, c.city, c.county, c.town) == ("浙江省", "绍兴市", "新昌县", "南明街道")


def test_missing_county_is_implied_by_the_town(gazetteer: Gazetteer) -> None:
    assert p("儒岙镇天姥村", gazetteer).county == "新昌县"


def test_abbreviated_city_and_county(gazetteer: Gazetteer) -> None:
    c = p("绍兴新昌儒岙镇", gazetteer)
    assert (c.city, c.county, c.town) == ("绍兴市", "新昌县", "儒岙镇")


@pytest.mark.parametrize(
    ("written", "town"),
    [("羽林", "羽林街道"), ("沃洲", "沃洲镇"), ("七星", "七星街道"), ("澄潭", "澄潭街道"), ("东茗", "东茗乡")],
)
def test_abbreviated_town_names(written: str, town: str, gazetteer: Gazetteer) -> None:
    assert p(f"新昌{written}", gazetteer).town == town


@pytest.mark.parametrize("town", ["沃洲镇", "澄潭街道"])
def test_towns_missing_from_general_gazetteers_are_recognised(town: str, gazetteer: Gazetteer) -> None:
    assert p(f"浙江省新昌县{town}", gazetteer).town == town


@pytest.mark.parametrize(("former", "current"), [("大市聚镇", "沃洲镇"), ("梅渚镇", "澄潭街道")])
def test_former_town_names_map_to_the_current_town(former: str, current: str, gazetteer: Gazetteer) -> None:
    assert p(f"新昌县{former}", gazetteer).town == current


def test_a_village_in_its_town(gazetteer: Gazetteer) -> None:
    c = p("新昌县小将镇茅洋村", gazetteer)
    assert (c.town, c.community) == ("小将镇", "茅洋村委会")


def test_a_village_alone_implies_its_town(gazetteer: Gazetteer) -> None:
    c = p("回山镇官塘村", gazetteer)
    assert (c.town, c.community) == ("回山镇", "官塘村委会")
    assert p("官塘村", gazetteer).town == "回山镇"


def test_a_community_written_without_its_committee_word(gazetteer: Gazetteer) -> None:
    assert p("南明街道钟楼社区", gazetteer).community == "钟楼社区居委会"


def test_a_community_named_like_its_town_is_not_read_as_the_town(gazetteer: Gazetteer) -> None:
    c = p("七星社区", gazetteer)
    assert (c.town, c.community) == ("七星街道", "七星社区居委会")


def test_numerals_in_village_names_survive_parsing(gazetteer: Gazetteer) -> None:
    c = p("七星街道三溪社区五一路二十号", gazetteer)
    assert (c.community, c.road, c.house_number) == ("三溪社区居委会", "五一路", "20")


def test_former_town_name_with_its_village(gazetteer: Gazetteer) -> None:
    c = p("新昌县大市聚镇大市聚村5号", gazetteer)
    assert (c.town, c.community, c.house_number) == ("沃洲镇", "大市聚村委会", "5")


def test_a_town_missing_from_the_gazetteer_after_the_county(gazetteer: Gazetteer) -> None:
    c = p("新昌县新林乡某某村12号", gazetteer)
    assert (c.town, c.community, c.house_number) == ("新林乡", "某某村", "12")


def test_village_group_is_its_own_level(gazetteer: Gazetteer) -> None:
    # house numbers restart in every group of a village: the group tells 3组12号 from 4组12号
    c = p("东茗乡东茗村三组12号", gazetteer)
    assert (c.community, c.group, c.house_number) == ("东茗村委会", "3", "12")


def test_known_road_and_house_number(gazetteer: Gazetteer) -> None:
    c = p("新昌县七星街道江滨西路128号", gazetteer)
    assert (c.road, c.house_number) == ("江滨西路", "128")


def test_unknown_road_by_suffix(gazetteer: Gazetteer) -> None:
    c = p("梅渚镇环镇大道8号", gazetteer)
    assert (c.town, c.road, c.house_number) == ("澄潭街道", "环镇大道", "8")


def test_house_number_with_a_sub_number(gazetteer: Gazetteer) -> None:
    assert p("人民中路18-1号", gazetteer).house_number == "18-1"


def test_lane_stays_with_its_road(gazetteer: Gazetteer) -> None:
    c = p("人民中路10弄5号", gazetteer)
    assert (c.road, c.house_number) == ("人民中路10弄", "5")


def test_estate_with_building_unit_and_room(gazetteer: Gazetteer) -> None:
    c = p("新昌县南明街道鼓山中路18号鼓山花园3幢2单元501室", gazetteer)
    assert (c.road, c.house_number, c.estate) == ("鼓山中路", "18", "鼓山花园")
    assert (c.building, c.unit, c.room) == ("3", "2", "501")


@pytest.mark.parametrize("unit", ["3幢2单元501室", "3栋2单元501", "3-2-501", "3号楼2单元501室", "3#2单元501室"])
def test_every_unit_format_parses_to_the_same_components(unit: str, gazetteer: Gazetteer) -> None:
    c = p(f"七星公寓{unit}", gazetteer)
    assert (c.estate, c.building, c.unit, c.room) == ("七星公寓", "3", "2", "501")


def test_unknown_estate_by_suffix_with_phase(gazetteer: Gazetteer) -> None:
    c = p("七星街道和悦府二期5幢1单元1201室", gazetteer)
    assert (c.estate, c.building, c.unit, c.room) == ("和悦府二期", "5", "1", "1201")


def test_an_estate_containing_a_road_word_is_not_a_road(gazetteer: Gazetteer) -> None:
    c = p("金街花园3幢", gazetteer)
    assert (c.road, c.estate, c.building) == (None, "金街花园", "3")


def test_building_without_unit_or_room(gazetteer: Gazetteer) -> None:
    c = p("鼓山花园a座", gazetteer)
    assert (c.building, c.unit, c.room) == ("a", None, None)


def test_absent_levels_are_none(gazetteer: Gazetteer) -> None:
    c = p("3-2-501", gazetteer)
    assert (c.building, c.unit, c.room) == ("3", "2", "501")
    assert c.province is None and c.town is None and c.road is None and c.estate is None


def test_an_address_outside_the_county_does_not_get_its_levels(gazetteer: Gazetteer) -> None:
    c = p("杭州市西湖区文三路5号", gazetteer)
    assert (c.county, c.town, c.house_number) == (None, None, "5")


@pytest.mark.parametrize("junk", ["", "???", "xyz!!", "12345", "号号号", "幢单元室", "新", "-" * 50, "路" * 300])
def test_junk_input_never_raises(junk: str, gazetteer: Gazetteer) -> None:
    assert isinstance(parse(normalise(junk), gazetteer), Components)


def test_unnormalised_input_does_not_raise(gazetteer: Gazetteer) -> None:
    assert isinstance(parse("新昌縣 羽林街道，３－２－５０１", gazetteer), Components)


def test_gazetteer_names_are_normalised_like_queries() -> None:
    gaz = Gazetteer(province="浙江省", city="绍兴市", county="新昌縣", towns={"羽林街道": []})
    assert p("新昌县羽林街道", gaz).county == "新昌縣"


def test_a_road_named_after_the_county_is_a_road(gazetteer: Gazetteer) -> None:
    c = p("新昌大道88号", gazetteer)
    assert (c.county, c.road, c.house_number) == (None, "新昌大道", "88")


def test_an_unknown_estate_named_after_a_town_is_an_estate(gazetteer: Gazetteer) -> None:
    c = p("七星花园3幢", gazetteer)
    assert (c.town, c.estate, c.building) == (None, "七星花园", "3")


def test_a_known_estate_named_after_a_town_is_an_estate(gazetteer: Gazetteer) -> None:
    assert p("七星公寓", gazetteer).estate == "七星公寓"


def test_abbreviated_county_before_a_town_starting_with_a_name_suffix(gazetteer: Gazetteer) -> None:
    c = p("新昌城南乡石溪村", gazetteer)
    assert (c.county, c.town, c.community) == ("新昌县", "城南乡", "石溪村委会")


def test_longest_known_name_wins() -> None:
    gaz = Gazetteer(province="浙江省", city="绍兴市", county="新昌县", towns={}, estates=["鼓山", "鼓山花园"])
    assert p("鼓山花园", gaz).estate == "鼓山花园"
