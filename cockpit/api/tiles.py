"""Vector tile routes: GET /tiles, /tiles/{layer}.json (TileJSON), /tiles/{layer}/{z}/{x}/{y}.mvt."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue

from cockpit.auth import current_principal
from twin.tiles import TileRequest, TileScope, catalogue, get_tile

MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
# private: tiles depend on who asks (jurisdiction), so no shared cache may keep them
CACHE_CONTROL = "private, max-age=60, must-revalidate"


def _scope() -> TileScope:
    """The caller's jurisdiction: a commander's tiles are cut to their township on the server.

    access.py has already refused callers without map.view (and personal layers without personal-data
    rights), so a principal is always there; None would mean the whole county.
    """
    principal = current_principal()
    return TileScope(principal.town_code if principal is not None else None)


def register(server: Flask) -> None:
    @server.get("/tiles")
    def tile_index() -> ResponseReturnValue:
        return jsonify([
            {"id": s.id, "title": s.title_zh, "title_en": s.title_en, "geometry": s.geometry,
             "minzoom": s.min_zoom, "maxzoom": s.max_zoom, "tilejson": f"{request.script_root}/tiles/{s.id}.json"}
            for s in catalogue()
        ])

    @server.get("/tiles/<layer>.json")
    def tilejson(layer: str) -> ResponseReturnValue:
        source = TileRequest(layer, 0, 0, 0).validate()
        base = request.host_url.rstrip("/") + request.script_root
        return jsonify({
            "tilejson": "3.0.0",
            "name": source.id,
            "description": source.title_zh,
            "scheme": "xyz",
            "tiles": [f"{base}/tiles/{source.id}/{{z}}/{{x}}/{{y}}.mvt"],
            "minzoom": source.min_zoom,
            "maxzoom": source.max_zoom,
            "bounds": [120.6, 29.1, 121.4, 29.7],
            "vector_layers": [{"id": source.id, "fields": {f: "" for f in source.fields},
                               "minzoom": source.min_zoom, "maxzoom": source.max_zoom}],
        })

    @server.get("/tiles/<layer>/<int:z>/<int:x>/<int:y>.mvt")
    def vector_tile(layer: str, z: int, x: int, y: int) -> ResponseReturnValue:
        tile = get_tile(TileRequest(layer, z, x, y), _scope(), request.if_none_match)
        if tile.content is None:
            return _with_headers(Response(status=304), tile.etag)
        return _with_headers(Response(tile.content, mimetype=MVT_MEDIA_TYPE), tile.etag)


def _with_headers(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["Vary"] = "Cookie, Authorization"
    return response
