"""Indicator states on the overview: measured against a straight line from the 2020 baseline to 2025."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from twin.overview import expected_progress, kpi_state

MID_PLAN = datetime(2023, 7, 1, tzinfo=UTC)  # half way from 2021 to 2025


@pytest.mark.parametrize(("progress", "state"), [(1.02, "reached"), (1.0, "reached"), (0.45, "on_track"),
                                                 (0.3, "behind"), (0.1, "off_track")])
def test_states_half_way_through_the_plan(progress: float, state: str) -> None:
    assert kpi_state({"value": 1.0, "progress": progress}, MID_PLAN) == state


def test_no_value_is_no_data() -> None:
    assert kpi_state({"value": None, "progress": None}, MID_PLAN) == "no_data"


def test_the_plan_line_runs_from_2021_to_2025_and_stays_at_one_after() -> None:
    assert expected_progress(datetime(2020, 6, 1, tzinfo=UTC)) == 0
    assert expected_progress(MID_PLAN) == pytest.approx(0.5, abs=0.01)
    assert expected_progress(datetime(2026, 12, 6, tzinfo=UTC)) == 1
