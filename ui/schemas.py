"""Request bodies of the REST API: every field bounded, unknown fields refused."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, model_validator

from assistant.models import Turn
from assistant.retrieval.filters import RetrievalFilters


class ApiRequest(BaseModel):
    """A request body whose every text can be encoded: a lone surrogate anywhere in it (a nested history turn,
    a filter, a union field, which pydantic lets through) is a 422, never a 500 when the answer is written."""

    @model_validator(mode="after")
    def _encodable(self):
        try:
            json.dumps(self.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("the text is not valid Unicode (a lone surrogate)") from None
        return self


class AskRequest(ApiRequest):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=20000)
    history: list[Turn] = Field(default_factory=list, max_length=50)
    mode: Literal["answer", "relate", "draft"] = "answer"
    filters: RetrievalFilters | None = None


class RelateRequest(ApiRequest):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20000)


def _thumb(value: int) -> int:
    if value not in (-1, 1):
        raise ValueError("rating is 1 (good) or -1 (bad)")
    return value


class FeedbackRequest(ApiRequest):
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


class ChatCompletionRequest(ApiRequest):
    """OpenAI's request; fields hallbar has no use for (temperature, max_tokens, user …) are accepted and ignored."""

    model: str = "hallbar"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    stream_options: StreamOptions | None = None
