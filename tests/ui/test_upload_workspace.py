"""An upload's report belongs to the workspace it was made in: after a switch the sidebar
showed the default workspace's "FIPS200.pdf: added (17 pages, 53 chunks)" above another
workspace's documents list, which did not have it."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from ingest.results import FileResult
from tests.ui.conftest import page_text, wait_until
from ui.documents import FileJob, UploadJob, start_upload

REPORT = "FIPS200.pdf: added (17 pages, 53 chunks)"


def _ready(at: AppTest) -> AppTest:
    # A workspace's engine warms in the background; until then the sidebar lists nothing.
    return wait_until(at, lambda a: "documents indexed" in page_text(a), 180)


def _reports(at: AppTest) -> list[str]:
    shown = [str(s.value).replace("\\", "") for s in at.success]  # markdown escapes
    return [s for s in shown if REPORT in s]


@pytest.mark.integration
def test_a_workspace_shows_only_its_own_upload_reports(new_app: Callable[[], AppTest]) -> None:
    at = new_app()
    done = FileJob("FIPS200.pdf", "FIPS200.pdf", None, 4, "done", fraction=1.0)
    done.result = FileResult("FIPS200.pdf", "added", pages=17, chunks=53)
    at.session_state["upload_jobs"] = [UploadJob([done], finished=1.0)]  # made in "default"
    at.run()
    assert len(_reports(at)) == 1 and not at.exception

    at.text_input(key="workspace_new").set_value("team-a").run()
    at.button(key="workspace_create").click()
    _ready(at)
    assert at.session_state.workspace == "team-a" and "0 documents indexed" in page_text(at)
    assert _reports(at) == []  # team-a's list does not have it: neither does its report

    at.selectbox(key="workspace").set_value("default")
    _ready(at)
    assert len(_reports(at)) == 1 and not at.exception  # back where it was made


class _Upload:
    name, size = "notes.txt", 5

    def getvalue(self) -> bytes:
        return b"hello"


class _Engine:
    settings = SimpleNamespace(max_file_mb=10.0, workspace="team-a")

    def ingest_upload(self, name: str, data: bytes, **_: Any) -> FileResult:
        return FileResult(name, "added", pages=1, chunks=1)


def test_an_upload_remembers_the_workspace_it_went_to() -> None:
    job = start_upload(_Engine(), [_Upload()])  # type: ignore[arg-type]
    assert job.thread is not None
    job.thread.join(5)
    assert job.workspace == "team-a" and job.done
