"""``python -m rag serve``: an OpenAI-compatible HTTP API over the engine (FastAPI on uvicorn).

A front end like the CLI and the page: it builds one :class:`rag.engine.Engine` from the
settings it is given and answers through :mod:`rag.pipeline`; nothing in the library imports
it. Modules: :mod:`.app` (the factory), :mod:`.schemas` (request and response models),
:mod:`.auth` (bearer tokens), :mod:`.errors` (OpenAI's error shape), :mod:`.limits` (body
size), :mod:`.service` (the engine and the answering chain), :mod:`.chat` and
:mod:`.documents` (the routes), :mod:`.models` (model ids).
"""

from rag.server.app import create_app

__all__ = ["create_app"]
