"""The few spellings that differ between SQLite and PostgreSQL, run on each."""

from __future__ import annotations

from storage.backends.postgres import numbered
from tests.backends import Backend


def test_placeholders_are_numbered_outside_quotes_and_comments() -> None:
    sql = "SELECT '?', \"a?\" FROM t -- why?\nWHERE a = ? AND b IN (?, ?)"
    assert numbered(sql) == ("SELECT '?', \"a?\" FROM t -- why?\nWHERE a = $1 AND b IN ($2, $3)")


async def test_dialect_helpers_on_the_backend(backend: Backend) -> None:
    db = await backend.database()
    try:
        d = db.dialect
        async with db.read() as conn:
            row = await conn.fetch_one(
                f"SELECT {d.greatest('3', '7')} AS g,"
                f" {d.json_text('?', 'answers', 'rights_holder')} AS holder,"
                f" CASE WHEN {d.ci_equals('?', '?')} THEN 1 ELSE 0 END AS same,"
                f" CASE WHEN ? {d.like} ? THEN 1 ELSE 0 END AS liked,"
                f" CASE WHEN 1 {d.is_distinct} NULL THEN 1 ELSE 0 END AS distinct_null",
                (
                    '{"answers": {"rights_holder": "Acme Ltd"}}',
                    "ip-2026-000001",
                    "IP-2026-000001",
                    "ACME Ltd",
                    "%acme%",
                ),
            )
        assert row is not None
        assert (row["g"], row["holder"], row["same"], row["liked"], row["distinct_null"]) == (
            7,
            "Acme Ltd",
            1,
            1,
            1,
        )
    finally:
        await db.close()
