"""Wire-format fake of the Gemini generateContent API (JSON and ``alt=sse``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.fakes.base import FakeServer, Recorded, Reply, _chunks, _Handler

OVERLOADED = "The model is overloaded. Please try again later."


class FakeGemini(FakeServer):
    """POST /v1[beta]/models/{model}:generateContent and :streamGenerateContent?alt=sse."""

    name = "gemini"

    def _err(
        self,
        h: _Handler,
        code: int,
        status: str,
        message: str,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        err: dict[str, Any] = {"code": code, "message": message, "status": status}
        if details:
            err["details"] = details
        h.send_json(code, {"error": err}, headers)

    def handle(self, h: _Handler, rec: Recorded) -> None:
        # The SDK picks the API version (v1beta historically, v1 in google-genai 3.x).
        path = rec.path.replace("/v1beta/", "/v1/", 1)
        if rec.method == "GET" and path.startswith("/v1/models"):
            h.send_json(
                200,
                {
                    "models": [
                        {"name": "models/gemini-2.0-flash", "displayName": "Gemini 2.0 Flash"}
                    ]
                },
            )
            return
        if not path.startswith("/v1/models/") or ":" not in path:
            self._err(h, 404, "NOT_FOUND", f"path {path} not found")
            return
        model, _, method = path.removeprefix("/v1/models/").partition(":")
        if method not in ("generateContent", "streamGenerateContent"):
            self._err(h, 404, "NOT_FOUND", f"method {method} not found")
            return
        r = self.next_reply()
        f = r.fault
        if self._fault(h, r, method):
            return
        if f == "slow":
            self.sleep(r.delay_s)
        self._answer(h, r, method, str(r.model or model))

    def _rate_limited(self, h: _Handler, r: Reply) -> None:
        delay = r.retry_after if r.retry_after is not None else 1
        self._err(
            h,
            429,
            "RESOURCE_EXHAUSTED",
            "You exceeded your current quota, please check your plan and billing details.",
            [
                {
                    "@type": "type.googleapis.com/google.rpc.RetryInfo",
                    "retryDelay": f"{delay:g}s",
                }
            ],
            # The API says when to retry only in the body: no Retry-After header.
            r.headers,
        )

    def _fault(self, h: _Handler, r: Reply, method: str) -> bool:
        """Send the scripted fault's error, if it is one answered with an error status."""
        f = r.fault
        if f == "rate_limit":
            self._rate_limited(h, r)
            return True
        if f == "server":
            self._err(
                h,
                500,
                "INTERNAL",
                "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
            )
            return True
        if r.stream_error_at is not None and method == "generateContent":
            self._err(h, 503, "UNAVAILABLE", OVERLOADED)
            return True
        if f == "overloaded":
            self._err(
                h,
                503,
                "UNAVAILABLE",
                OVERLOADED,
                headers=self.retry_headers(r),
            )
            return True
        if f == "auth":
            self._err(
                h,
                400,
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.",
                [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                    }
                ],
            )
            return True
        if f == "context":
            self._err(
                h,
                400,
                "INVALID_ARGUMENT",
                "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
            )
            return True
        return False

    def _answer(self, h: _Handler, r: Reply, method: str, version: str) -> None:
        f = r.fault
        usage = {
            "promptTokenCount": r.input_tokens,
            "candidatesTokenCount": r.output_tokens,
            # Thinking models (2.5): thoughts are counted apart from the candidates, and the
            # total is prompt + candidates + thoughts.
            "totalTokenCount": r.input_tokens + r.output_tokens + r.thinking_tokens,
        }
        if r.thinking_tokens:
            usage["thoughtsTokenCount"] = r.thinking_tokens

        def resp(
            text: str | None, finish: str | None, usage_meta: dict[str, Any] | None
        ) -> dict[str, Any]:
            cand: dict[str, Any] = {"index": 0}
            if text is not None:
                cand["content"] = {"parts": [{"text": text}], "role": "model"}
            if r.tool_calls and method == "generateContent":
                parts: list[dict[str, Any]] = [{"text": text}] if text else []
                parts += [{"functionCall": {"name": n, "args": a}} for n, a in r.tool_calls]
                cand["content"] = {"parts": parts, "role": "model"}
            if finish:
                cand["finishReason"] = finish
            out: dict[str, Any] = {
                "candidates": [cand],
                "modelVersion": version,
                "responseId": "fake-resp-1",
            }
            if usage_meta:
                out["usageMetadata"] = usage_meta
            return out

        blocked = {
            "promptFeedback": {"blockReason": "SAFETY", "safetyRatings": []},
            "usageMetadata": {
                "promptTokenCount": r.input_tokens,
                "totalTokenCount": r.input_tokens,
            },
            "modelVersion": version,
        }
        if method == "generateContent":
            if f == "malformed":
                h.send_json(200, b'{"candidates": [{"content": {"par')
            elif f == "filter":
                h.send_json(200, blocked)
            elif f == "cut":
                h.send_truncated(resp(r.text, "STOP", usage))
            else:
                h.send_json(200, resp(r.text, "STOP", usage))
            return
        self._stream(h, r, usage, blocked, resp)

    def _stream(
        self,
        h: _Handler,
        r: Reply,
        usage: dict[str, Any],
        blocked: dict[str, Any],
        resp: Callable[[str | None, str | None, dict[str, Any] | None], dict[str, Any]],
    ) -> None:
        f = r.fault
        h.start_stream()
        if f == "malformed":
            h.chunk('data: {"candidates": [{"content": \r\n\r\n')
            h.end_stream()
            return
        if f == "filter":
            h.chunk("data: " + json.dumps(blocked) + "\r\n\r\n")
            h.end_stream()
            return
        pieces = _chunks(r.text)
        for i, piece in enumerate(pieces):
            if f == "cut" and i >= r.cut_after:
                h.drop()
                return
            if i == r.stream_error_at:
                # A failure after the 200: the error object as one more SSE ``data:`` chunk.
                err = {"code": 503, "message": OVERLOADED, "status": "UNAVAILABLE"}
                h.chunk("data: " + json.dumps({"error": err}) + "\r\n\r\n")
                h.end_stream()
                return
            last = i == len(pieces) - 1
            # The API repeats usageMetadata on chunks; the last one carries the final counts.
            um = (
                usage
                if last
                else {"promptTokenCount": r.input_tokens, "totalTokenCount": r.input_tokens}
            )
            h.chunk("data: " + json.dumps(resp(piece, "STOP" if last else None, um)) + "\r\n\r\n")
        h.end_stream()
