"""Request and response bodies, as OpenAI's API spells them, plus ``sources``.

Requests accept (and ignore) OpenAI fields the answer path has no use for (``top_p``,
``tools`` the model may leave uncalled ...): clients such as Open WebUI send them. Fields
asking for what no answer can be (JSON output, a forced tool call, logprobs) are a 400:
a client relying on them must not get prose it fails to parse. ``n`` above 1 is refused: one answer is
made per request, and a client indexing ``choices[1]`` must not get a 200 with one choice. Responses carry one extra top-level
field, ``sources``: the numbered passages the ``[n]`` in the text point at.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["system", "developer", "user", "assistant", "tool", "function"]


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = Field(max_length=64)
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Role
    content: str | list[ContentPart] | None = None
    name: str | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        if not self.content:
            return ""
        return "\n".join(p.text for p in self.content if p.type == "text" and p.text)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ResponseFormat(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = Field(max_length=64)


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: str = Field(min_length=1, max_length=256, examples=["grounded-qa"])
    messages: list[ChatMessage] = Field(min_length=1, max_length=1000)
    # Strict, as OpenAI is: "yes" or "false" (strings) silently streamed or not by lax coercion.
    stream: bool | None = Field(False, strict=True)
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    # Not applied (the answer's length is the provider's), but checked as OpenAI checks them:
    # a client sending 0 or a negative count has a bug it should hear about, not a 200.
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    n: int | None = Field(None, ge=1, le=1, description="only 1: one grounded answer a request")
    # Refused unless they ask for what every answer is (rag/server/unsupported.py): prose with
    # [n] citations, no tool calls, no logprobs.
    response_format: ResponseFormat | None = None
    tool_choice: str | dict[str, Any] | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = Field(None, ge=0, le=20)
    user: str | None = Field(None, max_length=256)


class SourceOut(BaseModel):
    """One numbered passage: ``[n]`` in the answer cites it."""

    n: int
    file: str
    page: int | None = Field(description="physical, 1-based page number (None: no pages)")
    text: str
    score: float = Field(description="retrieval relevance (higher is more relevant)")
    doc_id: str
    chunk_id: str
    cited: bool = Field(description="the answer cites it")


class UsageOut(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: str | None = None


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop", "length"]
    logprobs: None = None


class AnswerInfo(BaseModel):
    """How the answer was made (the same facts as ``ask --json``)."""

    provider: str
    model: str
    refused: bool
    cited: list[int]
    cost_usd: float | None
    latency_ms: float
    search_query: str


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    system_fingerprint: str | None = None
    choices: list[Choice]
    usage: UsageOut
    sources: list[SourceOut]
    grounded_qa: AnswerInfo


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]


class DocumentOut(BaseModel):
    id: str
    object: Literal["document"] = "document"
    name: str
    sha256: str
    pages: int
    chunks: int
    bytes: int
    added_at: float


class DocumentList(BaseModel):
    object: Literal["list"] = "list"
    data: list[DocumentOut]


class FileResultOut(BaseModel):
    """One uploaded file, as ``ingest --json`` reports it (``path`` is the file name)."""

    model_config = ConfigDict(extra="allow")

    path: str
    status: str
    doc_id: str | None = None
    pages: int = 0
    chunks: int = 0
    error: str | None = None


class UploadResult(BaseModel):
    object: Literal["list"] = "list"
    data: list[FileResultOut]


class Deleted(BaseModel):
    id: str
    object: Literal["document"] = "document"
    deleted: bool


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route can answer."""
    return {s: {"model": ErrorResponse} for s in statuses}
