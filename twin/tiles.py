"""Vector tile service: validation, jurisdiction scope, caching and ETags over the tile repository."""

from __future__ import annotations

import hashlib
from collections.abc import Container
from dataclasses import dataclass

from geodata.cache import ByteLRU, TileCache
from geodata.errors import NotFound, ValidationFailed
from geodata.repositories import tiles as repo

MAX_ZOOM = 20


@dataclass(frozen=True)
class TileScope:
    """Which part of the county the caller may see; None = the whole county.

    The security issue fills this from the user's jurisdiction; tiles of personal-data layers are
    then cut to that township on the server.
    """

    town_code: str | None = None

    @property
    def key(self) -> str:
        return self.town_code or "county"


@dataclass(frozen=True)
class Tile:
    content: bytes | None  # None: the client's copy (If-None-Match) is current
    etag: str


@dataclass(frozen=True)
class TileRequest:
    layer: str
    z: int
    x: int
    y: int

    def validate(self) -> repo.VectorSource:
        source = repo.SOURCES.get(self.layer)
        if source is None:
            raise NotFound(f"unknown tile layer '{self.layer}'")
        if not 0 <= self.z <= MAX_ZOOM:
            raise ValidationFailed(f"zoom must be between 0 and {MAX_ZOOM}")
        n = 2**self.z
        if not (0 <= self.x < n and 0 <= self.y < n):
            raise ValidationFailed(f"tile {self.z}/{self.x}/{self.y} does not exist")
        return source


_cache: TileCache = ByteLRU(max_bytes=128 * 1024 * 1024)


def use_cache(cache: TileCache) -> None:
    global _cache
    _cache = cache


def etag_for(request: TileRequest, scope: TileScope) -> tuple[repo.VectorSource, str]:
    source = request.validate()
    versions = repo.data_versions(source.tables)
    raw = f"{source.id}/{request.z}/{request.x}/{request.y}/{scope.key}/{versions}"
    return source, hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:20]


def get_tile(request: TileRequest, scope: TileScope, known_etags: Container[str] = ()) -> Tile:
    source, etag = etag_for(request, scope)
    if etag in known_etags:
        return Tile(content=None, etag=etag)
    if request.z < source.min_zoom:
        return Tile(content=b"", etag=etag)  # TileJSON announces minzoom; below it, an empty tile
    content = _cache.get(etag)
    if content is None:
        content = repo.render(source, request.z, request.x, request.y, scope.town_code)
        _cache.put(etag, content)
    return Tile(content=content, etag=etag)


def catalogue() -> list[repo.VectorSource]:
    return list(repo.SOURCES.values())
