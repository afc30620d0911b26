"""AppTest: a workspace name the check refuses is explained in a sentence, not the CLI's
raw "invalid workspace name ..." message."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from rag.workspaces import suggest_name

pytestmark = pytest.mark.integration


def test_a_bad_workspace_name_is_explained(new_app: Callable[[], AppTest]) -> None:
    at = new_app()
    at.text_input(key="workspace_new").set_value("Team A / Finance!").run()
    at.button(key="workspace_create").click().run()
    assert not at.exception
    notes = [str(w.value).replace("\\", "") for w in at.warning]  # markdown escapes
    assert notes == [
        "“Team A / Finance!” cannot be a workspace name. A name has 1 to 40 characters: "
        "lower-case letters (a-z), digits (0-9), hyphens (-) and underscores (_), starting "
        "with a letter or digit, for example “team-a-finance”."
    ]
    assert at.session_state.workspace == "default"  # nothing was created or switched to

    at.text_input(key="workspace_new").set_value("  ").run()  # an empty name
    at.button(key="workspace_create").click().run()
    assert [str(w.value) for w in at.warning] == ["Type a name for the new workspace first."]


def test_the_suggested_name_is_a_valid_one() -> None:
    assert suggest_name("Team A / Finance!") == "team-a-finance"
    assert suggest_name("  Ops_2024 ") == "ops_2024"
    assert suggest_name("!!!") is None and suggest_name("Default") is None
    assert suggest_name("x" * 50) == "x" * 40
