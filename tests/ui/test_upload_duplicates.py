"""The same file twice in one upload (picked from two folders, or dragged twice) showed two
identical "Fips199.pdf: waiting…" rows and was indexed twice, the second time only to report
"already indexed". It is indexed once, and its one row says it was listed twice."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from streamlit.testing.v1 import AppTest

from ingest.results import FileResult
from ui.documents import UploadJob, start_upload, started_words


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data, self.size = name, data, len(data)

    def getvalue(self) -> bytes:
        return self.data


class _Engine:
    settings = SimpleNamespace(max_file_mb=10.0, workspace="default")

    def __init__(self) -> None:
        self.ingested: list[str] = []

    def ingest_upload(self, name: str, data: bytes, **_: Any) -> FileResult:
        self.ingested.append(name)
        return FileResult(name, "added", doc_id=name, pages=1, chunks=2)


def _uploaded(engine: _Engine) -> UploadJob:
    job = start_upload(
        engine,  # type: ignore[arg-type]
        [
            _Upload("Fips199.pdf", b"%PDF-1"),
            _Upload("notes.txt", b"otters"),
            _Upload("Fips199.pdf", b"%PDF-1"),
            _Upload("notes.txt", b"other bytes, same name"),  # not the same file: both kept
        ],
    )
    assert job.thread is not None
    job.thread.join(5)
    return job


def test_the_same_file_twice_is_indexed_once() -> None:
    engine = _Engine()
    job = _uploaded(engine)
    assert engine.ingested == ["Fips199.pdf", "notes.txt", "notes.txt"]
    assert [f.copies for f in job.files] == [2, 1, 1]


def _report_page(job: object) -> None:  # AppTest runs the function alone: builtins only
    from ui.upload_progress import render_job

    render_job(job)  # type: ignore[arg-type]


def test_its_one_row_says_it_was_listed_twice() -> None:
    at = AppTest.from_function(_report_page, args=(_uploaded(_Engine()),), default_timeout=30)
    at.run()
    assert not at.exception
    shown = [str(e.value).replace("\\", "") for e in at.success]
    fips = [s for s in shown if "Fips199.pdf" in s]
    assert len(fips) == 1, shown
    assert "listed twice, indexed once" in fips[0]


def test_the_start_is_said_in_a_toast_naming_what_is_added() -> None:
    # the bars are at the sidebar's foot, below the fold on a laptop: the toast says where
    assert started_words(_uploaded(_Engine())) == (
        "Adding 3 files: its progress is under Documents in the sidebar"
    )
    one = start_upload(_Engine(), [_Upload("Fips199.pdf", b"%PDF-1")])  # type: ignore[arg-type]
    assert started_words(one).startswith("Adding Fips199\\.pdf: ")  # markdown-escaped
