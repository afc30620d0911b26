"""Bearer tokens: only their SHA-256 hashes are kept, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rag.server.errors import APIError

bearer = HTTPBearer(auto_error=False, description="a token from RAG_API_KEYS")


class Tokens:
    """The accepted tokens, as hashes. No tokens: every request is let in (the CLI allows
    that only on a loopback host, or with ``--insecure-no-auth``)."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self._hashes = [_digest(t) for t in tokens if t.strip()]

    @property
    def required(self) -> bool:
        return bool(self._hashes)

    def accepts(self, token: str) -> bool:
        h = _digest(token)
        ok = False
        for known in self._hashes:  # every hash compared: the time does not say which matched
            ok |= hmac.compare_digest(h, known)
        return ok


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.strip().encode("utf-8", "surrogatepass")).digest()


def require_token(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    tokens: Tokens = request.app.state.tokens
    if not tokens.required:
        return
    if creds is None or creds.scheme.lower() != "bearer":
        raise APIError(
            401,
            "You didn't provide an API key. Send it as 'Authorization: Bearer <token>'.",
            code="missing_api_key",
        )
    if not tokens.accepts(creds.credentials):
        raise APIError(401, "Incorrect API key provided.", code="invalid_api_key")
