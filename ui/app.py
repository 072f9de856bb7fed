"""The web app: the REST API (FastAPI) with the Gradio chat mounted at `/`. Models and index load once at
start-up; every bad request gets a 4xx with a clear message, never a 500."""

from __future__ import annotations

import logging
import threading
import time

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.embedders import build_embedder
from core.errors import IndexNotReadyError
from core.settings import Settings
from core.strings import bilingual
from ingest.documents import DocumentOpError, DocumentService
from ui.context import AppContext
from ui.feedback_store import FeedbackStore
from ui.jobs import LockedEmbedder
from ui.limits import RateLimiter
from ui.routes import ask, documents, feedback, openai_compat, relate
from ui.schemas import FeedbackRequest
from ui.security import DoorPolicy, FrontDoor, error_body
from ui.serving import ServingAssistant

log = logging.getLogger(__name__)

DESCRIPTION = (
    "Frågor och svar om Västerås stads Program för social hållbarhet, med källor / "
    "Questions and answers on Västerås stad's Programme for social sustainability, with citations."
)


def create_app(
    settings: Settings | None = None, assistant=None, startup_s: float = 0.0, mount_ui: bool = True
) -> FastAPI:
    """``assistant`` may be loaded by the caller (``hallbar serve`` does, to print its start-up time); without one,
    it is loaded here."""
    settings = settings or Settings()
    t0 = time.perf_counter()
    models_lock = threading.Lock()
    # models and index load once, here; later generations on change
    serving = ServingAssistant(settings, assistant, models_lock)
    startup = round(startup_s if assistant is not None else time.perf_counter() - t0, 2)
    ctx = AppContext(
        settings,
        serving,
        FeedbackStore(settings.data_dir / "feedback.sqlite3", settings.feedback_retention_days),
        RateLimiter(settings.rate_limit_per_minute),
        startup,
        document_service(settings, serving, models_lock),
        models_lock,
    )
    app = FastAPI(title="hallbar", description=DESCRIPTION, version="0.1.0", docs_url=None, redoc_url=None)
    app.state.hallbar = ctx
    add_error_handlers(app)
    add_middleware(app, ctx)
    if settings.api_docs:
        add_local_docs(app)
    for module in (ask, relate, documents, feedback, openai_compat):
        app.include_router(module.router)
    return mount_chat(app, ctx) if mount_ui else app


def add_middleware(app: FastAPI, ctx: AppContext) -> None:
    """CORS only for the origins listed (none by default; Gradio then adds none either), and the front door
    (security headers, closed routes, rate limits, bounded bodies) outermost."""
    settings = ctx.settings
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_list(),
        allow_methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Admin-Token"],
    )
    policy = DoorPolicy(ctx.limiter, RateLimiter(settings.feedback_per_minute), settings.max_body_bytes)
    app.add_middleware(FrontDoor, policy=policy)


def add_local_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the swagger-ui-bundle package's files: no third-party fetch (HALLBAR_API_DOCS)."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="hallbar API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


def document_service(settings: Settings, serving: ServingAssistant, models_lock: threading.Lock) -> DocumentService:
    """Document operations that re-index with the serving embedder (one batch at a time under the models lock)
    and switch the serving process to the new generation; an operation a killed process left is settled now."""

    def embedder():
        loaded = serving.embedder or build_embedder(settings)
        return LockedEmbedder(loaded, models_lock)

    service = DocumentService(settings, embedder_factory=embedder, on_switch=serving.reload_if_possible)
    try:
        if done := service.recover():
            log.warning("document operation left by a stopped process: %s", done)
    except (DocumentOpError, IndexNotReadyError) as exc:
        log.warning("document recovery postponed to the next operation: %s", exc)
    return service


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        """The reasons, never the input (it may be the question, or text that cannot be encoded)."""
        errors = [{k: v for k, v in e.items() if k not in ("input", "ctx")} for e in exc.errors()]
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in errors)
        content = error_body(request.url.path, 422, bilingual("api_invalid", problems=problems))
        content["errors"] = jsonable_encoder(errors)
        return JSONResponse(status_code=422, content=content)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        """``{"detail"}``, and OpenAI's error shape besides on the /v1 routes."""
        content = error_body(request.url.path, exc.status_code, str(exc.detail))
        return JSONResponse(status_code=exc.status_code, content=content, headers=exc.headers)

    @app.exception_handler(IndexNotReadyError)
    async def index_not_ready(request: Request, exc: IndexNotReadyError):
        """No index, or the Chroma server down or not answering: 503 with the reason, and a retry hint."""
        content = error_body(request.url.path, 503, bilingual("api_index_unavailable", reason=exc))
        return JSONResponse(status_code=503, content=content, headers={"Retry-After": "10"})


def mount_chat(app: FastAPI, ctx: AppContext) -> FastAPI:
    import gradio as gr

    from ui.web import CSS, THEME, build_ui

    def save_feedback(question: str, answer: str, rating: int, comment: str | None) -> int:
        return ctx.feedback.add(FeedbackRequest(question=question, answer=answer, rating=rating, comment=comment))

    blocks = build_ui(ctx.serving.current, save_feedback, ctx.settings.max_question_chars, models_lock=ctx.models_lock)
    return gr.mount_gradio_app(app, blocks, path="/", css=CSS, theme=THEME, footer_links=[])
