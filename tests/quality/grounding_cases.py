"""Hard, hand-labelled grounding cases for the real MiniLM model (tests/quality/test_grounding_real.py).

Each case is one answer sentence with its citation and whether the cited passage supports
it. The unsupported ones are the dangerous kind: plausible, on-topic, sharing most words
with the passage (added features, changed numbers, flipped negations, wrong entity); the
supported ones include paraphrases that share few words with the passage.
"""

from __future__ import annotations

from providers.base import Source

SOURCES = [
    Source(
        1,
        "plans.md",
        None,
        "The Pro plan costs $20 per month. It includes priority email support and 100 GB of "
        "storage. The Basic plan is free and includes 5 GB of storage. Team plans start at "
        "five seats.",
    ),
    Source(
        2,
        "refunds.md",
        None,
        "Refunds are issued within 14 days of purchase. Contact billing to request one. "
        "Refunds are not available for annual plans after the first 30 days.",
    ),
    Source(
        3,
        "security.md",
        None,
        "All data is encrypted at rest with AES-256. Two-factor authentication is optional "
        "for personal accounts and mandatory for administrators. Backups are kept for 35 days.",
    ),
    Source(
        4,
        "company.md",
        None,
        "The company was founded in 2012 in Lisbon by Ana Costa. It has 240 employees and "
        "offices in Lisbon and Berlin. The support team answers in English and Portuguese.",
    ),
]

# (sentence, supported?, kind)
CASES: list[tuple[str, bool, str]] = [
    # --- supported: near-verbatim -----------------------------------------------------
    ("The Pro plan costs $20 per month [1].", True, "verbatim"),
    ("Refunds are issued within 14 days of purchase [2].", True, "verbatim"),
    ("All data is encrypted at rest with AES-256 [3].", True, "verbatim"),
    ("The company was founded in 2012 in Lisbon [4].", True, "verbatim"),
    ("Backups are kept for 35 days [3].", True, "verbatim"),
    ("The Basic plan is free and includes 5 GB of storage [1].", True, "verbatim"),
    # --- supported: paraphrases -------------------------------------------------------
    ("You pay 20 dollars a month for the Pro plan [1].", True, "paraphrase"),
    ("To get a refund, get in touch with the billing team [2].", True, "paraphrase"),
    ("Administrators must use two-factor authentication [3].", True, "paraphrase"),
    ("Ana Costa started the company in Lisbon in 2012 [4].", True, "paraphrase"),
    ("Pro subscribers get 100 GB of storage and priority email support [1].", True, "paraphrase"),
    ("The firm employs 240 people [4].", True, "paraphrase"),
    ("Stored data is protected with AES-256 encryption [3].", True, "paraphrase"),
    ("Support is available in English and Portuguese [4].", True, "paraphrase"),
    ("Annual plans cannot be refunded once 30 days have passed [2].", True, "paraphrase"),
    ("For personal accounts two-factor authentication is optional [3].", True, "paraphrase"),
    ("The company has offices in Lisbon and Berlin [4].", True, "paraphrase"),
    ("Team plans have a minimum of five seats [1].", True, "paraphrase"),
    ("You have 14 days after buying to ask for your money back [2].", True, "paraphrase"),
    ("Backups are retained for 35 days [3].", True, "paraphrase"),
    # --- unsupported: plausible additions ---------------------------------------------
    (
        "The Pro plan includes a dedicated account manager and phone support [1].",
        False,
        "addition",
    ),
    ("The Pro plan includes unlimited storage and 24/7 live chat [1].", False, "addition"),
    ("Refunds are processed automatically without contacting anyone [2].", False, "addition"),
    ("All data is also encrypted in transit with TLS 1.3 [3].", False, "addition"),
    ("The company is listed on the Lisbon stock exchange [4].", False, "addition"),
    ("Support also answers in Spanish and French [4].", False, "addition"),
    ("Backups are stored in three separate regions [3].", False, "addition"),
    ("The Basic plan includes priority email support [1].", False, "wrong_entity"),
    # --- unsupported: changed numbers -------------------------------------------------
    ("The Pro plan costs $25 per month [1].", False, "number"),
    ("Refunds are issued within 30 days of purchase [2].", False, "number"),
    ("Backups are kept for 90 days [3].", False, "number"),
    ("The company has 420 employees [4].", False, "number"),
    ("The company was founded in 2015 in Lisbon [4].", False, "number"),
    ("The Pro plan includes 200 GB of storage [1].", False, "number"),
    # --- unsupported: negations and flips ---------------------------------------------
    ("Two-factor authentication is mandatory for personal accounts [3].", False, "negation"),
    ("Refunds are available for annual plans at any time [2].", False, "negation"),
    ("Data is not encrypted at rest [3].", False, "negation"),
    ("The Basic plan is not free [1].", False, "negation"),
    ("Administrators do not need two-factor authentication [3].", False, "negation"),
    ("The company was founded in Berlin by Ana Costa [4].", False, "wrong_entity"),
]
