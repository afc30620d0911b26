"""``GET /v1/models`` and ``POST /v1/chat/completions`` (plain and streamed as SSE)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from rag.answer import Answer
from rag.pipeline import drain
from rag.server import unsupported
from rag.server.auth import require_token
from rag.server.errors import APIError, error_body, log
from rag.server.models import OWNER, model_ids, resolve
from rag.server.schemas import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionRequest,
    Choice,
    Model,
    ModelList,
    error_responses,
)
from rag.server.service import Service, finish_reason, info_of, sources_of, usage_of

router = APIRouter(prefix="/v1", dependencies=[Depends(require_token)])
STARTED = int(time.time())


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


@router.get("/models", response_model=ModelList, responses=error_responses(401))
def list_models(request: Request) -> ModelList:
    ids = model_ids(_service(request).workspaces())
    return ModelList(data=[Model(id=m, created=STARTED, owned_by=OWNER) for m in ids])


@router.get("/models/{model:path}", response_model=Model, responses=error_responses(401, 404))
def get_model(model: str, request: Request) -> Model:
    if resolve(model, _service(request).workspaces()) is None:
        raise _unknown_model(model)
    return Model(id=model, created=STARTED, owned_by=OWNER)


def _unknown_model(model: str) -> APIError:
    return APIError(
        404,
        f"The model '{model[:100]}' does not exist; GET /v1/models lists the served ones.",
        param="model",
        code="model_not_found",
    )


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        **error_responses(400, 401, 404, 413, 500),
        200: {"content": {"text/event-stream": {}}, "description": "a completion, or SSE"},
    },
)
def chat_completions(body: ChatCompletionRequest, request: Request) -> Any:
    """Answers the last user message from the documents, the earlier ones as history."""
    service = _service(request)
    target = resolve(body.model, service.workspaces())
    if target is None:
        raise _unknown_model(body.model)
    unsupported.check(body)
    items = service.answer_stream(target, body.messages, body.temperature)
    first = next(items)  # retrieval runs here, so its failures are a plain 500 response
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if not body.stream:
        answer = first if isinstance(first, Answer) else drain(items)
        return ChatCompletion(
            id=completion_id,
            created=created,
            model=body.model,
            choices=[
                Choice(
                    message=AssistantMessage(content=answer.answer),
                    finish_reason=finish_reason(answer),
                )
            ],
            usage=usage_of(answer),
            sources=sources_of(answer),
            grounded_qa=info_of(answer),
        )
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    chunks = _sse(_chained(first, items), completion_id, created, body.model, include_usage)
    return ClosingStream(
        chunks,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


class ClosingStream(StreamingResponse):
    """A stream whose (sync) iterator is closed however the response ends. Starlette leaves
    it suspended when the client goes away mid-answer: the provider's stream, its HTTP
    connection and its usage record then wait for the garbage collector, or forever."""

    def __init__(self, content: Iterator[str], **kw: Any) -> None:
        super().__init__(content, **kw)
        self.source = content

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            with anyio.CancelScope(shield=True):  # a cancelled request still closes it
                await anyio.to_thread.run_sync(_close, self.source)


def _close(items: Iterator[Any]) -> None:
    close = getattr(items, "close", None)
    if close is None:
        return
    try:
        close()  # GeneratorExit through _sse, the pipeline and the provider's stream
    except Exception as e:
        log.warning("closing an abandoned answer stream failed: %s", type(e).__name__)


def _chained(first: str | Answer, rest: Iterator[str | Answer]) -> Iterator[str | Answer]:
    yield first
    yield from rest


def _sse(
    items: Iterator[str | Answer], cid: str, created: int, model: str, include_usage: bool
) -> Iterator[str]:
    """``data: {chat.completion.chunk}`` lines as OpenAI sends them, then ``data: [DONE]``."""

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> str:
        obj: dict[str, Any] = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": None,
            "choices": choices,
        }
        if include_usage:
            obj["usage"] = None
        obj.update(extra)
        return f"data: {json.dumps(obj, ensure_ascii=False, separators=(',', ':'))}\n\n"

    def delta(d: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"index": 0, "delta": d, "logprobs": None, "finish_reason": finish}

    yield chunk([delta({"role": "assistant", "content": "", "refusal": None})])
    answer: Answer | None = None
    try:
        for item in items:
            if isinstance(item, Answer):
                answer = item
            elif item:
                yield chunk([delta({"content": item})])
        assert answer is not None, "an answer stream ends with its Answer"
    except Exception as e:  # headers are sent: the error travels as an SSE event
        log.error("streamed answer failed: %s", type(e).__name__, exc_info=e)
        msg = "The server had an error while processing your request."
        yield f"data: {json.dumps(error_body(msg, 'server_error'))}\n\n"
        return
    finally:
        _close(items)  # closed mid-answer (the client left): the provider's stream too
    extra = {
        "sources": [s.model_dump() for s in sources_of(answer)],
        "grounded_qa": info_of(answer).model_dump(),
    }
    yield chunk([delta({}, finish_reason(answer))], **extra)
    if include_usage:
        yield chunk([], **{**extra, "usage": usage_of(answer).model_dump()})
    yield "data: [DONE]\n\n"
