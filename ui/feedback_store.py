"""Feedback in SQLite in the data dir: only what the user submits, with a time. Personal data (personnummer,
e-mail, phone numbers) is redacted before it is written, and feedback older than the retention period is
deleted (at start-up and with every new entry)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from ui.redaction import redact
from ui.schemas import FeedbackRequest

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS feedback "
    "(id INTEGER PRIMARY KEY, created_at REAL, question TEXT, answer TEXT, rating INTEGER, comment TEXT)"
)
DAY_S = 86400.0


class FeedbackStore:
    def __init__(self, path: Path, retention_days: int = 0):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.retention_days = retention_days
        self._lock = threading.Lock()
        with sqlite3.connect(path) as db:
            db.execute(SCHEMA)
        self.purge()

    def add(self, fb: FeedbackRequest) -> int:
        row = (time.time(), redact(fb.question), redact(fb.answer), fb.rating, redact(fb.comment))
        with self._lock, sqlite3.connect(self.path) as db:
            cur = db.execute(
                "INSERT INTO feedback (created_at, question, answer, rating, comment) VALUES (?, ?, ?, ?, ?)", row
            )
            new_id = int(cur.lastrowid)
        self.purge()
        return new_id

    def purge(self, now: float | None = None) -> int:
        """Delete feedback older than the retention period (none when it is 0); the number deleted."""
        if self.retention_days <= 0:
            return 0
        cutoff = (now if now is not None else time.time()) - self.retention_days * DAY_S
        with self._lock, sqlite3.connect(self.path) as db:
            return db.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,)).rowcount

    def count(self) -> int:
        with sqlite3.connect(self.path) as db:
            return int(db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])
