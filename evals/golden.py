"""The evaluation set, split in two: ``evals/dev.jsonl`` (tune on it) and ``evals/test.jsonl`` (frozen: nothing is
ever fitted on it, and it only grows). Typed items and their relevance labels resolved to chunk ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from core.models import Chunk

EVALS = Path(__file__).resolve().parent
SPLITS = {"dev": EVALS / "dev.jsonl", "test": EVALS / "test.jsonl"}
OCCUPATIONS = {"dev": EVALS / "occupations_dev.jsonl", "test": EVALS / "occupations_test.jsonl"}
GOLDEN_PATH = SPLITS["dev"]

Category = Literal[
    "fact", "sdg_mapping", "definition", "list", "followup", "relate", "draft", "out_of_scope", "injection"
]


class GoldenItem(BaseModel):
    id: str
    category: Category
    language: Literal["sv", "en"]
    question: str
    history: list[str] = Field(default_factory=list)
    relevant_sections: list[str] = Field(
        default_factory=list,
        description="Headings whose text answers it; 'preamble' for text before the first heading.",
    )
    goal_areas: list[str] = Field(default_factory=list)
    sdgs: list[int] = Field(default_factory=list)
    key_facts: list[str] = Field(default_factory=list)
    refuse: bool = False
    group: str | None = Field(None, description="employee, new_staff, communicator or other")
    form: str | None = Field(
        None, description="typo, no_diacritics, colloquial, sceptical, short, rambling, english, plain"
    )
    answer_type: str | None = Field(None, description="For out-of-scope traps: the kind of answer the programme lacks.")
    genre: str | None = Field(None, description="For drafting requests: the kind of text asked for.")
    unrelated: bool = Field(False, description="A work description the programme has nothing to say about.")
    conversation: str | None = Field(
        None, description="The conversation a turn belongs to (its history is the turns before)."
    )
    turn: int | None = None
    operation: str | None = Field(
        None, description="For conversation turns: ask, quote, shorter, english, what_about, ..."
    )
    source: str | None = None

    def relevant_chunks(self, chunks: dict[str, Chunk]) -> set[str]:
        wanted = set(self.relevant_sections)
        return {
            cid
            for cid, c in chunks.items()
            if (c.section_path and c.section_path[-1] in wanted) or (not c.section_path and "preamble" in wanted)
        }


def load_split(name: str) -> list[GoldenItem]:
    """``dev`` or ``test``."""
    return load_golden(SPLITS[name])


class Occupation(BaseModel):
    id: str
    language: Literal["sv", "en"]
    description: str
    goal_areas: list[str] = Field(default_factory=list)
    unrelated: bool = False


def load_occupations(split: str) -> list[Occupation]:
    path = OCCUPATIONS[split]
    return [
        Occupation.model_validate(json.loads(line))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def load_golden(path: Path = GOLDEN_PATH) -> list[GoldenItem]:
    items = [
        GoldenItem.model_validate(json.loads(line))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    ids = [i.id for i in items]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate ids")
    return items
