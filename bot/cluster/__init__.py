"""Several workers on one PostgreSQL database (issue 9).

- :mod:`bot.cluster.session`: a worker's own connection — advisory locks by name, notifications.
- :mod:`bot.cluster.leases`: a job run by one worker of the cluster at a time (the outbox sender,
  the long poller), taken over within seconds when that worker dies.
- :mod:`bot.cluster.receiver`: the webhook only stores an update in the inbox and answers 200.
- :mod:`bot.cluster.workers`: every worker takes the inbox user by user: one user's updates in
  order, never two at once, and a dead worker's users taken over by the others.

On SQLite none of this runs: the single process keeps handling updates as they come.
"""

from __future__ import annotations

from storage.backends.base import Database


def clustered(db: Database) -> bool:
    """Whether this database is shared by workers (PostgreSQL), so the inbox is the queue."""
    return db.dialect.name == "postgresql"
