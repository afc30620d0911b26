"""Evaluation against public benchmarks (BEIR, SQuAD); metrics shared in :mod:`rag.eval.metrics`."""
