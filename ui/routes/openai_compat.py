"""The OpenAI-compatible shim: `/v1/models`, `/v1/models/{id}` and `/v1/chat/completions` (plain or streamed as
OpenAI's server-sent chunks ending with `data: [DONE]`), so that chat front ends and SDKs can use hallbar as a
model. Errors on these routes carry OpenAI's `{"error": {"message", "type", "code"}}` (ui/security.py)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import StreamingResponse

from assistant.models import Answer, Turn
from core.citations import source_line
from core.strings import bilingual, message
from ui.context import AppContext, context
from ui.schemas import ChatCompletionRequest, ChatMessage

router = APIRouter()
MODEL = {"id": "hallbar", "object": "model", "created": 0, "owned_by": "hallbar"}

ENGLISH = re.compile(r"\b(english|engelska)\b", re.IGNORECASE)
SWEDISH = re.compile(r"\b(swedish|svenska)\b", re.IGNORECASE)
BRIEF = re.compile(
    r"\b(brief|briefly|concise|concisely|short|shorter|succinct|kort|kortfattat|kortfattad|koncis|koncist)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SystemWishes:
    """What hallbar honours of system messages: the answer's language and brevity. Anything else there (a persona,
    instructions) is ignored, as passages and questions never instruct the assistant either."""

    language: str | None = None
    brief: bool = False

    @classmethod
    def of(cls, messages: list[ChatMessage]) -> SystemWishes:
        text = " ".join(m.text for m in messages if m.role in ("system", "developer"))
        en, sv = ENGLISH.search(text), SWEDISH.search(text)
        language = None
        if en or sv:  # both named ("translate Swedish to English"): the later one is the answer's
            language = "en" if (en.start() if en else -1) > (sv.start() if sv else -1) else "sv"
        return cls(language, bool(BRIEF.search(text)))


@router.get("/v1/models")
def models() -> dict:
    return {"object": "list", "data": [MODEL]}


@router.get("/v1/models/{model_id}")
def model(model_id: str) -> dict:
    if model_id != MODEL["id"]:
        raise HTTPException(404, bilingual("api_unknown_model", model=model_id[:100]))
    return MODEL


@router.post("/v1/chat/completions", response_model=None)
def chat_completions(req: ChatCompletionRequest, ctx: AppContext = Depends(context)) -> dict | StreamingResponse:
    """The last user message is the question, earlier user turns its history; a system message may ask for a
    language or brevity."""
    users = [m.text for m in req.messages if m.role == "user" and m.text.strip()]
    if not users:
        raise HTTPException(422, bilingual("api_no_user_message"))
    answer = _answer(ctx, users[-1], [Turn(question=q) for q in users[:-1]], SystemWishes.of(req.messages))
    content = _with_sources(answer)
    ident, created = f"chatcmpl-hallbar-{time.time_ns()}", int(time.time())
    if req.stream:
        usage = bool(req.stream_options and req.stream_options.include_usage)
        return StreamingResponse(_chunks(content, ident, created, usage), media_type="text/event-stream")
    return {
        "id": ident,
        "object": "chat.completion",
        "created": created,
        "model": "hallbar",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _answer(ctx: AppContext, question: str, history: list[Turn], wishes: SystemWishes) -> Answer:
    assistant = ctx.serving.current()
    ctx.check_length(question)
    with ctx.models_lock:
        answer = assistant.run(question, history, language=wishes.language).answer
        assert answer is not None
        if wishes.brief and not answer.refused and answer.citations:
            last = Turn(question=question, answer=answer.answer, goal_areas=[g.name for g in answer.goal_areas])
            shorter = assistant.followups.quote(question, last, answer.language, shorter=True)
            answer = shorter or answer
    return answer


def _with_sources(answer: Answer) -> str:
    sources = "\n".join(f"[{c.n}] {source_line(c.document, c.section, c.page, 'sv')}" for c in answer.citations)
    heading = f"{message('sources', 'sv')} / {message('sources', 'en')}"
    return answer.answer + (f"\n\n{heading}:\n{sources}" if sources else "")


def _chunks(content: str, ident: str, created: int, usage: bool):
    """OpenAI's stream: the role, the text paragraph by paragraph, an empty delta with the finish reason, [DONE]."""

    def chunk(delta: dict, finish: str | None = None) -> str:
        body = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": "hallbar",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    parts = content.split("\n\n")
    for i, part in enumerate(parts):
        yield chunk({"content": part + ("\n\n" if i < len(parts) - 1 else "")})
    yield chunk({}, "stop")
    if usage:
        body = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": "hallbar", "choices": []}
        body["usage"] = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        yield f"data: {json.dumps(body)}\n\n"
    yield "data: [DONE]\n\n"
