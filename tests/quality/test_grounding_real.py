"""The grounding thresholds with the real MiniLM model, on 40 hand-labelled hard cases.

The hashing embedder of the other grounding tests says nothing about the shipped
thresholds: they were fitted for MiniLM. Here the real model scores plausible unsupported
claims (added features, changed figures, flipped negations, wrong entity) and supported
paraphrases. Measured with THRESHOLD 0.60 (the case set is tests/quality/grounding_cases.py):

    unsupported: precision 0.86, recall 0.60 (12 of 20 caught); supported kept: 18 of 20

What it cannot catch, by design of a similarity + overlap check: negations and swapped
entities that reuse the passage's own words ("... is mandatory for personal accounts",
"founded in Berlin"), and a changed figure that happens to appear elsewhere in the passage
("within 30 days" when the passage mentions 30 days for something else). Those are listed
as known misses below, so that a change that catches them shows up as a test to update,
and a change that loses any of the caught ones fails.
"""

from __future__ import annotations

from typing import Any

import pytest

from rag import grounding
from tests.quality.grounding_cases import CASES, SOURCES

pytestmark = [pytest.mark.integration, pytest.mark.trust]

# Unsupported claims the check does not catch today (see the module docstring).
KNOWN_MISSES = {
    "The Basic plan includes priority email support [1].",
    "Refunds are issued within 30 days of purchase [2].",
    "Two-factor authentication is mandatory for personal accounts [3].",
    "Refunds are available for annual plans at any time [2].",
    "Data is not encrypted at rest [3].",
    "The Basic plan is not free [1].",
    "Administrators do not need two-factor authentication [3].",
    "The company was founded in Berlin by Ana Costa [4].",
}
# Supported paraphrases the check flags (it errs on the side of flagging).
KNOWN_FALSE_ALARMS = {
    "To get a refund, get in touch with the billing team [2].",
    "The firm employs 240 people [4].",
}


@pytest.fixture(scope="module")
def results(real_embedder: Any) -> list[tuple[str, bool, bool, str]]:
    out = []
    for text, label, kind in CASES:
        g = grounding.check(text, SOURCES, real_embedder.embed)
        assert g.total == 1, text
        out.append((text, label, g.sentences[0].supported, kind))
    return out


def _prf(results: list[tuple[str, bool, bool, str]]) -> tuple[float, float, float]:
    """Precision and recall of "unsupported", and the share of supported ones kept."""
    tp = sum(not label and not pred for _, label, pred, _ in results)
    fp = sum(label and not pred for _, label, pred, _ in results)
    fn = sum(not label and pred for _, label, pred, _ in results)
    kept = sum(label and pred for _, label, pred, _ in results)
    n_sup = sum(label for _, label, _, _ in results)
    return tp / (tp + fp), tp / (tp + fn), kept / n_sup


def test_case_set_is_balanced_and_hard() -> None:
    assert len(CASES) == 40 and sum(label for _, label, _ in CASES) == 20
    kinds = {k for _, label, k in CASES if not label}
    assert {"addition", "number", "negation", "wrong_entity"} <= kinds


def test_the_pro_plan_claim_is_caught(results: list[tuple[str, bool, bool, str]]) -> None:
    # The example: 0.57 under the old 0.55 threshold passed it as supported.
    row = next(r for r in results if "dedicated account manager" in r[0])
    assert row[2] is False


def test_precision_recall_floor(results: list[tuple[str, bool, bool, str]]) -> None:
    precision, recall, kept = _prf(results)
    assert precision >= 0.85 and recall >= 0.60 and kept >= 0.90, (precision, recall, kept)


def test_every_case_matches_the_known_state(results: list[tuple[str, bool, bool, str]]) -> None:
    wrong = {text for text, label, pred, _ in results if label != pred}
    assert wrong == KNOWN_MISSES | KNOWN_FALSE_ALARMS
