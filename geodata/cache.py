"""A small thread-safe LRU cache bounded by bytes, for rendered tiles.

Behind the ``TileCache`` protocol so that a shared cache (Redis) can replace it when the app runs
as several worker processes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol


class TileCache(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, value: bytes) -> None: ...


class ByteLRU:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: str, value: bytes) -> None:
        if len(value) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = value
            self._size += len(value)
            while self._size > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted)

    @property
    def size(self) -> int:
        return self._size

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0
