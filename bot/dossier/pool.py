"""Dossiers built away from the bot's event loop, below it in priority.

fpdf2 is pure Python: in a thread, a PDF (~150 ms, half of it the fonts) holds the GIL the event
loop needs, and 100 submissions at once kept every claimant's receipt waiting behind them. So
the PDF is rendered in one worker process, started once (fpdf2 and fontTools imported there
once) and niced below the bot; the ZIP (zlib, which releases the GIL) is packed in a thread.
If the worker cannot be started or dies, the PDF is built in a thread, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, tzinfo

from dialogs.model import Case, Lang
from dialogs.render import DISPLAY_TZ

from .archive import build_dossier_zip
from .pdf import build_dossier_pdf

log = logging.getLogger(__name__)

WORKER_NICENESS = 10  # the bot's own work (every reply) goes first

_pool: ProcessPoolExecutor | None = None


def _start_worker() -> None:
    """In the worker: lower priority, and silent. A job's failure is raised in the bot, which
    logs it; what the worker could print itself is its own end when the bot is killed (an EOF
    on its queue), which is no error of the bot's."""
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the worker's whole life


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=1,
            # spawn, not fork: the bot has threads (aiosqlite's), and a fork copies their locks.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
        )
    return _pool


def shutdown() -> None:
    """Stop the worker (it is started again when needed)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


async def build_pdf(
    case: Case, *, lang: Lang, generated_at: datetime | None, tz: tzinfo = DISPLAY_TZ
) -> bytes:
    job = functools.partial(build_dossier_pdf, case, lang=lang, generated_at=generated_at, tz=tz)
    try:
        return await asyncio.get_running_loop().run_in_executor(_executor(), job)
    except (BrokenProcessPool, OSError) as failure:
        log.warning("the dossier worker failed (%r): building in a thread", failure)
        shutdown()
        return await asyncio.to_thread(job)


async def build_dossier(
    case: Case,
    read_file: Callable[[str], bytes],
    *,
    lang: Lang,
    generated_at: datetime | None,
    tz: tzinfo = DISPLAY_TZ,
) -> tuple[bytes, bytes]:
    """The PDF (in the worker process) and the ZIP (in a thread) of a case."""
    pdf = await build_pdf(case, lang=lang, generated_at=generated_at, tz=tz)
    archive = await asyncio.to_thread(
        build_dossier_zip, case, pdf, read_file, generated_at=generated_at
    )
    return pdf, archive
