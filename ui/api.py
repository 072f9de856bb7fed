"""The REST API (FastAPI): the assistant for browsers' and other systems' use. Models and index load once
at start-up; every bad request gets a 4xx with a clear message, never a 500."""

from __future__ import annotations

import hmac
import json
import logging
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Answer, Turn
from assistant.retrieval.searcher import RetrievalFilters
from ui.serving import ServingAssistant
from store.index_store import IndexNotReadyError
from core.settings import Settings

log = logging.getLogger(__name__)


SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")


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


class RateLimiter:
    """A sliding one-minute window per client address."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._hits: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._hits.get(client, []) if now - t < 60.0]
            allowed = len(recent) < self.per_minute
            if allowed:
                recent.append(now)
            self._hits[client] = recent
            return allowed


def audit(settings: Settings, action: str, **details) -> None:
    """Admin actions as JSON lines, when HALLBAR_AUDIT_LOG names a file (questions are never written)."""
    if settings.audit_log is None:
        return
    settings.audit_log.parent.mkdir(parents=True, exist_ok=True)
    with open(settings.audit_log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "action": action, **details}, ensure_ascii=False) + "\n")


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


def create_app(settings: Settings | None = None, assistant=None, startup_s: float = 0.0, mount_ui: bool = True) -> FastAPI:
    """The API, with the Gradio chat mounted at `/`. ``assistant`` may be loaded by the caller (``hallbar serve``
    does, to print its start-up time); without one, it is loaded at start-up."""
    settings = settings or Settings()
    t0 = time.perf_counter()
    serving = ServingAssistant(settings, assistant)  # models and index load once, here; later generations on change
    startup = round(startup_s if assistant is not None else time.perf_counter() - t0, 2)

    app = FastAPI(
        title="hallbar",
        description="Frågor och svar om Västerås stads Program för social hållbarhet, med källor / "
        "Questions and answers on Västerås stad's Programme for social sustainability, with citations.",
        version="0.1.0",
    )
    feedback = FeedbackStore(settings.data_dir / "feedback.sqlite3")
    limiter = RateLimiter(settings.rate_limit_per_minute)
    lock = threading.Lock()  # one question at a time through the models, from the API and the chat alike

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in exc.errors())
        return JSONResponse(status_code=422, content={"detail": f"ogiltig förfrågan / invalid request: {problems}", "errors": jsonable_encoder(exc.errors())})

    @app.exception_handler(IndexNotReadyError)
    async def index_not_ready(request: Request, exc: IndexNotReadyError):
        """No index, or the Chroma server down or not answering: 503 with the reason, and a retry hint."""
        what = "indexet är inte tillgängligt / the index is unavailable"
        return JSONResponse(status_code=503, content={"detail": f"{what}: {exc}"}, headers={"Retry-After": "10"})

    def check_length(text: str) -> None:
        if len(text.strip()) == 0:
            raise HTTPException(422, "tom fråga / empty question")
        if len(text) > settings.max_question_chars:
            raise HTTPException(413, f"för lång / too long: {len(text)} characters, at most {settings.max_question_chars}")

    def answer_for(req: AskRequest) -> Answer:
        a = serving.current()
        check_length(req.question)
        with lock:
            return a.answer_in_mode(req.question, req.mode, history=req.history, filters=req.filters)

    @app.get("/health")
    def health() -> dict:
        a = serving.loaded
        return {
            "status": "ok" if a else "no_index",
            "index_loaded": a is not None,
            "chunks": len(a.index.chunks) if a else 0,
            "embedder": a.index.state.embedder_id if a else None,
            "generation": a.index.state.generation if a else None,
            "generative_backend": bool(a and a.backend),
            "index_store": "chroma-server" if settings.chroma_url else "embedded",
            "startup_s": startup,
            "detail": serving.error,
        }

    def limit(request: Request) -> None:
        if not limiter.allow(request.client.host if request.client else "unknown"):
            raise HTTPException(429, f"för många frågor / too many questions: at most {settings.rate_limit_per_minute} a minute")

    @app.post("/api/ask", response_model=Answer)
    def ask(req: AskRequest, request: Request) -> Answer:
        """The same object as `hallbar ask --json`."""
        limit(request)
        return answer_for(req)

    @app.post("/api/ask/stream")
    def ask_stream(req: AskRequest, request: Request) -> StreamingResponse:
        """Server-sent events: one `sentence` event per paragraph of the answer, then `citations`, then `done`."""
        limit(request)
        answer = answer_for(req)

        def events():
            for part in answer.answer.split("\n\n"):
                yield f"event: sentence\ndata: {json.dumps({'text': part}, ensure_ascii=False)}\n\n"
            yield f"event: citations\ndata: {json.dumps([c.model_dump() for c in answer.citations], ensure_ascii=False)}\n\n"
            yield f"event: done\ndata: {answer.model_dump_json()}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.post("/api/relate")
    def relate(req: RelateRequest) -> dict:
        a = serving.current()
        check_length(req.text)
        from assistant.understanding.language import detect_language

        with lock:
            return a.mapper.map(req.text, detect_language(req.text)).contract()

    @app.get("/api/goal-areas")
    def goal_areas() -> dict:
        a = serving.current()
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
        a = serving.current()
        return [
            {"id": d.id, "title": d.title, "kind": d.kind.value, "year": d.year, "source_url": d.source_url, "chunks": len(d.chunk_ids),
             "quarantined": [q.model_dump() for q in d.quarantined]}
            for d in a.index.state.documents.values()
        ]

    @app.post("/api/feedback", status_code=201)
    def give_feedback(req: FeedbackRequest) -> dict:
        return {"id": feedback.add(req)}

    def require_admin(request: Request) -> None:
        if not settings.admin_token:
            raise HTTPException(403, "adminfunktioner är avstängda (HALLBAR_ADMIN_TOKEN saknas) / admin endpoints are disabled")
        given = request.headers.get("x-admin-token") or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not given or not hmac.compare_digest(given.encode(), settings.admin_token.encode()):
            raise HTTPException(401, "fel eller saknad admin-token / missing or wrong admin token")

    def reindex() -> dict:
        from ingest.pipeline import Indexer

        a = serving.loaded
        embedder = a.embedder if a else None
        report = Indexer(settings, embedder_factory=(lambda: embedder) if embedder else None, progress=False).ingest()
        serving.reload()
        return {"documents": report.documents, "chunks": report.chunks, "embedded": report.embedded, "skipped": report.errors,
                "quarantined": report.quarantined}

    @app.post("/api/documents", status_code=201)
    async def upload_document(request: Request, file: UploadFile = File(...), title: str | None = Form(None, max_length=300),
                              kind: Literal["programme", "action_plan", "other"] = Form("action_plan")) -> dict:
        """Admin: add a document (PDF, Markdown or text, checked by content) and re-index."""
        require_admin(request)
        name = file.filename or ""
        if not SAFE_NAME.fullmatch(name) or ".." in name or name == "manifest.toml":  # no paths, no traversal
            raise HTTPException(400, "ogiltigt filnamn / invalid file name (letters, digits, . _ - only)")
        data = await file.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise HTTPException(413, f"filen är för stor / file too large (limit {settings.max_upload_bytes} bytes)")
        suffix = Path(name).suffix.lower()
        if data.startswith(b"%PDF-"):
            if suffix != ".pdf":
                raise HTTPException(415, "innehållet är PDF men filnamnet inte / the content is a PDF but the name is not .pdf")
        elif suffix in (".md", ".markdown", ".txt"):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                raise HTTPException(415, "texten är inte UTF-8 / the text is not UTF-8") from None
            if not data.strip() or b"\x00" in data:
                raise HTTPException(415, "tom eller binär fil / empty or binary file")
        else:
            raise HTTPException(415, "filtypen stöds inte / unsupported type: PDF (by content), .md or .txt (UTF-8)")
        doc_id = re.sub(r"[^a-z0-9._-]+", "-", Path(name).stem.casefold()).strip("-.") or "document"
        with lock:
            if (settings.corpus_dir / name).exists():
                raise HTTPException(409, f"{name} finns redan / already exists; delete it first")
            (settings.corpus_dir / name).write_bytes(data)
            with open(settings.corpus_dir / "manifest.toml", "a", encoding="utf-8") as fh:
                fh.write(f'\n[[documents]]\nid = "{doc_id}"\npath = "{name}"\ntitle = {json.dumps(title or Path(name).stem, ensure_ascii=False)}\nkind = "{kind}"\n')
            result = reindex()
        audit(settings, "upload", document=doc_id, path=name, bytes=len(data), chunks=result["chunks"])
        return {"id": doc_id, "path": name, **result}

    @app.delete("/api/documents/{doc_id}")
    def delete_document(doc_id: str, request: Request) -> dict:
        """Admin: remove a document (file and manifest entry) and re-index."""
        require_admin(request)
        a = serving.current()
        doc = a.index.state.documents.get(doc_id)
        if doc is None:
            raise HTTPException(404, f"okänt dokument / unknown document: {doc_id}")
        if doc.kind.value == "programme":
            raise HTTPException(409, "programmet kan inte tas bort här / the programme cannot be deleted here")
        with lock:
            (settings.corpus_dir / doc.path).unlink(missing_ok=True)
            manifest = settings.corpus_dir / "manifest.toml"
            blocks = manifest.read_text(encoding="utf-8").split("[[documents]]")
            kept = [b for b in blocks[1:] if f'id = "{doc_id}"' not in b]
            manifest.write_text(blocks[0] + "".join("[[documents]]" + b for b in kept), encoding="utf-8")
            result = reindex()
        audit(settings, "delete", document=doc_id, chunks=result["chunks"])
        return {"deleted": doc_id, **result}

    @app.get("/v1/models")
    def models() -> dict:
        return {"object": "list", "data": [{"id": "hallbar", "object": "model", "owned_by": "hallbar"}]}

    @app.post("/v1/chat/completions")
    def chat_completions(req: ChatCompletionRequest) -> dict:
        """OpenAI-compatible: the last user message is the question, earlier user turns its history."""
        users = [m for m in req.messages if m.role == "user" and m.content.strip()]
        if not users:
            raise HTTPException(422, "ingen användarfråga / no user message with text")
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

    if mount_ui:
        import gradio as gr

        from ui.web import CSS, build_ui

        blocks = build_ui(serving.current, lambda q, a, r, c: feedback.add(FeedbackRequest(question=q, answer=a, rating=r, comment=c)),
                          settings.max_question_chars, models_lock=lock)
        app = gr.mount_gradio_app(app, blocks, path="/", css=CSS, footer_links=[])
    return app
