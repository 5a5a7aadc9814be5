"""The intake funnel counted by the database (SQL aggregates over the JSON of cases and drafts),
never by parsing every row in Python: which steps each conversation reached, and where the
unfinished ones stand. `bot.ops.stats` prints it; `bot.ops.gauges` exports it.
"""

from __future__ import annotations

from collections import Counter

from storage.database import Connection

SUBMITTED = "submitted"


def _steps(conn: Connection, table: str, key: str, where: str) -> str:
    """(row, step) pairs of `table`: every step in a draft's history, and its current step."""
    if conn.dialect.name == "sqlite":
        return (
            f"SELECT t.{key} AS k, j.value AS step FROM {table} t,"
            f" json_each(t.data, '$.history') j WHERE {where}"
            f" UNION SELECT t.{key}, json_extract(t.data, '$.step') FROM {table} t WHERE {where}"
        )
    return (
        f"SELECT t.{key} AS k, j.step FROM {table} t CROSS JOIN LATERAL"
        f" jsonb_array_elements_text(t.data::jsonb -> 'history') AS j(step) WHERE {where}"
        f" UNION SELECT t.{key}, t.data::jsonb ->> 'step' FROM {table} t WHERE {where}"
    )


async def _reached(conn: Connection, table: str, key: str, where: str, params: tuple) -> Counter:
    sql = (
        f"SELECT s.step, count(*) FROM ({_steps(conn, table, key, where)}) s"
        " WHERE s.step IS NOT NULL GROUP BY s.step"
    )
    rows = await conn.execute_fetchall(sql, params * 2)
    return Counter({str(step): int(n) for step, n in rows})


async def cases_reached(
    conn: Connection, *, after_id: int = 0, upto_id: int | None = None, since: str = ""
) -> Counter[str]:
    """Steps reached by the cases with `after_id` < id <= `upto_id` submitted since `since`
    (ISO); every case reached SUBMITTED."""
    where = "t.id > ? AND t.submitted_at >= ?" + (" AND t.id <= ?" if upto_id is not None else "")
    params: tuple = (after_id, since) + ((upto_id,) if upto_id is not None else ())
    reached = await _reached(conn, "cases", "id", where, params)
    rows = await conn.execute_fetchall(f"SELECT count(*) FROM cases t WHERE {where}", params)
    reached[SUBMITTED] = int(rows[0][0])
    return +reached


async def drafts_funnel(conn: Connection, *, since: str = "") -> tuple[Counter[str], Counter[str]]:
    """Steps reached by the live drafts started since `since` (ISO), and the step each stands at."""
    created = conn.dialect.json_text("t.data", "created_at")
    where = f"t.data IS NOT NULL AND {created} >= ?"
    reached = await _reached(conn, "drafts", "user_id", where, (since,))
    step = conn.dialect.json_text("t.data", "step")
    rows = await conn.execute_fetchall(
        f"SELECT {step}, count(*) FROM drafts t WHERE {where} GROUP BY {step}", (since,)
    )
    stopped = Counter({str(s): int(n) for s, n in rows if s is not None})
    return reached, stopped


async def last_case_id(conn: Connection) -> int:
    rows = await conn.execute_fetchall("SELECT max(id) FROM cases")
    return int(rows[0][0] or 0)
