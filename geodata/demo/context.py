"""State shared by the demo generator's stages: seed, scale, id allocation and the frames made so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.protect import DataProtector


@dataclass
class DemoContext:
    """Stages read earlier tables from ``tables`` and add theirs with ``add``.

    Every frame's columns are the model's column names; geometry columns hold shapely
    geometries in EPSG:4490; ids are assigned here so that foreign keys can be set before loading.
    """

    seed: int
    scale: float
    data_dir: Path
    protector: DataProtector
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    _next_ids: dict[str, int] = field(default_factory=dict)

    def rng(self, stage: str) -> np.random.Generator:
        """An independent, reproducible stream per stage, so one stage's changes don't shift another's."""
        return np.random.default_rng([self.seed, *stage.encode()])

    def ids(self, table: str, n: int) -> np.ndarray:
        start = self._next_ids.get(table, 1)
        self._next_ids[table] = start + n
        return np.arange(start, start + n, dtype=np.int64)

    def add(self, table: str, frame: pd.DataFrame) -> None:
        if table in self.tables:
            frame = pd.concat([self.tables[table], frame], ignore_index=True)
        self.tables[table] = frame

    def count(self, base: int, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))
