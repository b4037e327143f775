"""What happens in the park over time: investment projects, monthly energy and output, material trades."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import shapely

from geodata.demo.context import DemoContext
from geodata.demo.enterprises import Enterprises
from geodata.demo.park_layout import Layout
from geodata.demo.park_names import (
    CHAINS,
    ECONOMICS,
    EXTERNAL_BUYERS,
    MATERIALS,
    PARK_CHAIN_P,
    PROJECT_PRODUCTS,
    PROJECT_UNITS,
    SEASON,
    short_name,
)
from geodata.demo.placement import CST, diurnal_hours, geom_array, local_times, nullable, nullable_int, table_frame

STAGES = ("signed", "approved", "under_construction", "in_production")
KGCE_PER_KWH = 0.1229  # GB/T 2589 equivalent value of electricity
KGCE_PER_M3_GAS = 1.2143  # natural gas
BUSINESS_HOURS = np.array([0, 0, 0, 0, 0, 0, 0, 0.5, 3, 5, 5, 4, 1, 3, 5, 5, 4, 2, 0.5, 0, 0, 0, 0, 0])


def _dates(rng: np.random.Generator, stage: str, today: date) -> tuple[date, date, date, date | None, bool]:
    """signed, planned start, planned finish, actual finish and whether it runs late."""
    def days(lo: float, hi: float) -> timedelta:
        return timedelta(days=int(rng.uniform(lo, hi)))

    if stage == "in_production":
        signed = today - days(700, 2400)
        start = signed + days(60, 240)
        finish = start + days(365, 900)
        actual = finish + timedelta(days=int(rng.normal(60, 120)))
        shift = max(timedelta(0), actual - (today - timedelta(days=10)))
        return signed - shift, start - shift, finish - shift, actual - shift, actual > finish
    if stage == "under_construction" and rng.random() < 0.35:
        finish = today - days(30, 300)
        start = finish - days(365, 720)
        return start - days(60, 200), start, finish, None, True
    if stage == "under_construction":
        signed = today - days(200, 1100)
        start = min(signed + days(60, 200), today - timedelta(days=30))
        finish = max(start + days(365, 900), today + timedelta(days=30))
        return signed, start, finish, None, False
    signed = today - (days(60, 500) if stage == "approved" else days(5, 240))
    start = signed + (days(60, 300) if stage == "approved" else days(90, 360))
    return signed, start, start + days(365, 900), None, False


def build_projects(ctx: DemoContext, rng: np.random.Generator, layout: Layout, parcel_ids: np.ndarray,
                   ents: Enterprises, now: pd.Timestamp) -> None:
    n = ctx.count(60, minimum=4)
    today = now.tz_convert(CST).date()
    p = layout.parcels
    status, use = p["status"].to_numpy(), p["land_use"].to_numpy()
    pools = {
        "under_construction": np.flatnonzero(status == "under_construction"),
        "new": np.flatnonzero(status == "vacant"),
        "developed": np.flatnonzero((status == "developed") & (use != "green")),
    }
    park = np.flatnonzero(ents.in_park)
    frame = ents.frame
    weight = np.sqrt(frame["output_value_wan"].to_numpy()[park])
    parcel_of = {int(pid): i for i, pid in enumerate(parcel_ids)}
    parcel_geom = geom_array(p)
    firm_parcel = frame["parcel_id"].to_numpy(dtype=object)
    firm_id = frame["id"].to_numpy()
    firm_name = frame["name"].to_numpy(dtype=object)
    firm_geom = geom_array(frame)
    stage = rng.choice(STAGES, n, p=[0.15, 0.15, 0.35, 0.35])
    rows = []
    ids = ctx.ids("park_project", n)
    for i in range(n):
        s = str(stage[i])
        has_firm = s in ("in_production", "under_construction") or rng.random() < (0.8 if s == "approved" else 0.6)
        firm = int(park[rng.choice(len(park), p=weight / weight.sum())]) if has_firm else None
        if s == "in_production" and firm is not None:
            parcel = parcel_of[int(firm_parcel[firm])]
            point = firm_geom[firm]
        else:
            pool = pools["under_construction" if s == "under_construction" else "new"]
            pool = pool if len(pool) else pools["developed"]
            parcel = int(pool[i % len(pool)])
            point = shapely.point_on_surface(parcel_geom[parcel])
        chain = str(ents.chain[firm]) if firm is not None else str(rng.choice(CHAINS, p=PARK_CHAIN_P))
        products = PROJECT_PRODUCTS[chain]
        product = products[int(rng.integers(0, len(products)))]
        capacity = int(rng.choice([50, 100, 200, 300, 500, 1000, 2000]))
        owner = short_name(str(firm_name[firm])) if firm is not None else ""
        kind = "技改项目" if s == "in_production" and rng.random() < 0.4 else "项目"
        name = f"{owner}年产{capacity}{PROJECT_UNITS[chain]}{product}{kind}" if owner else f"{product}产业化项目"
        signed, start, finish, actual, _late = _dates(rng, s, today)
        planned = float(np.clip(np.round(rng.lognormal(np.log(30000), 0.9), -2), 2000, 600000))
        if s == "in_production":
            done = planned * rng.uniform(0.92, 1.08)
        elif s == "under_construction":
            elapsed = (today - start).days / max((finish - start).days, 1)
            done = planned * float(np.clip(elapsed, 0.1, 0.95)) * rng.uniform(0.8, 1.05)
        else:
            done = planned * (rng.uniform(0, 0.05) if s == "approved" else 0.0)
        rows.append({
            "id": ids[i], "code": f"GXXM-{signed.year}-{ids[i]:03d}", "name": name, "stage": s,
            "enterprise_id": int(firm_id[firm]) if firm is not None else None,
            "parcel_id": int(parcel_ids[parcel]),
            "investment_planned_wan": planned, "investment_done_wan": round(float(done), 1),
            "signed_on": signed, "planned_start": start, "planned_finish": finish, "actual_finish": actual,
            "geom": point,
        })
    out = pd.DataFrame(rows)
    out["enterprise_id"] = nullable_int([r["enterprise_id"] for r in rows])
    ctx.add("park_project", table_frame({str(k): v for k, v in out.items()}))


def months_before(now: pd.Timestamp, n: int) -> list[date]:
    """The ``n`` complete calendar months before the current (local) one, oldest first."""
    first = now.tz_convert(CST).date().replace(day=1)
    y, m = first.year, first.month
    out = []
    for k in range(n, 0, -1):
        mm = m - k
        out.append(date(y + (mm - 1) // 12, (mm - 1) % 12 + 1, 1))
    return out


def _profile(rng: np.random.Generator, season: np.ndarray, growth: np.ndarray, noise: float) -> np.ndarray:
    """Monthly shares whose last twelve sum to one, so the last year matches the yearly figure."""
    t = np.arange(season.shape[1]) - (season.shape[1] - 1)
    raw = season * (1 + growth[:, None]) ** (t / 12) * rng.lognormal(0, noise, season.shape)
    return raw / raw[:, -12:].sum(axis=1, keepdims=True)


def build_energy(ctx: DemoContext, rng: np.random.Generator, ents: Enterprises, now: pd.Timestamp) -> None:
    months = months_before(now, 24)
    park = np.flatnonzero(ents.in_park)
    f = ents.frame.iloc[park]
    chain = ents.chain[park]
    season = np.stack([SEASON["tea" if c == "tea" else "default"][[m.month - 1 for m in months]] for c in chain])
    growth = rng.normal(0.06, 0.08, len(park))
    share = _profile(rng, season, growth, 0.05)
    tax_share = _profile(rng, season, growth, 0.25)
    # Energy follows output only partly: furnaces, HVAC and lighting run regardless.
    flat = 0.5 + 0.5 * season / season.mean(axis=1, keepdims=True)
    energy_share = _profile(rng, flat, growth, 0.04)
    e_share = np.array([ECONOMICS[c].electricity_share for c in chain])
    tce = f["energy_tce"].to_numpy()[:, None]
    output = f["output_value_wan"].to_numpy()[:, None]
    water_rate = np.array([ECONOMICS[c].water_t_per_wan for c in chain])[:, None]
    water = output * water_rate * rng.lognormal(0, 0.3, (len(park), 1))
    n_m = len(months)
    ctx.add("energy_record", table_frame({
        "enterprise_id": np.repeat(f["id"].to_numpy(), n_m),
        "month": months * len(park),
        "electricity_kwh": np.round(tce * e_share[:, None] * 1000 / KGCE_PER_KWH * energy_share, 0).ravel(),
        "gas_m3": np.round(tce * (1 - e_share[:, None]) * 1000 / KGCE_PER_M3_GAS * energy_share, 0).ravel(),
        "water_t": np.round(water * energy_share, 1).ravel(),
        "output_value_wan": np.round(output * share, 2).ravel(),
        "tax_wan": np.round(f["tax_wan"].to_numpy()[:, None] * tax_share, 2).ravel(),
    }))


def build_trades(ctx: DemoContext, rng: np.random.Generator, ents: Enterprises, now: pd.Timestamp) -> None:
    n = ctx.count(2000, minimum=20)
    f = ents.frame
    codes = f["industry_code"].to_numpy()
    size = np.sqrt(f["output_value_wan"].to_numpy())
    usable = [m for m in MATERIALS if np.isin(codes, m.sellers).any()]
    w = np.array([m.weight for m in usable])
    counts = rng.multinomial(n, w / w.sum())
    parts = []
    for mat, c in zip(usable, counts, strict=True):
        if not c:
            continue
        sellers = np.flatnonzero(np.isin(codes, mat.sellers))
        seller = sellers[rng.choice(len(sellers), c, p=size[sellers] / size[sellers].sum())]
        buyers = np.flatnonzero(np.isin(codes, mat.buyers))
        park_buyers = buyers[ents.in_park[buyers]]
        buyer = np.full(c, -1, dtype=np.int64)
        internal = rng.random(c) < 0.88
        if len(buyers):
            buyer[internal] = buyers[rng.integers(0, len(buyers), internal.sum())]
        # The platform is the park's: a town seller trades with a park buyer.
        outside = (buyer >= 0) & ~ents.in_park[seller] & ~ents.in_park[np.maximum(buyer, 0)]
        if len(park_buyers):
            buyer[outside] = park_buyers[rng.integers(0, len(park_buyers), outside.sum())]
        buyer[buyer == seller] = -1
        qty = np.round(mat.median_t * rng.lognormal(0, 0.8, c), 2) + 0.01
        parts.append(pd.DataFrame({
            "material": mat.name, "seller": seller, "buyer": buyer, "quantity_t": qty,
            "amount_wan": np.round(qty * mat.price_wan_per_t * rng.lognormal(0, 0.12, c), 2) + 0.01,
        }))
    t = pd.concat(parts, ignore_index=True)
    t = t.iloc[rng.permutation(len(t))].reset_index(drop=True)
    m = len(t)
    when = local_times(now, rng.integers(0, 365, m), diurnal_hours(rng, m, BUSINESS_HOURS))
    ext = t["buyer"].to_numpy() < 0
    ids = f["id"].to_numpy()
    notes = np.array(["园区材料交易平台撮合成交", "年度框架协议供货", "现货交易", "产业链协同采购", "集中采购"])
    ctx.add("material_trade", table_frame({
        "id": ctx.ids("material_trade", m),
        "seller_id": ids[t["seller"].to_numpy()],
        "buyer_id": nullable_int(np.where(ext, None, ids[np.maximum(t["buyer"].to_numpy(), 0)])),
        "buyer_name": nullable([EXTERNAL_BUYERS[k] if e else None
                                for e, k in zip(ext, rng.integers(0, len(EXTERNAL_BUYERS), m), strict=True)]),
        "material": t["material"].to_numpy(),
        "quantity_t": t["quantity_t"].to_numpy(),
        "amount_wan": t["amount_wan"].to_numpy(),
        "traded_at": when,
        "note": notes[rng.integers(0, len(notes), m)],
    }))
