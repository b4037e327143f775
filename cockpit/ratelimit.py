"""In-memory sliding-window rate limits (per process), for login, tokens and the API.

Small on purpose instead of Flask-Limiter: the cockpit runs as one process on an intranet server, the
limits must answer with the login form's own message (not a bare 429 page), and tests need to reset them
and inject a clock. With several worker processes each keeps its own count (the limit multiplies by the
number of workers) — a shared store would be the next step then.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from geodata.errors import CockpitError


class RateLimited(CockpitError):
    http_status = 429
    code = "rate_limited"

    def __init__(self, user_message: str, retry_after: int) -> None:
        super().__init__(user_message)
        self.retry_after = retry_after


class SlidingWindow:
    """At most ``limit`` hits per key within ``window`` seconds."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> int:
        """Record a hit; 0 if allowed, else the seconds until the next one would be."""
        t = self.clock()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= t - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - t))
            hits.append(t)
            if len(self._hits) > 10_000:  # forget idle keys so a scan of many IPs cannot grow memory
                for k in [k for k, v in self._hits.items() if not v or v[-1] <= t - self.window]:
                    del self._hits[k]
            return 0

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


def check(window: SlidingWindow, *keys: str) -> None:
    """Raise RateLimited if any key is over its limit (every key is counted, so all of them slow down)."""
    waits = [window.hit(k) for k in keys if k]
    wait = max(waits, default=0)
    if wait:
        raise RateLimited(f"尝试过于频繁，请 {wait} 秒后再试 / too many attempts, try again in {wait} s", wait)
