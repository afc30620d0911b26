"""Local wire-format fakes of the OpenAI, Anthropic, Gemini and Ollama HTTP APIs.

Each fake is a real HTTP server on 127.0.0.1 (random port) that the real SDKs talk to. It
answers from a queue of scripted :class:`Reply` objects (the default reply when the queue is
empty), records every request (method, path, query, headers, JSON body) and can inject the
faults in :data:`FAULTS`. Formats follow the providers' API references and the SDKs' own
parsers: OpenAI chat.completion / chat.completion.chunk SSE with ``[DONE]`` and the usage
chunk of ``stream_options.include_usage``; Anthropic message and the
message_start / content_block_* / message_delta / message_stop SSE events; Gemini
GenerateContentResponse with ``usageMetadata`` and ``:streamGenerateContent?alt=sse``;
Ollama ``/api/chat`` JSON and NDJSON plus ``/api/tags``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.base import FakeServer, Recorded, Reply, unused_port
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.ollama_server import FakeOllama
from tests.fakes.openai_server import FakeOpenAI

__all__ = [
    "FAULTS",
    "FakeAnthropic",
    "FakeGemini",
    "FakeOllama",
    "FakeOpenAI",
    "FakeServer",
    "FakeSet",
    "Recorded",
    "Reply",
    "unused_port",
]

FAULTS = (
    "rate_limit",  # 429 with Retry-After / retry-after-ms
    "server",  # 500
    "overloaded",  # 503 (Anthropic: 529 overloaded_error)
    "slow",  # answers after Reply.delay_s (past the client's timeout)
    "refused",  # nothing listening (see refused_url fixture)
    "malformed",  # 200 with a body that is not the documented JSON
    "cut",  # stream (or body) cut after Reply.cut_after chunks
    "auth",  # 401 (Gemini: 400 API_KEY_INVALID, as the real API does)
    "context",  # context-length error
    "filter",  # content-filter refusal
    # A 200 stream that ends with the API's own error event/chunk/line (a transient server
    # error: OpenAI server_error chunk, Anthropic ``event: error`` overloaded_error, Gemini
    # UNAVAILABLE error chunk, Ollama ``{"error": ...}`` line); a non-streaming request gets
    # the same error as an HTTP status. ``_late``: after the first tokens were sent.
    "stream_error",
    "stream_error_late",
)


@dataclass
class FakeSet:
    openai: FakeOpenAI = field(default_factory=FakeOpenAI)
    anthropic: FakeAnthropic = field(default_factory=FakeAnthropic)
    gemini: FakeGemini = field(default_factory=FakeGemini)
    ollama: FakeOllama = field(default_factory=FakeOllama)
