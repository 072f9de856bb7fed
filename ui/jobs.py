"""Document operations as background jobs: the request that starts one learns at once whether it was accepted
(the checks run first), and its re-index runs while questions keep being answered from the serving generation."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.strings import bilingual
from ingest.documents import DocumentOpError, OperationResult

KEEP_JOBS = 100  # finished jobs remembered for GET /api/documents/jobs/{id}


@dataclass
class Job:
    id: str
    action: str
    document: str
    status: str = "checking"  # checking -> reindexing -> done | refused | failed
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    finished_at: dt.datetime | None = None
    result: OperationResult | None = None
    error_status: int | None = None
    error: str | None = None
    checked: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "document": self.document,
            "status": self.status,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "result": self.result.as_dict() if self.result else None,
            "error": self.error,
        }


class Jobs:
    """The document jobs of this process (one runs at a time: the service's lock refuses a second with 409)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, action: str, document: str, run: Callable[[Callable[[], None]], OperationResult]) -> Job:
        """Run ``run(on_checked)`` in a thread; ``on_checked`` is called once the request passed its checks."""
        job = Job(uuid.uuid4().hex[:12], action, document)
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP_JOBS]:
                self._jobs.pop(old)
        threading.Thread(target=self._run, args=(job, run), name=f"document-job-{job.id}", daemon=True).start()
        return job

    @staticmethod
    def _run(job: Job, run: Callable[[Callable[[], None]], OperationResult]) -> None:
        def accepted() -> None:
            job.status = "reindexing"
            job.checked.set()

        try:
            job.result = run(accepted)
            job.status = "done"
        except DocumentOpError as exc:
            job.status = "refused" if exc.status < 500 else "failed"
            job.error_status, job.error = exc.status, bilingual(exc.key, **exc.values)
        except Exception as exc:  # noqa: BLE001 - reported on the job, never a hung request
            job.status, job.error_status = "failed", 503
            job.error = bilingual("api_reindex_failed", reason=type(exc).__name__)
        finally:
            job.finished_at = dt.datetime.now(dt.UTC)
            job.checked.set()
            job.done.set()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def active(self) -> dict[str, Any] | None:
        """The running job, for /health."""
        running = [j for j in list(self._jobs.values()) if not j.done.is_set()]
        return running[-1].view() if running else None


class LockedEmbedder:
    """The serving embedder for a re-index, taken under the models lock one batch at a time: questions wait for
    at most one batch, never for the whole re-index."""

    def __init__(self, inner: Any, lock: threading.Lock):
        self._inner, self._lock = inner, lock

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attr(*args, **kwargs)

        return locked
