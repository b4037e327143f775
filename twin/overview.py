"""County-level totals for the overview page."""

from __future__ import annotations

from dataclasses import dataclass

from geodata.repositories.summary import table_counts


@dataclass(frozen=True)
class CountySummary:
    townships: int
    villages: int
    grid_cells: int
    residents: int
    households: int
    enterprises: int
    addresses: int
    sensors: int

    @property
    def empty(self) -> bool:
        return self.townships == 0


def county_summary() -> CountySummary:
    return CountySummary(**table_counts())
