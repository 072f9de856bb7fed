"""The REST API (FastAPI): the assistant for browsers' and other systems' use. Models and index load once
at start-up; every bad request gets a 4xx with a clear message, never a 500."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Answer, Turn
from assistant.retrieval import RetrievalFilters
from ingest.index_store import IndexNotReadyError
from ingest.settings import Settings

log = logging.getLogger(__name__)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=20000)
    history: list[Turn] = Field(default_factory=list, max_length=50)
    mode: Literal["answer", "relate", "draft"] = "answer"
    filters: RetrievalFilters | None = None


class RelateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20000)


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=20000)
    answer: str = Field(max_length=100000)
    rating: Literal[-1, 1]
    comment: str | None = Field(None, max_length=5000)


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str = Field(max_length=20000)


class ChatCompletionRequest(BaseModel):
    model: str = "hallbar"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False


class FeedbackStore:
    """Feedback in SQLite in the data dir: only what the user submits, with a time."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        with sqlite3.connect(path) as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, created_at REAL, question TEXT, answer TEXT, rating INTEGER, comment TEXT)"
            )

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


def create_app(settings: Settings | None = None, assistant=None, startup_s: float = 0.0) -> FastAPI:
    """``assistant`` may be loaded by the caller (``hallbar serve`` does, to print its start-up time)."""
    settings = settings or Settings()
    state: dict = {"assistant": assistant, "error": None, "startup_s": round(startup_s, 2)}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if state["assistant"] is None:
            t0 = time.perf_counter()
            try:
                from assistant.chain import Assistant

                state["assistant"] = Assistant(settings)
            except IndexNotReadyError as exc:
                state["error"] = str(exc)
                log.error("no index: %s", exc)
            state["startup_s"] = round(time.perf_counter() - t0, 2)
        yield

    app = FastAPI(
        title="hallbar",
        description="Frågor och svar om Västerås stads Program för social hållbarhet, med källor / "
        "Questions and answers on Västerås stad's Programme for social sustainability, with citations.",
        version="0.1.0",
        lifespan=lifespan,
    )
    feedback = FeedbackStore(settings.data_dir / "feedback.sqlite3")
    lock = threading.Lock()  # one question at a time through the models

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in exc.errors())
        return JSONResponse(status_code=422, content={"detail": f"ogiltig förfrågan / invalid request: {problems}", "errors": jsonable_encoder(exc.errors())})

    def need_assistant():
        if state["assistant"] is None:
            raise HTTPException(503, f"index saknas / no index: {state['error'] or 'not loaded'}; run 'hallbar ingest'")
        return state["assistant"]

    def check_length(text: str) -> None:
        if len(text.strip()) == 0:
            raise HTTPException(422, "tom fråga / empty question")
        if len(text) > settings.max_question_chars:
            raise HTTPException(413, f"för lång / too long: {len(text)} characters, at most {settings.max_question_chars}")

    def answer_for(req: AskRequest) -> Answer:
        a = need_assistant()
        check_length(req.question)
        with lock:
            if req.mode == "relate":
                from assistant.language import detect_language
                from assistant.mapper import render_mapping
                from assistant.models import GoalAreaRef

                language = detect_language(req.question)
                result = a.mapper.map(req.question, language)
                text, citations = render_mapping(result, a.index.goal_model, language)
                return Answer(question=req.question, answer=text, refused=False, language=language,
                              goal_areas=[GoalAreaRef(name=g.name, main_area=g.main_area, sdgs=g.sdgs) for g in result.goal_areas],
                              citations=citations)
            if req.mode == "draft":
                from assistant.draft import DraftRequest
                from assistant.language import detect_language
                from assistant.models import GoalAreaRef

                language = detect_language(req.question)
                result = a.drafts.draft(DraftRequest.parse(req.question, language))
                return Answer(question=req.question, answer=result.markdown, refused=False, language=language,
                              goal_areas=[GoalAreaRef(name=g.name, main_area=g.main_area, sdgs=g.sdgs) for g in result.goal_areas],
                              citations=result.citations)
            return a.ask(req.question, history=req.history, filters=req.filters)

    @app.get("/health")
    def health() -> dict:
        a = state["assistant"]
        return {
            "status": "ok" if a else "no_index",
            "index_loaded": a is not None,
            "chunks": len(a.index.chunks) if a else 0,
            "embedder": a.index.state.embedder_id if a else None,
            "generation": a.index.state.generation if a else None,
            "generative_backend": bool(a and a.backend),
            "startup_s": state["startup_s"],
            "detail": state["error"],
        }

    @app.post("/api/ask", response_model=Answer)
    def ask(req: AskRequest) -> Answer:
        """The same object as `hallbar ask --json`."""
        return answer_for(req)

    @app.post("/api/ask/stream")
    def ask_stream(req: AskRequest) -> StreamingResponse:
        """Server-sent events: one `sentence` event per paragraph of the answer, then `citations`, then `done`."""
        answer = answer_for(req)

        def events():
            for part in answer.answer.split("\n\n"):
                yield f"event: sentence\ndata: {json.dumps({'text': part}, ensure_ascii=False)}\n\n"
            yield f"event: citations\ndata: {json.dumps([c.model_dump() for c in answer.citations], ensure_ascii=False)}\n\n"
            yield f"event: done\ndata: {answer.model_dump_json()}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.post("/api/relate")
    def relate(req: RelateRequest) -> dict:
        a = need_assistant()
        check_length(req.text)
        from assistant.language import detect_language

        with lock:
            return a.mapper.map(req.text, detect_language(req.text)).contract()

    @app.get("/api/goal-areas")
    def goal_areas() -> dict:
        a = need_assistant()
        model = a.index.goal_model
        if model is None:
            raise HTTPException(404, "ingen målområdesmodell / no goal-area model in the index")
        return {
            "main_areas": [
                {
                    "name": ma.name,
                    "goal_areas": [
                        {"name": ga.name, "sdgs": [{"number": n, "name_sv": model.sdg_goals[n].name_sv, "name_en": model.sdg_goals[n].name_en} for n in ga.sdgs],
                         "page": ga.page, "statement": ga.sdg_statement}
                        for ga in ma.goal_areas
                    ],
                }
                for ma in model.main_areas
            ]
        }

    @app.get("/api/documents")
    def documents() -> list[dict]:
        a = need_assistant()
        return [
            {"id": d.id, "title": d.title, "kind": d.kind.value, "year": d.year, "source_url": d.source_url, "chunks": len(d.chunk_ids)}
            for d in a.index.state.documents.values()
        ]

    @app.post("/api/feedback", status_code=201)
    def give_feedback(req: FeedbackRequest) -> dict:
        return {"id": feedback.add(req)}

    @app.get("/v1/models")
    def models() -> dict:
        return {"object": "list", "data": [{"id": "hallbar", "object": "model", "owned_by": "hallbar"}]}

    @app.post("/v1/chat/completions")
    def chat_completions(req: ChatCompletionRequest) -> dict:
        """OpenAI-compatible: the last user message is the question, earlier user turns its history."""
        users = [m for m in req.messages if m.role == "user"]
        if not users:
            raise HTTPException(422, "ingen användarfråga / no user message")
        if req.stream:
            raise HTTPException(400, "stream=true stöds inte här; använd /api/ask/stream / streaming is not supported here")
        history = [Turn(question=m.content) for m in users[:-1]]
        answer = answer_for(AskRequest(question=users[-1].content, history=history))
        sources = "\n".join(
            f"[{c.n}] {c.document}, {c.section.split(' > ')[-1]}" + (f", s. {c.page}" if c.page else "") for c in answer.citations
        )
        content = answer.answer + (f"\n\nKällor / Sources:\n{sources}" if sources else "")
        return {
            "id": f"chatcmpl-hallbar-{int(time.time() * 1000)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "hallbar",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }

    return app
