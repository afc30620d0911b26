"""Usage rows and cached responses in the shared PostgreSQL (tables ``rag_usage`` and
``rag_responses``, created by :class:`rag.state.postgres.PostgresState`)."""

from __future__ import annotations

from dataclasses import astuple
from typing import TYPE_CHECKING

from providers.records import Totals, TotalsBy, UsageRow

if TYPE_CHECKING:
    from rag.state.postgres import PostgresState


class PostgresUsage:
    """:class:`providers.records.UsageRecords` in ``rag_usage``: every replica's calls count
    against the same daily cap."""

    def __init__(self, state: PostgresState) -> None:
        self._state = state

    def add(self, row: UsageRow) -> None:
        self._state.conn().execute(
            "INSERT INTO rag_usage (ts, day, session, provider, model, input_tokens, "
            "output_tokens, cost_usd, cached, estimated, task) "
            "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            astuple(row),
        )

    def totals(self, by: TotalsBy, value: str) -> Totals:
        column = {"session": "session", "day": "day"}[by]
        row = (
            self._state.conn()
            .execute(
                "SELECT COALESCE(SUM(cost_usd),0), COUNT(*), COUNT(*) FILTER (WHERE cost_usd "
                "IS NULL), COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0) "
                f"FROM rag_usage WHERE {column} = %s",
                (value,),
            )
            .fetchone()
        )
        return float(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4])

    def close(self) -> None:
        pass  # the connection is the state's, shared with the manifest


class PostgresCache:
    """:class:`providers.records.CacheRecords` in ``rag_responses``."""

    def __init__(self, state: PostgresState) -> None:
        self._state = state

    def get(self, key: str) -> tuple[float, str] | None:
        row = (
            self._state.conn()
            .execute("SELECT created, body FROM rag_responses WHERE key=%s", (key,))
            .fetchone()
        )
        return (float(row[0]), str(row[1])) if row else None

    def put(self, key: str, created: float, provider: str, model: str, body: str) -> None:
        self._state.conn().execute(
            "INSERT INTO rag_responses VALUES (%s,%s,%s,%s,%s) ON CONFLICT (key) DO UPDATE "
            "SET created=EXCLUDED.created, provider=EXCLUDED.provider, model=EXCLUDED.model, "
            "body=EXCLUDED.body",
            (key, created, provider, model, body),
        )

    def delete(self, key: str) -> None:
        self._state.conn().execute("DELETE FROM rag_responses WHERE key=%s", (key,))

    def purge(self, before: float) -> int:
        cur = self._state.conn().execute("DELETE FROM rag_responses WHERE created < %s", (before,))
        return int(cur.rowcount)

    def close(self) -> None:
        pass
