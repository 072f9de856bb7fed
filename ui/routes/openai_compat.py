"""The OpenAI-compatible shim: `/v1/models` and `/v1/chat/completions`, so that chat front ends can use hallbar
as a model."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, HTTPException

from assistant.models import Turn
from core.citations import source_line
from core.strings import bilingual, message
from ui.context import AppContext, context
from ui.routes.ask import answer_for
from ui.schemas import AskRequest, ChatCompletionRequest

router = APIRouter()


@router.get("/v1/models")
def models() -> dict:
    return {"object": "list", "data": [{"id": "hallbar", "object": "model", "owned_by": "hallbar"}]}


@router.post("/v1/chat/completions")
def chat_completions(req: ChatCompletionRequest, ctx: AppContext = Depends(context)) -> dict:
    """The last user message is the question, earlier user turns its history."""
    users = [m for m in req.messages if m.role == "user" and m.content.strip()]
    if not users:
        raise HTTPException(422, bilingual("api_no_user_message"))
    if req.stream:
        raise HTTPException(400, bilingual("api_no_stream"))
    history = [Turn(question=m.content) for m in users[:-1]]
    answer = answer_for(ctx, AskRequest(question=users[-1].content, history=history))
    sources = "\n".join(f"[{c.n}] {source_line(c.document, c.section, c.page, 'sv')}" for c in answer.citations)
    heading = f"{message('sources', 'sv')} / {message('sources', 'en')}"
    content = answer.answer + (f"\n\n{heading}:\n{sources}" if sources else "")
    return {
        "id": f"chatcmpl-hallbar-{int(time.time() * 1000)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "hallbar",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
