"""Request bodies of the REST API: every field bounded, unknown fields refused."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Turn
from assistant.retrieval.filters import RetrievalFilters


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=20000)
    history: list[Turn] = Field(default_factory=list, max_length=50)
    mode: Literal["answer", "relate", "draft"] = "answer"
    filters: RetrievalFilters | None = None


class RelateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20000)


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=20000)
    answer: str = Field(max_length=100000)
    rating: Literal[-1, 1]
    comment: str | None = Field(None, max_length=5000)


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str = Field(max_length=20000)


class ChatCompletionRequest(BaseModel):
    model: str = "hallbar"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
