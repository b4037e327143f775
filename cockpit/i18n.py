"""UI strings: Simplified Chinese by default, English available (?lang=en)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
DEFAULT_LANG: Lang = "zh"

STRINGS: dict[str, dict[Lang, str]] = {
    "app.title": {"zh": "新昌县数字孪生指挥驾驶舱", "en": "Xinchang County Digital-Twin Command Cockpit"},
    "overview.title": {"zh": "驾驶舱总览", "en": "Overview"},
    "data.synthetic": {"zh": "模拟数据", "en": "synthetic data"},
    "data.real": {"zh": "真实数据", "en": "real data"},
    "summary.townships": {"zh": "乡镇街道", "en": "Townships"},
    "summary.villages": {"zh": "村社区", "en": "Villages/communities"},
    "summary.grid_cells": {"zh": "网格", "en": "Grid cells"},
    "summary.residents": {"zh": "常住人口", "en": "Residents"},
    "summary.households": {"zh": "户数", "en": "Households"},
    "summary.enterprises": {"zh": "企业", "en": "Enterprises"},
    "summary.addresses": {"zh": "标准地址", "en": "Standard addresses"},
    "summary.sensors": {"zh": "感知设备", "en": "Sensors"},
    "empty.no_data": {
        "zh": "数据库中还没有数据。请运行 python app.py demo load 载入演示县数据。",
        "en": "The database holds no data yet. Run python app.py demo load to load the demo county.",
    },
    "map.title": {"zh": "县域一张图", "en": "County map"},
    "map.reset": {"zh": "复位视角（指北）", "en": "Reset view (north up)"},
    "map.layers": {"zh": "图层", "en": "Layers"},
    "map.flat_only": {"zh": "（2D）", "en": " (2D)"},
    "map.legend": {"zh": "图例", "en": "Legend"},
    "map.selected": {"zh": "选中", "en": "Selected"},
    "map.click_hint": {"zh": "点击地图上的村社区查看详情", "en": "Click a village on the map for details"},
    "card.code": {"zh": "代码", "en": "Code"},
    "card.parent": {"zh": "所属", "en": "Part of"},
    "card.area": {"zh": "面积", "en": "Area"},
    "card.residents": {"zh": "常住人口", "en": "Residents"},
    "card.households": {"zh": "户数", "en": "Households"},
    "card.grid_cells": {"zh": "网格数", "en": "Grid cells"},
    "error.db": {"zh": "数据库暂时不可用，正在重试…", "en": "The database is unavailable; retrying…"},
}


def t(key: str, lang: str | None = None) -> str:
    entry = STRINGS.get(key)
    if entry is None:
        return key
    chosen: Lang = "en" if lang == "en" else DEFAULT_LANG
    return entry[chosen]
