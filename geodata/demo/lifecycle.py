"""Closed-loop life cycles: stage timestamps from durations, the status reached by now, the log rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.demo.context import DemoContext


@dataclass(frozen=True)
class Lifecycle:
    stages: tuple[str, ...]
    times: np.ndarray  # (n, len(stages)) datetime64[ns] UTC-naive; NaT where a stage never happens
    reached: np.ndarray  # (n, len(stages)) bool: happened by now
    status: np.ndarray  # last reached stage (or the branch status)

    def at(self, stage: str) -> pd.DatetimeIndex:
        k = self.stages.index(stage)
        t = np.where(self.reached[:, k], self.times[:, k], np.datetime64("NaT"))
        return pd.DatetimeIndex(t).tz_localize("UTC")


def run(start: pd.DatetimeIndex, durations_h: np.ndarray, stages: tuple[str, ...], now: pd.Timestamp,
        stop_after: np.ndarray | None = None) -> Lifecycle:
    """Stage k happens ``durations_h[:, k-1]`` hours after stage k-1; an event stops for good after
    stage ``stop_after`` (index), and nothing happens after ``now``."""
    n = len(start)
    base = start.tz_convert("UTC").tz_localize(None).to_numpy().astype("datetime64[ns]")
    offsets = np.concatenate([np.zeros((n, 1)), np.cumsum(durations_h, axis=1)], axis=1)
    times = base[:, None] + np.round(offsets * 3600).astype("timedelta64[s]")  # whole seconds, as logged
    cutoff = now.tz_convert("UTC").tz_localize(None).to_datetime64()
    reached = times <= cutoff
    if stop_after is not None:
        reached &= np.arange(len(stages))[None, :] <= stop_after[:, None]
    reached[:, 0] = True
    times = np.where(reached, times, np.datetime64("NaT"))
    last = reached.sum(axis=1) - 1
    return Lifecycle(stages, times, reached, np.array(stages, dtype=object)[last])


def log_frame(ctx: DemoContext, table: str, key: str, ids: np.ndarray, life: Lifecycle,
              actors: dict[str, np.ndarray], notes: dict[str, np.ndarray],
              branch: tuple[str, np.ndarray, pd.DatetimeIndex] | None = None) -> pd.DataFrame:
    """One row per transition, ordered by parent then time; ``branch`` adds a terminal side status
    (rejected / false alarm) entered from the last reached stage at the given times."""
    parts = []
    for k, stage in enumerate(life.stages):
        sel = np.flatnonzero(life.reached[:, k])
        parts.append(pd.DataFrame({
            key: ids[sel], "at": life.times[sel, k], "from_status": None if k == 0 else life.stages[k - 1],
            "to_status": stage, "actor": actors[stage][sel], "note": notes[stage][sel], "_k": k,
        }))
    if branch is not None:
        name, mask, when = branch
        sel = np.flatnonzero(mask)
        parts.append(pd.DataFrame({
            key: ids[sel], "at": when.tz_convert("UTC").tz_localize(None).to_numpy()[sel],
            "from_status": life.status[sel], "to_status": name, "actor": actors[name][sel],
            "note": notes[name][sel], "_k": len(life.stages),
        }))
    out = pd.concat(parts, ignore_index=True).sort_values([key, "_k"], kind="stable", ignore_index=True)
    out["at"] = pd.DatetimeIndex(out["at"]).tz_localize("UTC")
    out.insert(0, "id", ctx.ids(table, len(out)))
    return out.drop(columns="_k")
