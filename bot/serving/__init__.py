"""Serving with several workers on one PostgreSQL database (issue 9), above the runtimes.

- :mod:`bot.serving.receiver`: the webhook only stores an update in the inbox and answers 200.
- :mod:`bot.serving.workers`: every worker takes the inbox user by user: one user's updates in
  order, never two at once, and a dead worker's users taken over by the others.
- :mod:`bot.serving.supervise`: N workers on one machine (`make run-cluster`).
- :mod:`bot.serving.aiogram_app`, :mod:`bot.serving.ptb_app`: each runtime wired to the
  services and served by the one loop, `bot.serve`.

The PostgreSQL session and the leases, which lower layers use too, stay in `bot.cluster`.
"""
