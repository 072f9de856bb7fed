"""Relate my work (`/api/relate`) and the goal-area model (`/api/goal-areas`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from assistant.understanding.language import detect_language
from core.strings import bilingual
from ui.context import AppContext, context
from ui.schemas import RelateRequest

router = APIRouter()


@router.post("/api/relate")
def relate(req: RelateRequest, ctx: AppContext = Depends(context)) -> dict:
    assistant = ctx.serving.current()
    ctx.check_length(req.text)
    with ctx.models_lock:
        return assistant.mapper.map(req.text, detect_language(req.text)).contract()


@router.get("/api/goal-areas")
def goal_areas(ctx: AppContext = Depends(context)) -> dict:
    model = ctx.serving.current().index.goal_model
    if model is None:
        raise HTTPException(404, bilingual("api_no_goal_model"))
    return model.view()
