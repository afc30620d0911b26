"""Wire-format fake of the Anthropic Messages API (JSON and SSE events)."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.base import FakeServer, Recorded, Reply, _chunks, _Handler


class FakeAnthropic(FakeServer):
    """POST /v1/messages (JSON or SSE events)."""

    name = "anthropic"

    def _err(
        self,
        h: _Handler,
        status: int,
        type_: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        h.send_json(
            status,
            {
                "type": "error",
                "error": {"type": type_, "message": message},
                "request_id": "req_fake",
            },
            {"request-id": "req_fake", **(headers or {})},
        )

    def handle(self, h: _Handler, rec: Recorded) -> None:
        if rec.path != "/v1/messages":
            self._err(h, 404, "not_found_error", f"Not found: {rec.path}")
            return
        r = self.next_reply()
        body = rec.body if isinstance(rec.body, dict) else {}
        model = r.model or body.get("model", "claude-3-5-haiku-latest")
        f = r.fault
        if f == "rate_limit":
            self._err(
                h,
                429,
                "rate_limit_error",
                "Number of request tokens has exceeded your per-minute rate limit.",
                self.retry_headers(r),
            )
            return
        if f == "server":
            self._err(h, 500, "api_error", "Internal server error")
            return
        if f == "overloaded":
            self._err(h, 529, "overloaded_error", "Overloaded", self.retry_headers(r))
            return
        if r.stream_error_at is not None and not body.get("stream"):
            self._err(h, 529, "overloaded_error", "Overloaded")
            return
        if f == "auth":
            key = rec.headers.get("x-api-key", "")
            self._err(h, 401, "authentication_error", f"invalid x-api-key {key}")
            return
        if f == "context":
            self._err(
                h,
                400,
                "invalid_request_error",
                "prompt is too long: 215000 tokens > 200000 maximum",
            )
            return
        if f == "slow":
            self.sleep(r.delay_s)
        stop_reason = "refusal" if f == "filter" else "end_turn"
        text = "" if f == "filter" else r.text
        if body.get("stream"):
            self._stream(h, r, str(model), text, stop_reason)
        else:
            self._complete(h, r, str(model), text, stop_reason)

    def _complete(self, h: _Handler, r: Reply, model: str, text: str, stop_reason: str) -> None:
        f, msg_id = r.fault, "msg_fake01"
        obj = {
            "id": msg_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": ([{"type": "text", "text": text}] if text else [])
            + [
                {"type": "tool_use", "id": f"toolu_fake{i}", "name": name, "input": args}
                for i, (name, args) in enumerate(r.tool_calls)
            ],
            "stop_reason": "tool_use" if r.tool_calls else stop_reason,
            "stop_sequence": None,
            "usage": {
                "input_tokens": r.input_tokens,
                "output_tokens": r.output_tokens,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        }
        if f == "malformed":
            h.send_json(200, b'{"id": "msg_x", "type": "message", "content": [{"ty')
        elif f == "cut":
            h.send_truncated(obj)
        else:
            h.send_json(200, obj)

    @staticmethod
    def _message_start(r: Reply, model: str, msg_id: str) -> dict[str, Any]:
        return {
            "type": "message_start",
            "message": {
                "id": msg_id,
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": r.input_tokens,
                    "output_tokens": 1,
                    "cache_creation_input_tokens": 0,
                    "cache_read_input_tokens": 0,
                },
            },
        }

    def _stream(self, h: _Handler, r: Reply, model: str, text: str, stop_reason: str) -> None:
        f, msg_id = r.fault, "msg_fake01"
        h.start_stream()

        def ev(name: str, data: dict[str, Any]) -> None:
            h.chunk(f"event: {name}\ndata: {json.dumps(data)}\n\n")

        if f == "malformed":
            h.chunk('event: message_start\ndata: {"type": "message_start", "mess\n\n')
            h.end_stream()
            return
        ev("message_start", self._message_start(r, model, msg_id))
        ev(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        )
        ev("ping", {"type": "ping"})
        for i, piece in enumerate(_chunks(text) if text else []):
            if f == "cut" and i >= r.cut_after:
                h.drop()
                return
            if i == r.stream_error_at:
                # The API's in-stream failure: an ``error`` event on the 200 stream.
                err = {"type": "overloaded_error", "message": "Overloaded"}
                ev("error", {"type": "error", "error": err})
                h.end_stream()
                return
            ev(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": piece},
                },
            )
        ev("content_block_stop", {"type": "content_block_stop", "index": 0})
        ev(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": r.output_tokens},
            },
        )
        ev("message_stop", {"type": "message_stop"})
        h.end_stream()
