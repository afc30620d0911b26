"""A file over the upload limit is reported, not dropped: Streamlit's own limit
(server.maxUploadSize) was the app's 50 MB, so the browser refused a 54 MB file beside good
ones and the uploader, emptied for the next upload at once, showed no word of it."""

from __future__ import annotations

import tomllib

from rag.settings import Settings
from tests.conftest import ROOT


def test_the_browser_lets_through_files_the_app_refuses_with_a_reason() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    browser_limit_mb = config["server"]["maxUploadSize"]
    app_limit_mb = Settings.model_fields["max_file_mb"].default
    assert browser_limit_mb >= 2 * app_limit_mb  # room for files well over the app's limit


def test_the_uploader_shows_the_apps_limit_not_streamlits(new_app) -> None:  # type: ignore[no-untyped-def]
    # Streamlit prints "200MB per file" (maxUploadSize) under the drop zone; the label's
    # "up to 50 MB each" is the limit that counts, so that small print is hidden.
    at = new_app()
    label = at.sidebar.get("file_uploader")[0].proto.label
    assert "up to 50 MB each" in label
    styles = [str(e.proto.body) for e in at.get("html")]
    assert any(
        "stFileUploaderDropzoneInstructions" in s and "display: none" in s for s in styles
    ), styles
