"""The database backends: the contract (:mod:`.base`), SQLite (:mod:`.sqlite`), PostgreSQL
(:mod:`.postgres`) and opening one from a URL (:mod:`.opening`)."""
