"""The golden set (``evals/golden.jsonl``): typed items and their relevance labels resolved to chunk ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from core.models import Chunk

GOLDEN_PATH = Path(__file__).resolve().parent / "golden.jsonl"

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

    def relevant_chunks(self, chunks: dict[str, Chunk]) -> set[str]:
        wanted = set(self.relevant_sections)
        return {
            cid
            for cid, c in chunks.items()
            if (c.section_path and c.section_path[-1] in wanted) or (not c.section_path and "preamble" in wanted)
        }


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


def fast_subset(items: list[GoldenItem], per_category: int = 6) -> list[GoldenItem]:
    """A stable, category-balanced slice: the first ``per_category`` items of every category."""
    taken: dict[str, int] = {}
    out = []
    for item in items:
        if taken.get(item.category, 0) < per_category:
            taken[item.category] = taken.get(item.category, 0) + 1
            out.append(item)
    return out
