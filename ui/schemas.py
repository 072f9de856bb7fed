"""Request bodies of the REST API: every field bounded, unknown fields refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

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


def _thumb(value: int) -> int:
    if value not in (-1, 1):
        raise ValueError("rating is 1 (good) or -1 (bad)")
    return value


class FeedbackRequest(BaseModel):
    """Bounded and strict: a rating is the integer 1 or -1 (not `true`, not "1")."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=4000)
    answer: str = Field(max_length=20000)
    rating: Annotated[StrictInt, AfterValidator(_thumb)] = Field(json_schema_extra={"enum": [-1, 1]})
    comment: str | None = Field(None, max_length=2000)


class TextPart(BaseModel):
    """One part of a message's content given as a list (OpenAI's format); only text is understood."""

    type: Literal["text"]
    text: str = Field(max_length=20000)


class ChatMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = Field(None, max_length=20000)

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text for part in self.content)
        return self.content or ""


class StreamOptions(BaseModel):
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """OpenAI's request; fields hallbar has no use for (temperature, max_tokens, user …) are accepted and ignored."""

    model: str = "hallbar"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    stream_options: StreamOptions | None = None
