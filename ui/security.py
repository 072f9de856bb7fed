"""The front door of every request, API and chat alike (a pure ASGI middleware, outermost):

- security headers on every response (CSP, nosniff, frame-ancestors / X-Frame-Options, Referrer-Policy);
- Gradio routes the chat does not use (file upload, recording, proxy, run history, monitoring) are closed;
- one rate limit per client over every route that runs the models (REST, OpenAI-compatible and the Gradio
  API), and one for feedback, answered with 429 and Retry-After;
- bodies of the JSON routes are bounded (413);
- an unexpected error is answered with a 500 that names nothing and is logged by its type and path only,
  never with its message (which may hold the question).

CORS is Starlette's CORSMiddleware with the origins of HALLBAR_CORS_ORIGINS (none by default); Gradio adds no
CORS headers of its own when its parent app has that middleware.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.strings import bilingual
from ui.limits import RateLimiter

log = logging.getLogger(__name__)

CSP = "; ".join(
    [
        "default-src 'self'",
        # Gradio's page boots from an inline script, and its HTML component renders through `new Function`
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",  # and sets styles inline
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
MODEL_ROUTES = ("/api/ask", "/api/relate", "/v1/chat/completions")  # /api/ask/stream starts with /api/ask
GRADIO_EVENTS = ("/gradio_api/queue/join", "/gradio_api/run/", "/gradio_api/api/", "/gradio_api/call/")
CLOSED = (
    "/gradio_api/upload",
    "/gradio_api/process_recording",
    "/gradio_api/proxy=",
    "/gradio_api/run-history",
    "/gradio_api/vibe-",
    "/gradio_api/undo-vibe-",
    "/gradio_api/dev/",
    "/monitoring",
)
FEEDBACK_ROUTE = "/api/feedback"
BOUNDED_PREFIXES = ("/api/ask", "/api/relate", "/api/feedback", "/v1/", "/gradio_api/")


class BodyTooLarge(HTTPException):
    """An HTTPException, so that FastAPI's body parsing passes it on as a 413 instead of a 400."""


@dataclass
class DoorPolicy:
    models: RateLimiter
    feedback: RateLimiter
    max_body_bytes: int


class FrontDoor:
    def __init__(self, app: ASGIApp, policy: DoorPolicy):
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name for name, _ in SECURITY_HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + SECURITY_HEADERS}
            await send(message)

        if refusal is not None:
            await refusal.send(scope, send_with_headers)
            return
        if scope["method"] == "POST" and scope["path"].startswith(BOUNDED_PREFIXES):
            receive = self.bounded(receive)
        try:
            await self.app(scope, receive, send_with_headers)
        except BodyTooLarge:  # a body without Content-Length (chunked) that grew past the bound
            if not started:
                await Refusal(413, self.too_large()).send(scope, send_with_headers)
        except Exception as exc:  # noqa: BLE001 - the last net: a named 500, no question text in the log
            log.error("%s in %s %s", type(exc).__name__, scope["method"], scope["path"])
            if not started:
                await Refusal(500, bilingual("api_server_error")).send(scope, send_with_headers)

    def too_large(self) -> str:
        return bilingual("api_body_too_large", limit=self.policy.max_body_bytes)

    def bounded(self, receive: Receive) -> Receive:
        """``receive`` that counts the body's bytes and stops past the bound, whatever Content-Length said."""
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.policy.max_body_bytes:
                    raise BodyTooLarge(413, self.too_large())
            return message

        return counted

    def refusal(self, scope: Scope) -> Refusal | None:
        path: str = scope["path"]
        if path.startswith(CLOSED):
            return Refusal(404, bilingual("api_closed"))
        if scope["method"] != "POST":
            return None
        length = dict(scope.get("headers", [])).get(b"content-length", b"0")
        if path.startswith(BOUNDED_PREFIXES) and length.isdigit() and int(length) > self.policy.max_body_bytes:
            return Refusal(413, self.too_large())
        client = (scope.get("client") or ("unknown", 0))[0]
        if path.startswith(MODEL_ROUTES + GRADIO_EVENTS):
            limiter, key = self.policy.models, "api_rate_limited"
        elif path == FEEDBACK_ROUTE:
            limiter, key = self.policy.feedback, "api_feedback_rate_limited"
        else:
            return None
        wait = limiter.wait(client)
        if wait:
            return Refusal(429, bilingual(key, limit=limiter.per_minute), retry_after=wait)
        return None


@dataclass
class Refusal:
    status: int
    detail: str
    retry_after: int = 0

    async def send(self, scope: Scope, send: Send) -> None:
        body = json.dumps(error_body(scope["path"], self.status, self.detail)).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if self.retry_after:
            headers.append((b"retry-after", str(self.retry_after).encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


OPENAI_TYPES = {401: "authentication_error", 404: "not_found_error", 429: "rate_limit_exceeded"}


def error_body(path: str, status: int, detail: str) -> dict:
    """``{"detail": ...}``; on the OpenAI-compatible routes also OpenAI's ``{"error": {message, type, code}}``."""
    body: dict = {"detail": detail}
    if path.startswith("/v1/"):
        kind = OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
        body["error"] = {"message": detail, "type": kind, "code": str(status)}
    return body
