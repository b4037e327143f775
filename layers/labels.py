"""Place labels in Chinese. deck.gl's TextLayer only renders characters in its characterSet, so the
set is generated from the label texts themselves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pydeck as pdk

from layers.base import DEPTH_ON_TOP, LayerSpec, MapParams, lit, to_dict

FONT_FAMILY = '"Cockpit Sans", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'
TOWNSHIP_LABELS = LayerSpec(id="township-labels", title_zh="乡镇街道名称", title_en="Township names", group="admin")
VILLAGE_LABELS = LayerSpec(id="village-labels", title_zh="村社区名称", title_en="Village names", group="admin",
                           min_zoom=11)

COLOURS = {"dark": ([240, 246, 252, 255], [6, 18, 36, 230]), "light": ([33, 37, 41, 255], [255, 255, 255, 230])}


def character_set(texts: Iterable[str]) -> list[str]:
    chars = set("0123456789")
    for t in texts:
        chars.update(t)
    return sorted(chars)


def short_name(name: str) -> str:
    for suffix in ("社区居委会", "居委会", "村委会", "村民委员会"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + ("社区" if "社区" in suffix else "")
    return name


def build(spec: LayerSpec, params: MapParams, rows: Sequence[dict[str, Any]], size: int) -> dict[str, Any]:
    """rows: {"text", "position": [lon, lat, z]} with positions precomputed on the server."""
    fill, outline = COLOURS[params.theme]
    layer = pdk.Layer(
        "TextLayer", id=spec.id, data=list(rows), get_position="position", get_text="text",
        get_size=size, size_units=lit("pixels"), get_color=fill, font_settings={"sdf": True, "fontSize": 64},
        outline_width=3, outline_color=outline, billboard=True, pickable=False, parameters=DEPTH_ON_TOP,
    )
    return to_dict(layer, getTextAnchor="middle", getAlignmentBaseline="center", fontFamily=FONT_FAMILY,
                   characterSet=character_set(r["text"] for r in rows))


NEIGHBOUR_LABELS = LayerSpec(id="neighbour-labels", title_zh="周边县市", title_en="Neighbouring counties",
                             group="base", synthetic=False)
# Direction markers just outside the county edge, towards each neighbour (real names and codes, see
# geodata/reference/PROVENANCE.md); they are not the neighbours' seats.
NEIGHBOURS = (
    ("嵊州市", "330683", 120.76, 29.60), ("奉化区", "330213", 121.24, 29.61), ("宁海县", "330226", 121.33, 29.40),
    ("天台县", "331023", 121.10, 29.19), ("磐安县", "330727", 120.66, 29.20), ("东阳市", "330783", 120.57, 29.36),
)
NEIGHBOUR_COLOURS = {"dark": ([138, 164, 200, 255], [5, 11, 24, 220]), "light": ([110, 110, 110, 255],
                                                                             [255, 255, 255, 220])}


def build_neighbours(params: MapParams) -> dict[str, Any]:
    fill, outline = NEIGHBOUR_COLOURS[params.theme]
    rows: list[dict[str, Any]] = [{"text": name, "code": code, "position": [lon, lat, 0]}
                                  for name, code, lon, lat in NEIGHBOURS]
    layer = pdk.Layer(
        "TextLayer", id=NEIGHBOUR_LABELS.id, data=rows, get_position="position", get_text="text", get_size=15,
        size_units=lit("pixels"), get_color=fill, font_settings={"sdf": True, "fontSize": 64}, outline_width=3,
        outline_color=outline, billboard=True, pickable=False, parameters=DEPTH_ON_TOP,
    )
    return to_dict(layer, fontFamily=FONT_FAMILY, characterSet=character_set(r["text"] for r in rows))
