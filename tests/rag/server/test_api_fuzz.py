"""schemathesis against the API's own OpenAPI document (in process, ASGI): no request it
generates may get a 5xx, and every response must match the document."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.rag.server.conftest import TOKEN, server_settings

AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = 40  # per operation: the whole run stays well under a minute


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from rag.engine import Engine
    from rag.server import create_app

    index = tmp_path_factory.mktemp("fuzz") / "index"
    conf = server_settings(index, embedding_backend="hash", auto_ingest_demo=False)
    engine = Engine(conf)
    note = index.parent / "fees.txt"
    note.write_text("The late fee is 20 dollars. Refunds take five business days.\n")
    engine.ingest([note])
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(conf, engine))


def test_no_server_errors(api_schema: Any) -> None:
    """Each operation, a bounded number of generated requests, with a valid token."""
    labels = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)

        @given(case=operation.as_strategy(), served=st.sampled_from([0, 1, 2]))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any, served: int) -> None:
            body = case.body
            if served and isinstance(body, dict) and "model" in body:
                body["model"] = "grounded-qa"  # a served model, and (2) a real question:
                if served == 2 and isinstance(body.get("messages"), list):
                    body["messages"].append({"role": "user", "content": "What is the late fee?"})
            # Every default check (no 5xx, responses as documented ...) except "schema-valid
            # data is accepted": a chat whose last message is not a user's question is valid
            # JSON for the schema but a 400 for the API, on purpose.
            case.call_and_validate(headers=AUTH, excluded_checks=[positive_data_acceptance])

        check()
    assert "POST /v1/chat/completions" in labels and "POST /v1/documents" in labels


def test_the_document_describes_the_api(api_schema: Any) -> None:
    paths = set(api_schema.raw_schema["paths"])
    assert {"/v1/models", "/v1/chat/completions", "/v1/documents"} <= paths
    assert "HTTPBearer" in api_schema.raw_schema["components"]["securitySchemes"]
