"""The ``hallbar`` command (``cli.main:app``): every command module registers its commands on the one app."""

from __future__ import annotations

from cli import answers, documents, evaluation, index, serve  # noqa: F401 - importing registers the commands
from cli.app import app

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
