"""Deleting an uploaded document deletes its saved copy too: "Delete a document" left
uploads/meeting-notes.md on disk, where someone deleting a confidential file would not look.
A document ingested from the user's own folder (CLI, demo corpus) keeps its file."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_deleting_an_upload_deletes_its_saved_copy(engine: Any, tmp_path: Path) -> None:
    assert (
        engine.ingest_upload("notes.md", b"# Notes\n\nThe compost bins move in March.").status
        == "added"
    )
    own = tmp_path / "mine.txt"
    own.write_text("My own file about otters, ingested from my folder.")
    engine.ingest([own])
    by_name = {d.name: d for d in engine.docs()}
    saved = Path(by_name["notes.md"].path)
    assert saved.is_file()

    assert [r.status for r in engine.remove(by_name["notes.md"].doc_id)] == ["removed"]
    assert not saved.exists()
    assert [r.status for r in engine.remove(by_name["mine.txt"].doc_id)] == ["removed"]
    assert own.is_file()  # not ours to delete
    assert engine.docs() == []
