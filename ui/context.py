"""What every route shares: settings, the serving assistant, the feedback store, limits and the models lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import HTTPException, Request

from core.settings import Settings
from core.strings import bilingual
from ingest.documents import DocumentService
from ui.feedback_store import FeedbackStore
from ui.jobs import Jobs
from ui.limits import RateLimiter
from ui.serving import ServingAssistant


@dataclass
class AppContext:
    settings: Settings
    serving: ServingAssistant
    feedback: FeedbackStore
    limiter: RateLimiter
    startup_s: float
    documents: DocumentService
    models_lock: threading.Lock = field(default_factory=threading.Lock)  # one question at a time through the models
    jobs: Jobs = field(default_factory=Jobs)

    def check_length(self, text: str) -> None:
        if len(text.strip()) == 0:
            raise HTTPException(422, bilingual("api_empty_question"))
        if len(text) > self.settings.max_question_chars:
            raise HTTPException(
                413, bilingual("api_too_long", length=len(text), limit=self.settings.max_question_chars)
            )


def context(request: Request) -> AppContext:
    """The app's shared context (a FastAPI dependency)."""
    return request.app.state.hallbar
