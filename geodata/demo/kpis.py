"""The plan's ten main indicators (主要指标) and a synthetic monthly history moving towards the targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.demo.context import DemoContext
from geodata.demo.placement import CST, table_frame

PLAN_SOURCE = "Xinchang 14th five-year digital-government plan"
HISTORY_START = pd.Timestamp("2020-01-01", tz=CST)
HORIZON_MONTHS = 16 * 12  # noise is drawn for a fixed horizon so history does not depend on today


@dataclass(frozen=True)
class Kpi:
    code: str
    name: str
    name_en: str
    unit: str
    baseline_2020: float
    target_2022: float
    target_2025: float
    target_note: str | None
    lead_unit: str


KPIS = (
    Kpi("mobile_office_rate", "掌上办公比例", "Share of office work done on mobile devices", "%", 70, 80, 90, None,
        "县委办（机要局）"),
    Kpi("internal_run_once_coverage", "机关内部“最多跑一次”事项覆盖率",
        "Coverage of internal government affairs by 'at most one trip'", "%", 70, 80, 98, None, "县委改革办"),
    Kpi("one_network_service_rate", "政务服务“一网通办”率",
        "Share of government services handled fully online ('one network')", "%", 80, 85, 90,
        ">85 (2022), >90 (2025)", "县政务服务中心"),
    Kpi("mobile_service_coverage", "掌上政务服务事项覆盖率", "Coverage of government services on mobile", "%",
        97.21, 98, 99, None, "县政务服务中心"),
    Kpi("mobile_enforcement_rate", "掌上执法率", "Share of law-enforcement inspections done on mobile", "%",
        90, 95, 100, None, "县司法局"),
    Kpi("data_catalog_rate", "数据编目率", "Share of public data resources catalogued", "%", 80, 95, 100, None,
        "县大数据发展管理局"),
    Kpi("data_collection_rate", "数据归集率", "Share of catalogued data collected on the data platform", "%",
        80, 90, 100, None, "县大数据发展管理局"),
    Kpi("data_sharing_rate", "数据共享实现率", "Share of data-sharing requests fulfilled", "%", 80, 90, 100, None,
        "县大数据发展管理局"),
    Kpi("core_bandwidth", "政务网络核心带宽", "Core bandwidth of the government network", "Gbps", 10, 20, 50, None,
        "县经信局"),
    Kpi("data_update_rate", "数据更新率", "Share of data resources updated on schedule", "%", 70, 80, 90, None,
        "县大数据发展管理局"),
)
# Network upgrades happen in steps, not gradually (months since 2020-01).
BANDWIDTH_STEPS = ((0, 10.0), (29, 20.0), (56, 50.0))


def build_kpis(ctx: DemoContext, now: pd.Timestamp) -> None:
    ctx.add("kpi_definition", table_frame({
        "code": [k.code for k in KPIS], "name": [k.name for k in KPIS], "name_en": [k.name_en for k in KPIS],
        "unit": [k.unit for k in KPIS], "baseline_2020": [float(k.baseline_2020) for k in KPIS],
        "target_2022": [float(k.target_2022) for k in KPIS], "target_2025": [float(k.target_2025) for k in KPIS],
        "target_note": [k.target_note for k in KPIS], "lead_unit": [k.lead_unit for k in KPIS],
        "sort_order": list(range(1, len(KPIS) + 1)),
    }, synthetic=False, source=PLAN_SOURCE))

    rng = ctx.rng("operations.kpis")
    months = pd.date_range(HISTORY_START, periods=HORIZON_MONTHS, freq="MS")
    upto = int((months <= now.tz_convert(CST)).sum())
    m = np.arange(HORIZON_MONTHS)
    parts = []
    for k in KPIS:
        noise = rng.normal(0, 0.03 * (k.target_2025 - k.baseline_2020) + 0.02, HORIZON_MONTHS)
        if k.unit == "Gbps":
            steps = list(reversed(BANDWIDTH_STEPS))
            values = np.select([m >= s for s, _ in steps], [v for _, v in steps])
        else:
            # Reported values: the baseline at the end of 2020, a little over each target when it falls due.
            start = k.baseline_2020 - 0.4 * (k.target_2022 - k.baseline_2020)
            over = min(0.5, (100 - k.target_2025) / 2)
            values = np.interp(m, [0, 11, 35, 71, 83], [start, k.baseline_2020, k.target_2022 + over,
                                                       k.target_2025 + over, k.target_2025 + 1.2 * over]) + noise
            values[[11]] = k.baseline_2020
            values = np.clip(values, 0, 100)
        parts.append(pd.DataFrame({"kpi_code": k.code, "observed_at": months[:upto].tz_convert("UTC"),
                                   "value": np.round(values[:upto], 2)}))
    out = pd.concat(parts, ignore_index=True)
    out["is_synthetic"] = True
    out["ingest_id"] = None  # generated, not ingested through the API: no client id, no receipt time
    out["received_at"] = None
    ctx.add("kpi_value", out)
