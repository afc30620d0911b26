"""Refusal signals that hold on real documents, beside the SQuAD-era ones in
:func:`providers.extractive_provider.question_features`.

SQuAD 2.0's unanswerable questions are rewrites of a question the paragraph answers: they
copy the paragraph's words, so "every question word is there" says little about them. A
user's question that the documents cannot answer is a near miss instead: the documents are
on the topic, but the thing asked about (multithreading, a password, who maintains the
package) is nowhere in what was retrieved, or not near the sentence that would be quoted.
These features measure that, from term sets the caller has already computed (no embedding,
well under a millisecond per question).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

DOC_FEATURE_NAMES = ("sources_missing_frac", "window_missing_idf")
# Both can only lower P(answerable) (see rag/eval/refusal.py's sign constraints).
DOC_AGAINST = frozenset(DOC_FEATURE_NAMES)


def document_features(
    q_terms: set[str],
    src_terms: Sequence[set[str]],
    window_terms: set[str],
    idf: Mapping[str, float],
) -> dict[str, float]:
    """``q_terms``: the question's content terms; ``src_terms``: each retrieved source's;
    ``window_terms``: those of the sentences around the best one; ``idf``: per question term,
    over the retrieved sources (a term in every source says little)."""
    n_q = len(q_terms) or 1
    everywhere: set[str] = set().union(*src_terms) if src_terms else set()
    total = sum(idf.get(t, 0.0) for t in q_terms) or 1.0
    off_window = sum(idf.get(t, 0.0) for t in q_terms - window_terms)
    return {
        "sources_missing_frac": len(q_terms - everywhere) / n_q,
        "window_missing_idf": off_window / total,
    }
