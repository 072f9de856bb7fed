"""Errors that cross layers: the store raises them, the assistant, the API and the CLI report them."""

from __future__ import annotations


class IndexNotReadyError(RuntimeError):
    """No index yet, or the index does not fit the configured embedder."""


class IndexUnavailableError(IndexNotReadyError):
    """The Chroma server cannot be reached (down, or not answering within the timeout)."""


class EmbedderError(RuntimeError):
    """The configured embedding model cannot be loaded."""
