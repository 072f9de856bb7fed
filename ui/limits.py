"""Limits of the web paths: a per-client rate limit (the audit log of admin actions is core/audit.py)."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """A sliding one-minute window per client address."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._hits: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._hits.get(client, []) if now - t < 60.0]
            allowed = len(recent) < self.per_minute
            if allowed:
                recent.append(now)
            self._hits[client] = recent
            return allowed
