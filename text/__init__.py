"""The leaf toolkit every layer shares: sentences, terms, citations, quotes, phrases.

It imports nothing of ours (ui, rag, providers and ingest all import it), so a concept
such as "where a sentence ends" or "what a citation looks like" has exactly one home.
"""
