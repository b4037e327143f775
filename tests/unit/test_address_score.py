"""Scoring a library address against a query, and the match / choose / no-match decision."""

from __future__ import annotations

import pytest

from twin.address.parse import Components
from twin.address.score import ACCEPT, MARGIN, decide, name_similarity, score

DOOR = Components(county="新昌县", town="羽林街道", community="临江社区", road="临江路", house_number="9",
                  estate="南明府", building="1", unit="1", room="101")


def test_the_same_address_scores_one() -> None:
    assert score(DOOR, DOOR) == pytest.approx(1.0)


def test_levels_the_query_leaves_out_cost_nothing() -> None:
    query = Components(road="临江路", house_number="9", building="1", unit="1", room="101")
    assert score(query, DOOR) == pytest.approx(1.0)


def test_another_door_number_is_not_a_fit() -> None:
    other = Components(**{**DOOR.__dict__, "room": "102"})
    assert score(other, DOOR) < ACCEPT


def test_another_house_number_is_not_a_fit() -> None:
    query = Components(town="羽林街道", road="临江路", house_number="19")
    house = Components(town="羽林街道", road="临江路", house_number="9")
    assert score(query, house) < ACCEPT


def test_a_homophone_in_a_name_still_fits() -> None:
    query = Components(**{**DOOR.__dict__, "town": "雨林街道"})
    assert name_similarity("雨林街道", "羽林街道") >= 0.9
    assert score(query, DOOR) >= ACCEPT


def test_a_slip_of_the_pen_in_a_name_still_fits() -> None:
    query = Components(**{**DOOR.__dict__, "road": "临江璐"})
    assert score(query, DOOR) >= ACCEPT


def test_a_different_name_is_far() -> None:
    assert name_similarity("临江路", "鼓山路") < 0.5


def test_a_finer_candidate_falls_clearly_behind_the_door_itself() -> None:
    house = Components(town="羽林街道", road="临江路", house_number="9")
    assert score(house, house) - score(house, DOOR) >= MARGIN


def test_an_empty_query_scores_zero() -> None:
    assert score(Components(), DOOR) == 0


def test_a_clear_winner_is_the_match() -> None:
    decision = decide([("a", 0.97), ("b", 0.70)])
    assert decision.match == "a" and [c for c, _ in decision.candidates] == ["a", "b"]


def test_two_close_candidates_are_left_to_a_person() -> None:
    decision = decide([("a", 0.95), ("b", 0.93), ("c", 0.5)])
    assert decision.match is None and [c for c, _ in decision.candidates] == ["a", "b", "c"]


def test_a_poor_best_is_no_match() -> None:
    decision = decide([("a", ACCEPT - 0.05), ("b", 0.5)])
    assert decision.match is None and decision.candidates


def test_nothing_like_it_gives_no_candidates() -> None:
    assert decide([("a", 0.2)]).candidates == [] and decide([]).match is None


def test_at_most_five_candidates_are_shown() -> None:
    assert len(decide([(i, 0.5 + i / 100) for i in range(20)]).candidates) == 5


@pytest.mark.parametrize("written", [
    "浙江省绍兴市新昌县羽林街道临江社区临江路9号南明府1幢1单元101室",
    "新昌雨林街道临江路九号南明府1-1-101",          # homophone town, Chinese numeral, dashed unit
    "地址：新昌縣羽林街道 臨江路9號 南明府1栋1单元101",  # label, traditional, spaces, 栋 and a bare room
    "羽林街道临江路9号南明府1号楼1单元101室",            # county dropped, 号楼
])
def test_ways_of_writing_one_door_all_match_it(written: str) -> None:
    from twin.address.normalise import normalise
    from twin.address.parse import Gazetteer, parse

    gazetteer = Gazetteer(province="浙江省", city="绍兴市", county="新昌县",
                          towns={"羽林街道": ["临江社区"], "南明街道": ["鼓山社区"]}, roads=["临江路", "鼓山路"],
                          estates=["南明府"])
    neighbour = Components(**{**DOOR.__dict__, "room": "102"})
    query = parse(normalise(written), gazetteer)
    decision = decide([("door", score(query, DOOR)), ("neighbour", score(query, neighbour))])
    assert decision.match == "door", (query, decision)
