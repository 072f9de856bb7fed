"""``hallbar documents list|add|remove|replace``: the admin API's document operations from the command line,
through the same service (ingest/documents.py): each completes or leaves no trace, and is audited."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import typer

from cli.app import app, fail, setup_logging
from core.errors import IndexNotReadyError
from core.models import DocumentKind
from core.settings import Settings
from core.strings import bilingual
from ingest.documents import Actor, DocumentOpError, DocumentService, OperationResult, Upload

documents_app = typer.Typer(
    help="Lägg till, ersätt och ta bort dokument / add, replace and remove documents.", no_args_is_help=True
)
app.add_typer(documents_app, name="documents")


def _actor() -> Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(f"cli:{user}", "local")


def _upload(file: Path, settings: Settings, title: str | None, kind: DocumentKind, year: int | None) -> Upload:
    try:
        size = file.stat().st_size
        data = file.read_bytes() if size <= settings.max_upload_bytes else b"\0" * (settings.max_upload_bytes + 1)
    except OSError as exc:
        fail(f"{file}: {exc.strerror or exc}")
    return Upload(file.name, data, title, kind, year)


def _report(result: OperationResult, verb: str) -> None:
    typer.echo(f"{verb}: {result.document} (generation {result.generation}, {result.chunks} chunks)")
    for line in result.quarantined:
        typer.echo(f"  quarantined: {line}")
    for line in result.skipped:
        typer.echo(f"  skipped: {line}")


def _run(operation) -> OperationResult:
    try:
        return operation()
    except DocumentOpError as exc:
        fail(bilingual(exc.key, **exc.values))
    except IndexNotReadyError as exc:
        fail(str(exc))


@documents_app.command("list")
def list_documents(as_json: bool = typer.Option(False, "--json")) -> None:
    """The corpus's documents with what the index holds of them (chunks, quarantined chunks)."""
    setup_logging(False)
    rows = _run(lambda: DocumentService(Settings()).listing())
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        chunks = f"{row.get('chunks', 0)} chunks" if row["indexed"] else "not indexed"
        year = f" {row['year']}" if row.get("year") else ""
        typer.echo(f"{row['id']}  [{row['kind']}{year}]  {chunks}  {row['title']}  ({row['path']})")
        for q in row.get("quarantined", []):
            by = f"meaning, p={q['probability']}" if q.get("method") == "meaning" else "pattern"
            typer.echo(f"    quarantined [{by}] {q['chunk_id']} ({q['section']}): ”{q['phrase']}”")


@documents_app.command("add")
def add_document(
    file: Path = typer.Argument(..., help="A PDF with a text layer, Markdown or UTF-8 text."),
    title: str | None = typer.Option(None, "--title"),
    kind: DocumentKind = typer.Option(DocumentKind.action_plan, "--kind"),
    year: int | None = typer.Option(None, "--year"),
) -> None:
    """Add a document and re-index (refused with a reason when its id or file name is taken)."""
    setup_logging(False)
    settings = Settings()
    upload = _upload(file, settings, title, kind, year)
    _report(_run(lambda: DocumentService(settings).add(upload, _actor())), "added")


@documents_app.command("replace")
def replace_document(
    doc_id: str = typer.Argument(...),
    file: Path = typer.Argument(...),
    title: str | None = typer.Option(None, "--title"),
    year: int | None = typer.Option(None, "--year"),
    programme: bool = typer.Option(False, "--programme", help="Replace the programme itself (explicitly)."),
) -> None:
    """Replace a document's file (its id stays) and re-index."""
    setup_logging(False)
    settings = Settings()
    upload = _upload(file, settings, title, DocumentKind.other, year)
    service = DocumentService(settings)
    _report(_run(lambda: service.replace(doc_id, upload, _actor(), programme=programme)), "replaced")


@documents_app.command("release")
def release_chunk(doc_id: str = typer.Argument(...), chunk_id: str = typer.Argument(...)) -> None:
    """Release a quarantined chunk (a false positive; see `hallbar documents list`) and re-index."""
    setup_logging(False)
    _report(_run(lambda: DocumentService(Settings()).release(doc_id, chunk_id, _actor())), "released")


@documents_app.command("remove")
def remove_document(doc_id: str = typer.Argument(...)) -> None:
    """Remove a document (file and manifest entry) and re-index; the programme cannot be removed."""
    setup_logging(False)
    _report(_run(lambda: DocumentService(Settings()).remove(doc_id, _actor())), "removed")
