"""Telegram updates, runtime-neutral: the events (`events`), read from aiogram's or PTB's
objects (`convert`), and the routers deciding what each means (`router`, `staff`,
`claimant`). A runtime's shell converts and calls `UpdateRouter`; nothing else."""
