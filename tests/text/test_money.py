"""text.money: one way to write an amount, from a call's cost to a monthly limit."""

from __future__ import annotations

from text.money import money


def test_money_shows_cents_at_least_and_a_calls_significant_digits() -> None:
    assert [money(x) for x in (None, 0, 0.000057, 0.0099, 0.01, 0.375, 1.2345, 12.5)] == [
        "unpriced",
        "$0",
        "$0.000057",
        "$0.0099",
        "$0.01",
        "$0.375",
        "$1.2345",
        "$12.50",
    ]


def test_money_keeps_two_significant_digits_below_a_cent() -> None:
    # a budget alert once read "($0.0000 of $0.0000)" for a cap of a hundredth of a cent
    assert [money(x) for x in (0.0000117, 1e-7, 0.00049)] == ["$0.000012", "$0.0000001", "$0.00049"]
