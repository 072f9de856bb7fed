"""Limits of the web paths: a per-client rate limit (the audit log of admin actions is core/audit.py)."""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    """A sliding one-minute window per client address."""

    WINDOW_S = 60.0

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._hits: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> int:
        """0 when the request may go ahead (and it is counted), else the whole seconds until it may."""
        if self.per_minute <= 0:
            return 0
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._hits.get(client, []) if now - t < self.WINDOW_S]
            self._hits[client] = recent
            if len(recent) < self.per_minute:
                recent.append(now)
                return 0
            return max(1, math.ceil(self.WINDOW_S - (now - recent[0])))

    def allow(self, client: str) -> bool:
        return self.wait(client) == 0
