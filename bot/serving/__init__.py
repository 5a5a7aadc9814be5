"""Each runtime wired to the services and served by the one loop, `bot.serve`
(`aiogram_app`, `ptb_app`), and N workers on one machine (`supervise`, `make run-cluster`).

With several workers on one PostgreSQL database, updates go through an inbox: the webhook only
stores them (`bot.updates.inbox_receiver`) and every worker takes the inbox user by user
(`bot.updates.inbox_workers`). The PostgreSQL session and the leases, which lower layers use
too, are `bot.cluster`.
"""
