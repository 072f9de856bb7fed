"""Feedback in SQLite in the data dir: only what the user submits, with a time."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from ui.schemas import FeedbackRequest

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS feedback "
    "(id INTEGER PRIMARY KEY, created_at REAL, question TEXT, answer TEXT, rating INTEGER, comment TEXT)"
)


class FeedbackStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        with sqlite3.connect(path) as db:
            db.execute(SCHEMA)

    def add(self, fb: FeedbackRequest) -> int:
        with self._lock, sqlite3.connect(self.path) as db:
            cur = db.execute(
                "INSERT INTO feedback (created_at, question, answer, rating, comment) VALUES (?, ?, ?, ?, ?)",
                (time.time(), fb.question, fb.answer, fb.rating, fb.comment),
            )
            return int(cur.lastrowid)

    def count(self) -> int:
        with sqlite3.connect(self.path) as db:
            return int(db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])
