"""The migration steps, in order: the schema each release added, and the data rewritten with it.

Append new entries to ``MIGRATIONS``; never edit one that has shipped. The SQL is written for
SQLite; PostgreSQL gets it through ``Dialect.ddl`` (identity columns, BIGINT for every integer),
or a migration's own ``postgres`` text where the two really differ. A migration may also carry a
``data`` step (Python, both backends) run after its SQL in its transaction. The runner is
:mod:`storage.migrations`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import NamedTuple

from storage.backends.base import Connection
from storage.legacy_outbox import rewrite_legacy_outbox


class Migration(NamedTuple):
    version: int
    description: str
    sql: str
    postgres: str | None = None  # only where PostgreSQL needs other SQL than ddl(sql)
    # a data step run after the SQL, in the same transaction (rows rewritten, not the schema)
    data: Callable[[Connection], Awaitable[None]] | None = None

    def sql_for(self, conn: Connection) -> str:
        if conn.dialect.name == "postgresql" and self.postgres is not None:
            return self.postgres
        return conn.dialect.ddl(self.sql)


_V1_INITIAL = """
CREATE TABLE drafts (
    user_id     INTEGER PRIMARY KEY,
    data        TEXT,                         -- Draft.model_dump_json(); NULL once discarded
    revision    INTEGER NOT NULL,             -- keeps counting across discards (no ABA)
    updated_at  TEXT    NOT NULL
);

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    number           TEXT    NOT NULL UNIQUE,  -- IP-2026-000042
    user_id          INTEGER NOT NULL,
    chat_id          INTEGER NOT NULL,
    lang             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    assignee_id      INTEGER,
    assignee_name    TEXT,
    submitted_at     TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    data             TEXT    NOT NULL,         -- immutable Draft snapshot
    staff_message_id INTEGER,
    staff_thread_id  INTEGER
);
CREATE INDEX cases_user ON cases (user_id, id);
CREATE INDEX cases_submitted ON cases (submitted_at);
CREATE INDEX cases_staff_message ON cases (staff_message_id);

CREATE TABLE case_links (
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    canonical_link TEXT    NOT NULL,
    PRIMARY KEY (case_id, canonical_link)
);
CREATE INDEX case_links_link ON case_links (canonical_link);

CREATE TABLE files (
    sha256     TEXT    PRIMARY KEY,
    size       INTEGER NOT NULL,
    mime       TEXT    NOT NULL,
    first_seen TEXT    NOT NULL
);

CREATE TABLE case_files (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    sha256  TEXT    NOT NULL REFERENCES files (sha256),
    section TEXT    NOT NULL,
    name    TEXT    NOT NULL,
    PRIMARY KEY (case_id, sha256, section)
);
CREATE INDEX case_files_sha ON case_files (sha256);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id     INTEGER NOT NULL,
    method      TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    dedupe_key  TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL,
    not_before  TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    sent_at     TEXT,
    gave_up_at  TEXT,
    result      TEXT,
    case_id     INTEGER REFERENCES cases (id)
);
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL AND gave_up_at IS NULL;

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    INTEGER REFERENCES cases (id),
    actor_id   INTEGER,
    actor_name TEXT,
    action     TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    at         TEXT    NOT NULL
);
CREATE INDEX audit_case ON audit (case_id, at, id);

CREATE TABLE case_messages (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id   INTEGER NOT NULL REFERENCES cases (id),
    direction TEXT    NOT NULL CHECK (direction IN ('staff', 'claimant')),
    author_id INTEGER,
    text      TEXT    NOT NULL,
    files     TEXT    NOT NULL DEFAULT '[]',
    at        TEXT    NOT NULL
);
CREATE INDEX case_messages_case ON case_messages (case_id, id);
"""

_V2_PENDING_QUESTIONS = """
CREATE TABLE pending_questions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    staff_id    INTEGER NOT NULL,
    question    TEXT    NOT NULL,
    asked_at    TEXT    NOT NULL,
    answered_at TEXT
);
CREATE INDEX pending_questions_open ON pending_questions (case_id) WHERE answered_at IS NULL;
"""

_V3_ANSWERING = """
CREATE TABLE answering (
    user_id     INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES pending_questions (id),
    since       TEXT    NOT NULL
);
"""

_V4_UPDATE_MARKS = """
CREATE TABLE update_marks (
    user_id   INTEGER PRIMARY KEY,
    update_id INTEGER NOT NULL
);
"""

_V5_INBOX = """
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT    NOT NULL,
    received_at TEXT    NOT NULL
);
"""

_V6_CASE_EVENTS = """
CREATE TABLE case_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    kind            TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error      TEXT,
    delivered_at    TEXT
);
CREATE INDEX case_events_pending ON case_events (case_id, id) WHERE delivered_at IS NULL;
"""

_V7_CLAIMANT_USERNAME = """
ALTER TABLE cases ADD COLUMN claimant_username TEXT;
CREATE INDEX cases_claimant_username ON cases (claimant_username COLLATE NOCASE);
"""

# PostgreSQL has no NOCASE collation: the index is on lower(), as Dialect.ci_equals compares.
_V7_CLAIMANT_USERNAME_PG = """
ALTER TABLE cases ADD COLUMN claimant_username TEXT;
CREATE INDEX cases_claimant_username ON cases (lower(claimant_username));
"""

_V8_ADDING_EVIDENCE = """
CREATE TABLE adding_evidence (
    user_id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    since   TEXT    NOT NULL
);
"""

_V9_APPLIED = """
DROP TABLE update_marks;
CREATE TABLE applied_updates (
    update_id  INTEGER PRIMARY KEY,
    user_id    INTEGER,
    applied_at TEXT    NOT NULL
);
CREATE INDEX applied_updates_at ON applied_updates (applied_at);
CREATE INDEX outbox_chat_pending ON outbox (chat_id, id)
    WHERE sent_at IS NULL AND gave_up_at IS NULL;
"""

# Several workers take the inbox user by user (bot/cluster/): whose update it is, set on arrival.
_V10_INBOX_USER = """
ALTER TABLE inbox ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX inbox_user ON inbox (user_id, update_id);
"""

_V11_STAFF_CHAT = """
ALTER TABLE cases ADD COLUMN staff_chat_id INTEGER;
ALTER TABLE cases ADD COLUMN staff_card_caption INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN dossier_zip TEXT;
"""

# The case API (bot/api/): its keys (only a hash kept), the answers to requests made with an
# Idempotency-Key (a retry gets the same answer), and the listing outcomes the marketplace
# reports (the claimant told once a change: `told_at`).
_V12_CASE_API = """
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL UNIQUE,
    scope        TEXT    NOT NULL,
    key_hash     TEXT    NOT NULL UNIQUE,
    created_at   TEXT    NOT NULL,
    revoked_at   TEXT
);

CREATE TABLE api_idempotency (
    key_id          INTEGER NOT NULL REFERENCES api_keys (id),
    idempotency_key TEXT    NOT NULL,
    endpoint        TEXT    NOT NULL,
    body_hash       TEXT    NOT NULL,
    status          INTEGER,
    response        TEXT,
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (key_id, idempotency_key)
);
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);

CREATE TABLE listing_outcomes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    listing     INTEGER NOT NULL,
    outcome     TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    reported_at TEXT    NOT NULL,
    reported_by TEXT    NOT NULL,
    told_at     TEXT
);
CREATE INDEX listing_outcomes_case ON listing_outcomes (case_id, listing, id);
CREATE INDEX listing_outcomes_untold ON listing_outcomes (case_id) WHERE told_at IS NULL;
CREATE INDEX cases_created ON cases (submitted_at, id);
"""

# What Telegram said about chats (storage/chat_states.py): a staff group upgraded to a
# supergroup answers with its new id; a claimant who blocked the bot cannot be reached.
_V13_CHAT_STATES = """
CREATE TABLE chat_migrations (
    chat_id     INTEGER PRIMARY KEY,
    new_chat_id INTEGER NOT NULL,
    migrated_at TEXT    NOT NULL
);
CREATE TABLE unreachable_chats (
    chat_id INTEGER PRIMARY KEY,
    since   TEXT    NOT NULL,
    reason  TEXT    NOT NULL
);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _V1_INITIAL),
    Migration(2, "pending staff questions to claimants", _V2_PENDING_QUESTIONS),
    Migration(3, "claimants answering a question", _V3_ANSWERING),
    Migration(4, "the last Telegram update applied per user", _V4_UPDATE_MARKS),
    Migration(5, "updates received and not yet handled", _V5_INBOX),
    Migration(6, "case events for the outgoing webhook", _V6_CASE_EVENTS),
    Migration(
        7,
        "the claimant's Telegram username, for staff to find cases by",
        _V7_CLAIMANT_USERNAME,
        postgres=_V7_CLAIMANT_USERNAME_PG,
    ),
    Migration(8, "claimants adding evidence to a case unasked", _V8_ADDING_EVIDENCE),
    Migration(9, "the set of Telegram updates applied, not a high-water mark", _V9_APPLIED),
    Migration(10, "whose update each inbox entry is, for several workers", _V10_INBOX_USER),
    Migration(11, "each case's staff group, caption card and dossier ZIP", _V11_STAFF_CHAT),
    Migration(12, "case API keys, idempotent requests and listing outcomes", _V12_CASE_API),
    Migration(
        13, "staff groups moved to supergroups, claimants who blocked the bot", _V13_CHAT_STATES
    ),
    Migration(
        14,
        "outbox rows queued before messages were typed, rewritten as typed messages",
        "",
        data=rewrite_legacy_outbox,
    ),
)
