"""The ``hallbar`` command line: the Typer app and what its commands share."""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

import typer

from assistant.chain import Assistant
from core.errors import IndexNotReadyError
from core.settings import Settings
from core.strings import bilingual

app = typer.Typer(
    help="hallbar: frågor och svar om Västerås stads Program för social hållbarhet / "
    "questions and answers on Västerås's Programme for social sustainability.",
    no_args_is_help=True,
    add_completion=False,
)


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # the PDF libraries' warnings go to the debug log through ingest/loaders.py (they never reach stderr here)


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"{bilingual('cli_error')}: {message}", err=True)
    raise typer.Exit(code)


def load_assistant(settings: Settings | None = None) -> Assistant:
    """The assistant over the current index; without one, the error line and exit code 1."""
    try:
        return Assistant(settings or Settings())
    except IndexNotReadyError as exc:
        fail(str(exc))
