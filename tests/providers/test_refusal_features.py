"""The document refusal features: what was asked about is (not) in what was retrieved."""

from __future__ import annotations

import pytest

from providers.base import Source
from providers.extractive_provider import FEATURE_NAMES, ExtractiveProvider
from providers.refusal_features import DOC_FEATURE_NAMES, document_features

TEXT = (
    "bzip2 compresses files using the Burrows-Wheeler block sorting algorithm. "
    "The block size is 900k by default. Each block carries its own 32-bit CRC."
)


def test_terms_found_nowhere_raise_the_missing_fraction() -> None:
    src = [{"bzip2", "compress", "block", "size"}, {"crc", "block"}]
    idf = {"bzip2": 1.0, "block": 0.5, "multithread": 2.0, "core": 2.0}
    near_miss = document_features({"bzip2", "multithread", "core"}, src, {"bzip2"}, idf)
    plain = document_features({"bzip2", "block"}, src, {"bzip2", "block"}, idf)
    assert near_miss["sources_missing_frac"] == 2 / 3
    assert near_miss["window_missing_idf"] == 4.0 / 5.0
    assert plain == {"sources_missing_frac": 0.0, "window_missing_idf": 0.0}


def test_the_provider_reports_them_with_the_other_features() -> None:
    prov = ExtractiveProvider(embed=None)
    src = [Source(n=1, source="bzip2.pdf", page=1, text=TEXT, score=0.5)]
    for question, missing in (
        ("What is the default block size of bzip2?", 0.0),
        ("Does bzip2 support multithreaded compression on several cores?", 4 / 6),
    ):
        feats = prov.features(question, src, prov.candidates(question, src))
        assert set(DOC_FEATURE_NAMES) <= set(feats) <= set(FEATURE_NAMES)
        assert feats["sources_missing_frac"] == pytest.approx(missing), question


def test_a_name_typed_without_its_accents_is_not_missing() -> None:
    prov = ExtractiveProvider(embed=None)
    text = "Northwind opened its São Paulo office in 2019. It is led by José Muñoz."
    src = [Source(n=1, source="offices.md", page=1, text=text, score=0.5)]
    plain, accented = (
        prov.features(q, src, prov.candidates(q, src))
        for q in ("Who leads the Sao Paulo office?", "Who leads the São Paulo office?")
    )
    assert plain == accented and plain["missing_caps"] == 0.0
    feats = prov.features("Who leads the Lisbon office?", src, prov.candidates("x", src))
    assert feats["missing_caps"] == 1.0


def test_a_leading_space_is_no_missing_name() -> None:
    # 373 of SQuAD 2.0 dev's 381 questions that start with a space are unanswerable: read
    # as a name the passage lacks, the first word taught the model a writing artefact.
    from providers.extractive_refusal import Candidate, question_features

    src = Source(1, "a.txt", 1, "The Single European Act was signed in 1986 by twelve states.")
    cand = Candidate(src, 0, src.text, 0, len(src.text), 0.6, 0.6, 1.0)
    asked = "When was the Single European Act signed?"
    plain = question_features(asked, [src], [cand])
    spaced = question_features(" " + asked, [src], [cand])
    assert plain["missing_caps"] == spaced["missing_caps"] == 0.0
    assert question_features("When was the Treaty of Nice signed?", [src], [cand])["missing_caps"]
