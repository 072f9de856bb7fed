"""Index commands: ``ingest``, ``goal-areas``, ``info``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from cli.app import app, fail, setup_logging
from core.citations import page_label
from core.errors import IndexNotReadyError
from core.settings import Settings
from ingest.manifest import ManifestError
from ingest.pipeline import Indexer
from store.index_store import IndexStore
from store.state import IndexState


@app.command()
def ingest(
    corpus: Path | None = typer.Option(
        None, "--corpus", help="Corpus folder (default: HALLBAR_CORPUS_DIR or ./corpus)."
    ),
    rebuild: bool = typer.Option(False, "--rebuild", help="Re-embed everything, ignoring what is indexed."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Index the corpus: new and changed files are embedded, unchanged ones skipped, removed ones dropped."""
    setup_logging(verbose)
    try:
        report = Indexer(Settings(), progress=sys.stderr.isatty()).ingest(corpus, rebuild=rebuild)
    except (ManifestError, IndexNotReadyError) as exc:
        fail(str(exc))
    for error in report.errors:
        typer.echo(f"skipped: {error}")  # on stdout, one line per unreadable file
    typer.echo(report.summary())


def _state(store: IndexStore) -> IndexState:
    try:
        state = store.read_state()
    except IndexNotReadyError as exc:
        fail(str(exc))
    if state is None:
        fail(f"no index in {store.location}: run 'hallbar ingest'")
    return state


@app.command("goal-areas")
def goal_areas(as_json: bool = typer.Option(False, "--json", help="Print the documented JSON list.")) -> None:
    """The programme's goal areas (målområden) with their main area and SDGs, in document order."""
    store = IndexStore(Settings())
    try:
        state = store.read_state()
    except IndexNotReadyError as exc:
        fail(str(exc))
    model = store.read_goal_area_model(state) if state else None
    if model is None:
        fail("no goal-area model: run 'hallbar ingest' on a corpus holding the programme")
    if as_json:
        typer.echo(json.dumps(model.cli_view(), ensure_ascii=False, indent=2))
        return
    for main in model.main_areas:
        typer.echo(f"{main.name}")
        for ga in main.goal_areas:
            sdgs = ", ".join(f"{n} {model.sdg_goals[n].name_sv}" for n in ga.sdgs)
            typer.echo(f"  - {ga.name} ({page_label(ga.page, 'sv')})\n      Agenda 2030: {sdgs}")


@app.command()
def info(as_json: bool = typer.Option(False, "--json")) -> None:
    """Index statistics: documents, chunks, embedder, generation."""
    settings = Settings()
    store = IndexStore(settings)
    state = _state(store)
    data = {
        "data_dir": str(settings.data_dir),
        "index_store": store.location,
        "generation": state.generation,
        "collection": state.collection,
        "embedder": state.embedder_id,
        "chunker": state.chunker,
        "chunks": state.chunk_count,
        "updated_at": state.updated_at.isoformat(),
        "documents": [d.listing() for d in state.documents.values()],
    }
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"index: {data['index_store']} (generation {state.generation}, updated {data['updated_at']})")
    typer.echo(f"embedder: {state.embedder_id}\nchunker: {state.chunker}\nchunks: {state.chunk_count}")
    for d in state.documents.values():
        typer.echo(f"  {d.id}  [{d.kind.value}]  {len(d.chunk_ids)} chunks  {d.title}")
        for q in d.quarantined:
            typer.echo(f"    quarantined (reads as instructions to an AI, not searchable): {q.describe(d.title)}")
