"""The answer contract (``hallbar ask --json``) and the conversation turn, as pydantic models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class GoalAreaRef(BaseModel):
    name: str
    main_area: str
    sdgs: list[int]

    @classmethod
    def of(cls, area: Any) -> GoalAreaRef:
        """The reference to anything that has a goal area's name, main area and SDGs."""
        return cls(name=area.name, main_area=area.main_area, sdgs=list(area.sdgs))


class Citation(BaseModel):
    n: int
    chunk_id: str
    document: str
    section: str
    page: int | str | None  # a PDF's page label ("ii") or "7 (OCR)" are strings
    goal_area: str | None
    sdgs: list[int]
    quote: str
    document_id: str | None = None
    document_kind: str | None = Field(None, description="programme, action_plan or other.")
    document_year: int | None = None
    link_method: str | None = Field(
        None,
        description="How the quote's section was linked to its goal area (and so its SDGs): structure (the "
        "programme's own), name_match (the goal area named in its heading), embedding (text similarity), none.",
    )


class Timings(BaseModel):
    retrieval: float = 0.0
    total: float = 0.0


class Answer(BaseModel):
    """Exactly the documented JSON object; ``contract()`` drops nothing and adds nothing."""

    question: str
    answer: str
    refused: bool
    language: Literal["sv", "en"]
    goal_areas: list[GoalAreaRef] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    timings_ms: Timings = Field(default_factory=Timings)

    def contract(self) -> dict:
        return self.model_dump(mode="json")


class Turn(BaseModel):
    """One earlier exchange of a conversation, as a client sends it back."""

    question: str
    answer: str = ""
    goal_areas: list[str] = Field(default_factory=list, description="Goal-area names the answer concerned.")
