"""The indexed documents (`GET /api/documents`) and, behind an admin token, adding, replacing and removing them.

Every operation goes through ingest.documents.DocumentService (the same code as `hallbar documents`): it either
completes (file, manifest entry, index generation, audit line) or leaves no trace. The re-index runs as a job in
the background; questions keep being answered meanwhile. By default the request waits for the job and answers
with its result; with ``wait=false`` it answers 202 with the job at once (`GET /api/documents/jobs/{id}`).
"""

from __future__ import annotations

import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from core.audit import audit
from core.models import DocumentKind
from core.strings import bilingual
from ingest.documents import Actor, Upload
from ui.context import AppContext, context
from ui.jobs import Job

WaitForReindex = Annotated[bool, Query(description="Wait for the re-index (else 202 with the job).")]
router = APIRouter()


@router.get("/api/documents")
def documents(ctx: AppContext = Depends(context)) -> list[dict]:
    return [d.listing() for d in ctx.serving.current().index.state.documents.values()]


@router.get("/api/documents/jobs/{job_id}")
def document_job(job_id: str, ctx: AppContext = Depends(context)) -> dict:
    """A document job: checking -> reindexing -> done | refused | failed, with its result or error."""
    job = ctx.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, bilingual("api_unknown_job", job_id=job_id))
    return job.view()


def require_admin(request: Request, ctx: AppContext, action: str, document: str | None) -> Actor:
    """The actor a valid token names (HALLBAR_ADMIN_TOKENS / HALLBAR_ADMIN_TOKEN); refusals are audited."""
    client = request.client.host if request.client else "unknown"
    actors = ctx.settings.admin_actors()
    given = (
        request.headers.get("x-admin-token") or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    )
    name = next((n for t, n in actors.items() if given and hmac.compare_digest(given.encode(), t.encode())), None)
    if name is None:
        status, key = (403, "api_admin_disabled") if not actors else (401, "api_admin_token")
        refused = {"outcome": "refused", "status": status, "reason": key, "document": document}
        audit(ctx.settings, action, actor=None, client=client, **refused)
        raise HTTPException(status, bilingual(key))
    return Actor(name, client)


async def _run_job(job: Job, wait: bool, status: int, **extra: str) -> JSONResponse:
    await run_in_threadpool(job.checked.wait)
    if job.error_status is None and not wait:
        return JSONResponse(status_code=202, content=job.view())
    await run_in_threadpool(job.done.wait)
    if job.error_status is not None:
        raise HTTPException(job.error_status, job.error)
    assert job.result is not None
    return JSONResponse(status_code=status, content={**extra, **job.result.as_dict(), "job": job.id})


async def _read_upload(file: UploadFile, ctx: AppContext) -> tuple[str, bytes]:
    return file.filename or "", await file.read(ctx.settings.max_upload_bytes + 1)


@router.post("/api/documents", status_code=201)
async def upload_document(
    request: Request,
    file: UploadFile = File(...),
    title: str | None = Form(None, max_length=300),
    kind: Literal["programme", "action_plan", "other"] = Form("action_plan"),
    year: int | None = Form(None, ge=1900, le=2200),
    wait: WaitForReindex = True,
    ctx: AppContext = Depends(context),
) -> JSONResponse:
    """Admin: add a document (PDF with a text layer, Markdown or text, checked by content) and re-index."""
    actor = require_admin(request, ctx, "add", file.filename)
    name, data = await _read_upload(file, ctx)
    upload = Upload(name, data, title, DocumentKind(kind), year)
    job = ctx.jobs.start("add", name, lambda checked: ctx.documents.add(upload, actor, on_checked=checked))
    return await _run_job(job, wait, 201)


@router.post("/api/documents/reindex", status_code=200)
async def reindex_documents(
    request: Request,
    wait: WaitForReindex = True,
    ctx: AppContext = Depends(context),
) -> JSONResponse:
    """Admin: re-index the corpus as it is (e.g. after files were edited by hand); questions are answered meanwhile."""
    actor = require_admin(request, ctx, "reindex", None)
    job = ctx.jobs.start("reindex", "*", lambda checked: ctx.documents.reindex(actor, on_checked=checked))
    return await _run_job(job, wait, 200)


@router.post("/api/documents/{doc_id}/release")
async def release_chunk(
    doc_id: str,
    request: Request,
    chunk_id: str = Query(..., min_length=1, max_length=400, description="The quarantined chunk to release."),
    wait: WaitForReindex = True,
    ctx: AppContext = Depends(context),
) -> JSONResponse:
    """Admin: release a quarantined chunk (a false positive of the screen): indexed from the next generation on.
    The quarantined chunks are listed in `GET /api/documents` (``quarantined``)."""
    actor = require_admin(request, ctx, "release", doc_id)
    job = ctx.jobs.start("release", doc_id, lambda checked: ctx.documents.release(doc_id, chunk_id, actor, checked))
    return await _run_job(job, wait, 200, released=chunk_id)


@router.put("/api/documents/{doc_id}")
async def replace_document(
    doc_id: str,
    request: Request,
    file: UploadFile = File(...),
    title: str | None = Form(None, max_length=300),
    year: int | None = Form(None, ge=1900, le=2200),
    programme: bool = Query(False, description="Replace the programme itself (the explicit operation)."),
    wait: WaitForReindex = True,
    ctx: AppContext = Depends(context),
) -> JSONResponse:
    """Admin: replace a document's file (its id stays; title and year kept unless given) and re-index."""
    action = "replace_programme" if programme else "replace"
    actor = require_admin(request, ctx, action, doc_id)
    name, data = await _read_upload(file, ctx)
    upload = Upload(name, data, title, DocumentKind.other, year)

    def run(checked):
        return ctx.documents.replace(doc_id, upload, actor, programme=programme, on_checked=checked)

    return await _run_job(ctx.jobs.start(action, doc_id, run), wait, 200)


@router.delete("/api/documents/{doc_id}")
async def delete_document(
    doc_id: str,
    request: Request,
    wait: WaitForReindex = True,
    ctx: AppContext = Depends(context),
) -> JSONResponse:
    """Admin: remove a document (file and manifest entry) and re-index."""
    actor = require_admin(request, ctx, "remove", doc_id)
    job = ctx.jobs.start("remove", doc_id, lambda checked: ctx.documents.remove(doc_id, actor, on_checked=checked))
    return await _run_job(job, wait, 200, deleted=doc_id)
