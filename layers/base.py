"""The one small contract every layer family follows, and the JSON rules layer specs must obey.

A layer module exposes a ``LayerSpec`` (id, titles, legend, tooltip, zoom range) and a pure
``build`` function (data + params → ``pdk.Layer``). The map component turns pydeck layers into the
dicts ``deckgl-dash`` renders. Accessors must be plain field paths or colour-scale accessors: the
browser then needs no ``eval`` (CSP without 'unsafe-eval'), and pydeck's list form, which draws
nothing in deckgl-dash, is rejected before it reaches a page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import pydeck as pdk

Theme = Literal["dark", "light"]
Mode = Literal["2d", "3d"]
RGBA = tuple[int, int, int, int]

FIELD_PATH = re.compile(r"^@@=[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
SCALE = re.compile(
    r"^@@scale\([A-Za-z0-9]+(:[a-z]+)*, [A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*, "
    r"-?[0-9.]+, -?[0-9.]+(, [0-9]+)?\)$"
)
GENERATED_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Values like "@@#..." (constants) or "@@function" would reach deck.gl's JSON converter: never allowed.
ANY_ACCESSOR = re.compile(r"^@@")


@dataclass(frozen=True)
class MapParams:
    theme: Theme = "dark"
    mode: Mode = "3d"
    lang: str = "zh"


@dataclass(frozen=True)
class LegendItem:
    label_zh: str
    label_en: str
    color: RGBA
    shape: Literal["fill", "line", "point", "extrusion", "ramp"] = "fill"

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class LayerSpec:
    id: str
    title_zh: str
    title_en: str
    group: Literal["base", "admin", "thematic"]
    legend: tuple[LegendItem, ...] = ()
    tooltip: str | None = None  # "{name}\n代码 {code}": rendered as TEXT in the browser, never HTML
    min_zoom: float = 0
    max_zoom: float = 24
    default_visible: bool = True
    # Drawn in 2D only: in 3D the same features are baked into the terrain's basemap texture, draped
    # exactly; flat copies would float off the relief (no terrain draping in the bundled deck.gl).
    flat_only: bool = False
    # Built from personal data (aggregated or not): only for roles that may see it (never the kiosk).
    personal: bool = False
    synthetic: bool = True
    fields: tuple[str, ...] = field(default=())

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


class UnsafeAccessor(ValueError):
    pass


def iter_accessors(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from iter_accessors(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from iter_accessors(v, f"{path}[{i}]")
    elif isinstance(value, str) and ANY_ACCESSOR.match(value):
        yield path, value


def check_accessors(layer: dict[str, Any]) -> None:
    """Accessors only on accessor props (``get…``), and only as field paths or colour scales.

    pydeck turns every plain string into an expression, so a unit such as ``size_units="pixels"``
    would silently become an accessor: that, too, is rejected here (pass literals with ``lit``).
    """
    remote = isinstance(layer.get("data"), str)
    for path, value in iter_accessors({k: v for k, v in layer.items() if k != "@@type"}):
        if not path.startswith("get") or "." in path or "[" in path:
            raise UnsafeAccessor(f"layer {layer.get('id')!r}: {path} is not an accessor prop: {value!r}")
        if not (FIELD_PATH.match(value) or SCALE.match(value)):
            raise UnsafeAccessor(f"layer {layer.get('id')!r}: unsupported accessor at {path}: {value!r}")
        if remote and SCALE.match(value):
            # deckgl-dash resolves colour scales against inline data only; on tiles the string would
            # reach deck.gl as is and draw black
            raise UnsafeAccessor(f"layer {layer.get('id')!r}: colour scales need inline data ({path})")


def lit(value: str) -> str:
    """A string literal for pydeck (which otherwise reads strings as accessor expressions)."""
    if "'" in value:
        raise ValueError("literals may not contain single quotes")
    return f"'{value}'"


def to_dict(layer: pdk.Layer, **raw_props: Any) -> dict[str, Any]:
    """A pydeck layer as the plain dict deckgl-dash renders, after the accessor check.

    ``raw_props`` (camelCase) are set after pydeck's serialisation: pydeck reads any string prop
    ending in an image extension from the local disk, which breaks tile URL templates.
    """
    if not getattr(layer, "id", None) or GENERATED_ID.match(str(layer.id)):
        raise ValueError("every layer needs an explicit id")  # pydeck would make up a random one
    payload = json.loads(pdk.Deck(layers=[layer], map_provider=None, map_style=None).to_json())
    spec: dict[str, Any] = {**payload["layers"][0], **raw_props}
    check_accessors(spec)
    return spec


def rgba(hex_colour: str, alpha: int = 255) -> RGBA:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha)


DEPTH_ON_TOP = {"depthCompare": "always", "depthWriteEnabled": False}
"""Overlay layers are drawn over the 3D terrain mesh (no terrain draping in the bundled deck.gl)."""
