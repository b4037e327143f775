"""Raster tile routes: Terrarium terrain tiles from the DEM and our own basemap texture.

GET /tiles/terrain/{z}/{x}/{y}.png and GET /tiles/basemap/{dark|light}/{z}/{x}/{y}.png. z/x/y are
taken as strings and validated by the service so that bad values get the JSON error contract
(a Flask ``int`` converter would answer an HTML 404 instead).
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask.typing import ResponseReturnValue

from twin.basemap import BASEMAP_ZOOMS, basemap_tile
from twin.terrain import TERRAIN_ZOOMS, RasterTile, TileId, terrain_tile

CACHE_CONTROL = "private, max-age=600"  # behind sign-in: browsers may keep them, shared caches not


def register(server: Flask) -> None:
    @server.get("/tiles/terrain/<z>/<x>/<y>.png")
    def terrain_png(z: str, x: str, y: str) -> ResponseReturnValue:
        tile = TileId.parse(z, x, y, TERRAIN_ZOOMS)
        return _response(terrain_tile(tile, request.if_none_match))

    @server.get("/tiles/basemap/<style>/<z>/<x>/<y>.png")
    def basemap_png(style: str, z: str, x: str, y: str) -> ResponseReturnValue:
        tile = TileId.parse(z, x, y, BASEMAP_ZOOMS)
        return _response(basemap_tile(style, tile, request.if_none_match))


def _response(tile: RasterTile) -> Response:
    response = Response(status=304) if tile.content is None else Response(tile.content, mimetype="image/png")
    response.set_etag(tile.etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
