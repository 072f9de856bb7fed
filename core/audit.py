"""The audit log of admin actions: one JSON line per attempt (questions are never written)."""

from __future__ import annotations

import json
import time

from core.settings import Settings


def audit(settings: Settings, action: str, **details: object) -> None:
    """Append a record when HALLBAR_AUDIT_LOG names a file."""
    if settings.audit_log is None:
        return
    settings.audit_log.parent.mkdir(parents=True, exist_ok=True)
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "action": action, **details}
    with open(settings.audit_log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def audited(settings: Settings, tx: str) -> bool:
    """Whether an operation (by its transaction id) already has its audit line (a recovery must not write it twice)."""
    if settings.audit_log is None or not settings.audit_log.exists():
        return False
    needle = f'"tx": "{tx}"'
    with open(settings.audit_log, encoding="utf-8") as fh:
        return any(needle in line for line in fh)
