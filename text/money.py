"""How an amount of money reads, everywhere: the page, the CLI and the budget alerts."""

from __future__ import annotations

import math


def money(cost: float | None) -> str:
    """``$0.000057`` for a call's cost, ``$0.01`` / ``$0.375`` / ``$12.50`` for a limit."""
    if cost is None:
        return "unpriced"
    if cost == 0:
        return "$0"
    if cost < 0.01:  # a call's cost: its two significant digits ("$0.000057", not "$0.0000")
        places = min(-math.floor(math.log10(cost)) + 1, 10)
        return "$" + f"{cost:.{places}f}".rstrip("0").rstrip(".")
    # a limit or a total: cents at least, no padding ("$0.01", "$0.375", not "$0.0100")
    whole, _, cents = f"{cost:.4f}".partition(".")
    return f"${whole}.{cents.rstrip('0').ljust(2, '0')}"
