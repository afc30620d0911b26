"""An uploaded file keeps the name its owner gave it: accents, other scripts, spaces and
brackets are listed and cited as they were ("Résumé – Zoë Müller (final).txt" was listed as
"R_sum_ _ Zo_ M_ller _final_.txt"); only what a file name cannot hold is replaced."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.files import safe_upload_name, save_upload
from ingest.loaders import IngestError, load


@pytest.mark.parametrize(
    "name",
    [
        "Résumé – Zoë Müller (final).txt",
        "onboarding-guide (1).docx",
        "報告書 2024年.pdf",
        "Отчёт за квартал.xlsx",
        "Q&A, v2 [draft] #3 + notes.md",
    ],
)
def test_names_people_use_are_kept(name: str) -> None:
    assert safe_upload_name(name) == name


def test_decomposed_accents_from_a_mac_are_composed() -> None:
    nfd = unicodedata.normalize("NFD", "Résumé.txt")
    assert safe_upload_name(nfd) == "Résumé.txt"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('we<ird>:na|me?"*.md', "we_ird__na_me___.md"),
        ("tab\there\nnewline.txt", "tab here newline.txt"),
        ("zero\u200bwidth\x07bell.txt", "zero_width_bell.txt"),
        ("C:\\Users\\ana\\plan.docx", "plan.docx"),
        (" .hidden.txt", "hidden.txt"),
    ],
)
def test_what_a_file_name_cannot_hold_is_replaced(name: str, expected: str) -> None:
    assert safe_upload_name(name) == expected


@pytest.mark.parametrize("stem", ["x" * 300, "報告" * 100])
def test_a_long_name_keeps_its_extension_and_fits_the_filesystem(stem: str) -> None:
    name = safe_upload_name(stem + ".pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= 200


@pytest.mark.parametrize("name", ["..", "...", " ", "/"])
def test_no_name_left_is_refused(name: str) -> None:
    with pytest.raises(IngestError):
        safe_upload_name(name)


def test_a_unicode_upload_is_saved_and_read_under_its_own_name(tmp_path: Path) -> None:
    name = "Résumé – Zoë Müller (final).txt"
    path = save_upload(tmp_path, name, "Zoë speaks Portuguese.".encode())
    assert path.name == name
    assert load(path)[0].text == "Zoë speaks Portuguese."
