"""The indexed documents (`GET /api/documents`) and, behind the admin token, adding and removing them."""

from __future__ import annotations

import hmac
import re
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile

from core.models import DocumentKind, DocumentMeta
from core.strings import bilingual
from ingest.manifest import add_entry, document_id_for, remove_entry
from ingest.pipeline import Indexer
from ui.context import AppContext, context
from ui.limits import audit

router = APIRouter()
SAFE_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}"
TEXT_SUFFIXES = (".md", ".markdown", ".txt")


@router.get("/api/documents")
def documents(ctx: AppContext = Depends(context)) -> list[dict]:
    return [d.listing() for d in ctx.serving.current().index.state.documents.values()]


def require_admin(request: Request, ctx: AppContext) -> None:
    token = ctx.settings.admin_token
    if not token:
        raise HTTPException(403, bilingual("api_admin_disabled"))
    given = (
        request.headers.get("x-admin-token") or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    )
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, bilingual("api_admin_token"))


def reindex(ctx: AppContext) -> dict:
    """Re-index the corpus with the loaded embedder, and serve the new generation."""
    loaded = ctx.serving.loaded
    embedder = loaded.embedder if loaded else None
    factory = (lambda: embedder) if embedder else None
    report = Indexer(ctx.settings, embedder_factory=factory, progress=False).ingest()
    ctx.serving.reload()
    return {
        "documents": report.documents,
        "chunks": report.chunks,
        "embedded": report.embedded,
        "skipped": report.errors,
        "quarantined": report.quarantined,
    }


def check_upload(name: str, data: bytes, limit: int) -> None:
    """A file name without paths, a size within the limit, and content the loaders read: else a 4xx."""
    if not re.fullmatch(SAFE_NAME, name) or ".." in name or name == "manifest.toml":  # no paths, no traversal
        raise HTTPException(400, bilingual("api_bad_file_name"))
    if len(data) > limit:
        raise HTTPException(413, bilingual("api_file_too_large", limit=limit))
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF-"):
        if suffix != ".pdf":
            raise HTTPException(415, bilingual("api_pdf_name"))
        return
    if suffix not in TEXT_SUFFIXES:
        raise HTTPException(415, bilingual("api_unsupported"))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(415, bilingual("api_not_utf8")) from None
    if not data.strip() or b"\x00" in data:
        raise HTTPException(415, bilingual("api_empty_file"))


@router.post("/api/documents", status_code=201)
async def upload_document(
    request: Request,
    file: UploadFile = File(...),
    title: str | None = Form(None, max_length=300),
    kind: Literal["programme", "action_plan", "other"] = Form("action_plan"),
    ctx: AppContext = Depends(context),
) -> dict:
    """Admin: add a document (PDF, Markdown or text, checked by content) and re-index."""
    require_admin(request, ctx)
    name = file.filename or ""
    data = await file.read(ctx.settings.max_upload_bytes + 1)
    check_upload(name, data, ctx.settings.max_upload_bytes)
    doc_id = document_id_for(Path(name).stem)
    corpus = ctx.settings.corpus_dir
    with ctx.models_lock:
        if (corpus / name).exists():
            raise HTTPException(409, bilingual("api_exists", name=name))
        (corpus / name).write_bytes(data)
        add_entry(corpus, DocumentMeta(id=doc_id, path=name, title=title or Path(name).stem, kind=DocumentKind(kind)))
        result = reindex(ctx)
    audit(ctx.settings, "upload", document=doc_id, path=name, bytes=len(data), chunks=result["chunks"])
    return {"id": doc_id, "path": name, **result}


@router.delete("/api/documents/{doc_id}")
def delete_document(doc_id: str, request: Request, ctx: AppContext = Depends(context)) -> dict:
    """Admin: remove a document (file and manifest entry) and re-index."""
    require_admin(request, ctx)
    doc = ctx.serving.current().index.state.documents.get(doc_id)
    if doc is None:
        raise HTTPException(404, bilingual("api_unknown_document", doc_id=doc_id))
    if doc.kind == DocumentKind.programme:
        raise HTTPException(409, bilingual("api_programme_delete"))
    with ctx.models_lock:
        (ctx.settings.corpus_dir / doc.path).unlink(missing_ok=True)
        remove_entry(ctx.settings.corpus_dir, doc_id)
        result = reindex(ctx)
    audit(ctx.settings, "delete", document=doc_id, chunks=result["chunks"])
    return {"deleted": doc_id, **result}
