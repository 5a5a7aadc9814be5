"""SIGTERM and SIGINT stop the bot gracefully; a second one stops it at once."""

from __future__ import annotations

import asyncio
import logging
import signal

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def stop_on_signals() -> asyncio.Event:
    """An event set by the first SIGTERM or SIGINT; the second cancels the calling task."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    stop = asyncio.Event()

    def on_signal(received: signal.Signals) -> None:
        if stop.is_set():
            log.warning("%s again: stopping now", received.name)
            if task is not None:
                task.cancel()
            return
        log.info("%s: stopping (no new updates; finishing the ones in hand)", received.name)
        stop.set()

    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, on_signal, sig)
    return stop
