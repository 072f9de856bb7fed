"""Questions: `/api/ask`, its server-sent-events twin, and `/health`."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Response
from fastapi.responses import StreamingResponse

from assistant.models import Answer
from core.errors import IndexNotReadyError
from ui.context import AppContext, context
from ui.schemas import AskRequest

router = APIRouter()


def answer_for(ctx: AppContext, req: AskRequest, response: Response | None = None) -> Answer:
    """The assistant's answer in the request's mode (shared with the OpenAI-compatible route). The whole answer
    comes from one index generation (the assistant taken here), named in the X-Index-Generation header."""
    assistant = ctx.serving.current()
    ctx.check_length(req.question)
    if response is not None:
        response.headers["X-Index-Generation"] = str(assistant.index.state.generation)
    with ctx.models_lock:
        return assistant.answer_in_mode(req.question, req.mode, history=req.history, filters=req.filters)


@router.get("/health")
def health(ctx: AppContext = Depends(context)) -> dict:
    a = ctx.serving.loaded
    if a is None:  # started without an index: look again, so an ingest made since shows at once
        try:
            a = ctx.serving.current()
        except IndexNotReadyError:
            a = None
    return {
        "status": "ok" if a else "no_index",
        "index_loaded": a is not None,
        "chunks": len(a.index.chunks) if a else 0,
        "embedder": a.index.state.embedder_id if a else None,
        "generation": a.index.state.generation if a else None,
        "generative_backend": bool(a and a.backend),
        "index_store": "chroma-server" if ctx.settings.chroma_url else "embedded",
        "startup_s": ctx.startup_s,
        "detail": ctx.serving.error,
        "document_job": ctx.jobs.active(),
    }


@router.post("/api/ask", response_model=Answer)
def ask(req: AskRequest, response: Response, ctx: AppContext = Depends(context)) -> Answer:
    """The same object as `hallbar ask --json`."""
    return answer_for(ctx, req, response)


@router.post("/api/ask/stream")
def ask_stream(req: AskRequest, ctx: AppContext = Depends(context)) -> StreamingResponse:
    """Server-sent events: one `sentence` event per paragraph of the answer, then `citations`, then `done`."""
    answer = answer_for(ctx, req)

    def events():
        for part in answer.answer.split("\n\n"):
            yield f"event: sentence\ndata: {json.dumps({'text': part}, ensure_ascii=False)}\n\n"
        citations = json.dumps([c.model_dump() for c in answer.citations], ensure_ascii=False)
        yield f"event: citations\ndata: {citations}\n\n"
        yield f"event: done\ndata: {answer.model_dump_json()}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")
