"""Time series for the demo sensors: plausible daily rhythms for the county's climate and city life,
and the rainstorm's footprint in rain, rivers, weather and traffic. Arrays are (sensors, steps)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geodata.demo.placement import CST

if TYPE_CHECKING:
    from geodata.demo.sensors import RainEvent

# Monthly climate normals of the Xinchang area (approximate): mean temperature °C, sea-level pressure hPa.
TEMP = np.array([4.8, 6.8, 10.8, 16.4, 21.2, 24.8, 28.6, 28.0, 24.2, 18.9, 13.2, 7.2])
PRESSURE = np.array([1025, 1022, 1019, 1014, 1009, 1005, 1004, 1005, 1011, 1017, 1021, 1024], dtype=float)
PREVAILING_WIND = np.array([0, 20, 60, 110, 130, 160, 170, 150, 60, 30, 20, 10], dtype=float)  # degrees


def _clock(times: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, int]:
    local = times.tz_convert(CST)
    hour = local.hour.to_numpy() + local.minute.to_numpy() / 60
    weekend = local.day_of_week.to_numpy() >= 5
    return hour, weekend, int(local[-1].month) - 1


def _hours_since(times: pd.DatetimeIndex, t0: pd.Timestamp) -> np.ndarray:
    return np.asarray((times - t0).total_seconds(), dtype=float) / 3600


def storm_shape(times: pd.DatetimeIndex, rain: RainEvent) -> np.ndarray:
    """Rain rate profile of the storm, normalised to sum 1 over the window (zero outside the event)."""
    t = _hours_since(times, rain.peak)
    sigma = _hours_since(pd.DatetimeIndex([rain.end]), rain.start)[0] / 5
    w = np.exp(-0.5 * (t / sigma) ** 2)
    w[(times < rain.start) | (times > rain.end)] = 0.0
    return w / w.sum() if w.sum() > 0 else w


def rain_series(rng: np.random.Generator, times: pd.DatetimeIndex, factor: np.ndarray, rain: RainEvent) -> np.ndarray:
    shape = storm_shape(times, rain)
    gusts = rng.gamma(3.0, 1 / 3.0, (len(factor), len(times)))  # convective cells come and go
    return np.round(rain.total_mm * factor[:, None] * shape[None, :] * gusts, 1)


def river_series(rng: np.random.Generator, times: pd.DatetimeIndex, factor: np.ndarray, rank: np.ndarray,
                 rain: RainEvent) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Water level (m above gauge datum) responding to the storm through a unit hydrograph."""
    n, steps = len(factor), len(times)
    shape = storm_shape(times, rain)
    base = rng.uniform(1.0, 2.5, n)
    rise = np.where(rank == 1, rng.uniform(2.0, 3.2, n), rng.uniform(1.2, 2.4, n)) * (0.5 + 0.5 * np.minimum(factor, 1))
    warn = base + rng.uniform(2.4, 3.2, n)
    if n and not (base + rise >= warn).any():  # at least one station goes over its warning level
        k = int(np.argmax(rise - (warn - base)))
        warn[k] = base[k] + 0.85 * rise[k]
    alarm = warn + rng.uniform(0.8, 1.2, n)
    level = np.empty((n, steps))
    lag = np.arange(288) / 6  # 48 h kernel in hours
    for i in range(n):
        peak_h, tau = rng.uniform(2, 6), rng.uniform(12, 30)
        kernel = lag ** (peak_h / tau) * np.exp(-lag / tau)  # gamma-shaped: peaks peak_h after the rain
        response = np.convolve(shape, kernel)[:steps]
        response = response / response.max() if response.max() > 0 else response
        level[i] = base[i] + rise[i] * response + rng.normal(0, 0.01, steps)
    return level, warn, alarm


def weather_series(rng: np.random.Generator, times: pd.DatetimeIndex, factor: np.ndarray,
                   rain: RainEvent) -> dict[str, np.ndarray]:
    n, steps = len(factor), len(times)
    hour, _, month = _clock(times)
    day = np.cos(2 * np.pi * (hour - 14) / 24)[None, :]
    wet = np.convolve(storm_shape(times, rain), np.ones(24) / 24, mode="same")
    wet = (wet / wet.max() if wet.max() > 0 else wet)[None, :]
    storm = np.exp(-0.5 * (_hours_since(times, rain.peak) / 8) ** 2)[None, :]
    offset = rng.normal(0, 1.0, (n, 1))  # altitude and siting
    temperature = TEMP[month] + offset + 4.0 * day * (1 - 0.7 * wet) - 3.0 * wet + rng.normal(0, 0.3, (n, steps))
    humidity = np.clip(72 - 15 * day + 25 * wet + rng.normal(0, 2, (n, steps)), 25, 100)
    pressure = PRESSURE[month] - offset * 3 + 0.8 * np.cos(4 * np.pi * (hour - 10) / 24)[None, :] - 6 * storm \
        + rng.normal(0, 0.15, (n, steps))
    wind = np.clip(rng.gamma(2.0, 0.8, (n, steps)) + 1.2 * np.clip(day, 0, None) + 4 * storm, 0, None)
    walk = np.cumsum(rng.normal(0, 6, (n, steps)), axis=1)
    wind_dir = np.mod(PREVAILING_WIND[month] + walk + 60 * storm, 360)
    rain_mm = rain_series(rng, times, np.asarray(factor), rain)
    return {"temperature": temperature, "pressure": pressure, "humidity": humidity, "wind_speed": wind,
            "wind_dir": wind_dir, "rain": rain_mm}


def _bump(hour: np.ndarray, start: float, end: float, edge: float = 0.5) -> np.ndarray:
    return 1 / (1 + np.exp(-(hour - start) / edge * 4)) * 1 / (1 + np.exp((hour - end) / edge * 4))


def fume_series(rng: np.random.Generator, times: pd.DatetimeIndex, n: int) -> dict[str, np.ndarray]:
    """Restaurant kitchens: lunch and dinner service; a few exceed the 2.0 mg/m³ limit at the rush."""
    hour, _, _ = _clock(times)
    cooking = (_bump(hour, 10.5, 13.5) + _bump(hour, 16.5, 20.5))[None, :]
    level = np.where(rng.random(n) < 0.2, rng.uniform(1.8, 2.6, n), rng.uniform(0.4, 1.4, n))[:, None]
    fume = 0.02 + level * cooking * rng.lognormal(0, 0.25, (n, len(times)))
    nmhc = 1.2 + 5.0 * cooking * rng.uniform(0.6, 1.3, (n, 1)) * rng.lognormal(0, 0.2, (n, len(times)))
    return {"fume": fume, "nmhc": nmhc}


def traffic_series(rng: np.random.Generator, times: pd.DatetimeIndex, capacity: np.ndarray, free_kmh: np.ndarray,
                   rain: RainEvent) -> dict[str, np.ndarray]:
    hour, weekend, _ = _clock(times)
    peaks = np.exp(-(((hour - 7.75) / 1.1) ** 2)) + 0.9 * np.exp(-(((hour - 17.5) / 1.4) ** 2))
    demand = 0.08 + 0.45 * _bump(hour, 6.5, 21.0, 1.0) + 0.5 * np.where(weekend, 0.4, 1.0) * peaks
    raining = storm_shape(times, rain) > 0
    volume = rng.poisson(np.clip(capacity[:, None] * demand[None, :] * rng.lognormal(0, 0.1, (len(capacity),
                                                                                           len(times))), 0, None))
    load = volume / capacity[:, None]
    speed = free_kmh[:, None] * (1 - 0.55 * load**2) - 8 * raining[None, :] + rng.normal(0, 2, volume.shape)
    return {"volume": volume.astype(float), "speed": np.clip(speed, 5, None)}


def parking_series(rng: np.random.Generator, times: pd.DatetimeIndex, capacity: np.ndarray) -> dict[str, np.ndarray]:
    hour, weekend, _ = _clock(times)
    busy = 0.12 + 0.78 * _bump(hour, 8.5, 20.5, 1.2) * np.where(weekend, 1.05, 0.9)
    share = np.clip(busy[None, :] * rng.uniform(0.75, 1.1, (len(capacity), 1))
                    + rng.normal(0, 0.03, (len(capacity), len(times))), 0, 1)
    occupied = np.round(share * capacity[:, None])
    return {"occupied": occupied, "free": capacity[:, None] - occupied}
