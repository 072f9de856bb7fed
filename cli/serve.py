"""``hallbar serve``: the REST API and the chat."""

from __future__ import annotations

import time

import typer
import uvicorn

from cli.app import app, load_assistant, setup_logging
from core.settings import Settings
from store.index_store import IndexStore
from ui.app import create_app


@app.command()
def serve(
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (each loads the models once)."),
) -> None:
    """Serve the REST API (OpenAPI at /docs) on HALLBAR_HOST:HALLBAR_PORT; models and index load once."""
    setup_logging(False)
    settings = Settings()
    if workers > 1:  # each worker builds its own app (and models) from the same settings
        where = f"http://{settings.host}:{settings.port} (index: {IndexStore(settings).location})"
        typer.echo(f"hallbar: {workers} workers on {where}")
        uvicorn.run(
            "ui.app:create_app",
            factory=True,
            workers=workers,
            host=settings.host,
            port=settings.port,
            log_level="warning",
        )
        return
    t0 = time.perf_counter()
    assistant = load_assistant(settings)
    startup = time.perf_counter() - t0
    typer.echo(
        f"hallbar: models and index loaded in {startup:.2f} s; serving http://{settings.host}:{settings.port} "
        "(API docs at /docs)"
    )
    uvicorn.run(create_app(settings, assistant, startup), host=settings.host, port=settings.port, log_level="warning")
