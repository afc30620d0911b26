"""The app factory: :func:`create_app` (settings in, a FastAPI app out)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from rag.server import chat, documents, errors
from rag.server.auth import Tokens
from rag.server.limits import MAX_UPLOAD_FILES, BodyLimit
from rag.server.service import Service
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.engine import Engine

log = logging.getLogger("rag.server")

DESCRIPTION = """Grounded answers from your documents, through the OpenAI API.

`POST /v1/chat/completions` answers the last user message from the indexed documents,
citing passages as `[n]`; the passages are in the extra top-level field `sources`
(on the last chunk when streamed). Authenticate with `Authorization: Bearer <token>`
(one of `RAG_API_KEYS`)."""


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """The API over ``engine`` (built from ``settings`` when not given)."""
    if engine is None:
        from rag.engine import Engine

        engine = Engine(settings)
    app = FastAPI(
        title="Grounded Q&A API",
        version="1",
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.service = Service(engine)
    app.state.tokens = Tokens(k.get_secret_value() for k in settings.server_api_keys)
    errors.install(app)
    app.include_router(chat.router)
    app.include_router(documents.router)
    file_bytes = int(settings.max_file_mb * 1_000_000)
    app.add_middleware(
        BodyLimit,
        json_bytes=int(settings.max_json_mb * 1_000_000),
        upload_bytes=file_bytes * MAX_UPLOAD_FILES + 1_000_000,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
        )
    return app
