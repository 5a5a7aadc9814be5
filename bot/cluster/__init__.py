"""Several workers on one PostgreSQL database (issue 9): the low part, which the outbox sender
and the readiness check use too.

- :mod:`bot.cluster.session`: a worker's own connection — advisory locks by name, notifications.
- :mod:`bot.cluster.leases`: a job run by one worker of the cluster at a time (the outbox sender,
  the long poller), taken over within seconds when that worker dies.

Serving with several workers (the inbox workers, the webhook receiver, the supervisor) is in
`bot.serving`, above the runtimes. On SQLite none of this runs: the single process keeps
handling updates as they come.
"""

from __future__ import annotations

from storage.backends.base import Database


def clustered(db: Database) -> bool:
    """Whether this database is shared by workers (PostgreSQL), so the inbox is the queue."""
    return db.dialect.name == "postgresql"
