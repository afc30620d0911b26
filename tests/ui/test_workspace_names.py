"""AppTest: a workspace name the check refuses is explained in a sentence, not the CLI's
raw "invalid workspace name ..." message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rag.workspaces import suggest_name
from tests.ui.conftest import page_text, wait_until

pytestmark = pytest.mark.integration


def test_a_name_with_spaces_is_made_a_valid_one_and_said_so(
    new_app: Callable[[], AppTest],
) -> None:
    """A walk: "Team A / Finance!" was refused with "for example “team-a-finance”", one
    more step for nothing; it is created as that now."""
    at = new_app()
    at.text_input(key="workspace_new").set_value("Team A / Finance!").run()
    at.button(key="workspace_create").click().run()
    assert not at.exception
    assert at.session_state.workspace == "team-a-finance"
    assert [str(t.value).replace("\\", "") for t in at.toast] == [
        "Created the workspace “team-a-finance” from “Team A / Finance!” (names use a-z, "
        "0-9, - and _)."
    ]
    assert not at.warning


def test_a_name_nothing_can_be_made_of_is_explained(new_app: Callable[[], AppTest]) -> None:
    at = new_app()
    at.text_input(key="workspace_new").set_value("!!!").run()
    at.button(key="workspace_create").click().run()
    assert not at.exception
    notes = [str(w.value).replace("\\", "") for w in at.warning]  # markdown escapes
    assert notes == [
        "“!!!” cannot be a workspace name. A name has 1 to 40 characters: "
        "lower-case letters (a-z), digits (0-9), hyphens (-) and underscores (_), starting "
        "with a letter or digit."
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
    # accented letters keep their base letter: "équipe" suggested "quipe"
    assert suggest_name("Équipe Zürich") == "equipe-zurich"


def test_deleting_a_workspace_asks_first_and_says_it_is_done(
    new_app: Callable[[], AppTest], app_index: Path
) -> None:
    from rag.settings import load_settings
    from rag.workspaces import list_workspaces

    at = new_app()
    at.text_input(key="workspace_new").set_value("team-b").run()
    at.button(key="workspace_create").click().run()
    assert at.session_state.workspace == "team-b"
    # its engine warms in the background: the rerun that follows could take the toast below
    wait_until(at, lambda a: "Loading the documents" not in page_text(a), 120)
    # one click deleted every document of a team: now the button waits for the tick
    assert at.button(key="workspace_delete").disabled
    at.checkbox(key="workspace_delete_confirm").check().run()
    assert not at.button(key="workspace_delete").disabled
    at.button(key="workspace_delete").click().run()
    assert not at.exception
    assert at.session_state.workspace == "default"
    assert list_workspaces(load_settings(index_dir=app_index)) == ["default"]
    assert [str(t.value) for t in at.toast] == [
        "Deleted the workspace “team\\-b”, its documents and its conversations."
    ]


def test_a_workspace_deleted_and_created_again_opens_empty(
    new_app: Callable[[], AppTest],
) -> None:
    """The engine of the deleted workspace stayed cached, its manifest folder and Chroma
    collection gone: creating the name again showed a traceback instead of the page."""
    at = new_app()
    at.text_input(key="workspace_new").set_value("team-c").run()
    at.button(key="workspace_create").click().run()
    wait_until(at, lambda a: "Loading the documents" not in page_text(a), 120)
    at.checkbox(key="workspace_delete_confirm").check().run()
    at.button(key="workspace_delete").click().run()
    assert not at.exception
    at.text_input(key="workspace_new").set_value("team-c").run()
    at.button(key="workspace_create").click().run()
    wait_until(at, lambda a: "Loading the documents" not in page_text(a), 120)
    assert not at.exception
    assert at.session_state.workspace == "team-c"
    assert "0 documents indexed" in page_text(at)


def test_creating_a_name_that_exists_says_so(new_app: Callable[[], AppTest]) -> None:
    """It switched to the existing workspace without a word, as if it had made a new one."""
    at = new_app()
    at.text_input(key="workspace_new").set_value("team-d").run()
    at.button(key="workspace_create").click().run()
    # the new workspace's engine warms in the background; its rerun would take the toast of
    # the next run with it on a loaded machine (seen in CI at load ~8)
    wait_until(at, lambda a: "Loading the documents" not in page_text(a), 120)
    at.text_input(key="workspace_new").set_value("team-d").run()
    at.button(key="workspace_create").click().run()
    assert not at.exception
    assert at.session_state.workspace == "team-d"
    assert [str(t.value) for t in at.toast] == [
        "A workspace named “team\\-d” already exists: it is open now, nothing was created."
    ]


def test_the_example_name_is_one_not_taken() -> None:
    from ui.workspaces import free_example

    assert free_example(["default"]) == "team-a"
    assert free_example(["default", "team-a", "team-b"]) == "team-c"
