"""Feedback on answers (`/api/feedback`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ui.context import AppContext, context
from ui.schemas import FeedbackRequest

router = APIRouter()


@router.post("/api/feedback", status_code=201)
def give_feedback(req: FeedbackRequest, ctx: AppContext = Depends(context)) -> dict:
    return {"id": ctx.feedback.add(req)}
