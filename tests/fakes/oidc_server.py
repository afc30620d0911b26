"""A small OpenID Connect provider on 127.0.0.1 for sign-in tests (Starlette on uvicorn).

It speaks the authorization-code flow the way a real provider does, so Streamlit's own
Authlib client runs unchanged against it: discovery, ``/authorize`` (which approves at
once as the user the test chose with :meth:`FakeOidc.sign_in_as`, in place of a login
form), ``/token`` (client secret, single-use codes bound to their redirect URI, PKCE S256)
returning an RS256 ``id_token`` signed with a key made at start, ``/jwks`` and
``/userinfo``. Every call is recorded in ``calls`` as (method, path), and the query of each
``/authorize`` in ``authorize_params``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.fakes.base import unused_port


@dataclass(frozen=True)
class OidcUser:
    sub: str
    email: str
    name: str


@dataclass
class _Grant:
    user: OidcUser
    redirect_uri: str
    nonce: str | None
    challenge: str | None


@dataclass
class FakeOidc:
    client_id: str
    client_secret: str
    redirect_uri: str
    user: OidcUser | None = None
    # Sign id_tokens with a key that is not in /jwks (same kid): a forged token, which the
    # client must refuse.
    forge: bool = False
    calls: list[tuple[str, str]] = field(default_factory=list)
    authorize_params: list[dict[str, str]] = field(default_factory=list)  # each /authorize

    def __post_init__(self) -> None:
        self.port = unused_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        kid = secrets.token_hex(4)
        self._key = RSAKey.generate_key(2048, parameters={"kid": kid})
        self._rogue = RSAKey.generate_key(2048, parameters={"kid": kid})
        self._codes: dict[str, _Grant] = {}
        self._tokens: dict[str, OidcUser] = {}
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def metadata_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    def sign_in_as(self, user: OidcUser) -> None:
        """Who the next ``/authorize`` approves (a person typing their password, in effect)."""
        self.user = user

    # --- endpoints ---------------------------------------------------------------------
    async def _discovery(self, request: Request) -> Response:
        self.calls.append(("GET", request.url.path))
        i = self.issuer
        return JSONResponse(
            {
                "issuer": i,
                "authorization_endpoint": i + "/authorize",
                "token_endpoint": i + "/token",
                "jwks_uri": i + "/jwks",
                "userinfo_endpoint": i + "/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def _authorize(self, request: Request) -> Response:
        self.calls.append(("GET", request.url.path))
        q = request.query_params
        self.authorize_params.append(dict(q))
        if q.get("client_id") != self.client_id or q.get("redirect_uri") != self.redirect_uri:
            return JSONResponse({"error": "invalid_request"}, status_code=400)  # never redirect
        back = q["redirect_uri"]
        state = {"state": q["state"]} if "state" in q else {}
        if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split():
            return RedirectResponse(
                f"{back}?{urlencode({'error': 'unsupported_response_type', **state})}", 302
            )
        if self.user is None:
            return RedirectResponse(f"{back}?{urlencode({'error': 'access_denied', **state})}", 302)
        code = secrets.token_urlsafe(16)
        self._codes[code] = _Grant(self.user, back, q.get("nonce"), q.get("code_challenge"))
        return RedirectResponse(f"{back}?{urlencode({'code': code, **state})}", 302)

    def _client_ok(self, request: Request, form: Any) -> bool:
        auth = request.headers.get("authorization", "")
        if auth.startswith("Basic "):
            given = base64.b64decode(auth[6:]).decode()
            return secrets.compare_digest(given, f"{self.client_id}:{self.client_secret}")
        return form.get("client_id") == self.client_id and secrets.compare_digest(
            str(form.get("client_secret", "")), self.client_secret
        )

    async def _token(self, request: Request) -> Response:
        self.calls.append(("POST", request.url.path))
        form = await request.form()
        if not self._client_ok(request, form):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self._codes.pop(str(form.get("code", "")), None)  # single use
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if grant.challenge is not None:
            verifier = str(form.get("code_verifier", "")).encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if digest.decode() != grant.challenge:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
        access = secrets.token_urlsafe(24)
        self._tokens[access] = grant.user
        return JSONResponse(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": "openid email profile",
                "id_token": self._id_token(grant.user, grant.nonce),
            }
        )

    def _id_token(self, user: OidcUser, nonce: str | None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": user.sub,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 600,
            "email": user.email,
            "email_verified": True,
            "name": user.name,
        }
        if nonce:
            claims["nonce"] = nonce
        header = {"alg": "RS256", "kid": self._key.kid}
        return jwt.encode(header, claims, self._rogue if self.forge else self._key)

    async def _jwks(self, request: Request) -> Response:
        self.calls.append(("GET", request.url.path))
        public = self._key.as_dict(private=False)
        return JSONResponse({"keys": [{**public, "use": "sig", "alg": "RS256"}]})

    async def _userinfo(self, request: Request) -> Response:
        self.calls.append(("GET", request.url.path))
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        user = self._tokens.get(token)
        if user is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse({"sub": user.sub, "email": user.email, "name": user.name})

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeOidc:
        import uvicorn

        app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/authorize", self._authorize),
                Route("/token", self._token, methods=["POST"]),
                Route("/jwks", self._jwks),
                Route("/userinfo", self._userinfo),
            ]
        )
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake OIDC provider did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)
