"""A TCP proxy on 127.0.0.1 that a test cuts: `blackhole()` stops forwarding while every socket
stays open (a partition, a hung host: nobody is told), `close()` closes them all (what a crashed
host's kernel does). `seen` records when each chunk from the client went through (and its
bytes), to tell what a worker sent before the cut."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

FORWARD, BLACKHOLE, CLOSED = "forward", "blackhole", "closed"


@dataclass
class TcpProxy:
    target_host: str
    target_port: int
    mode: str = FORWARD
    seen: list[tuple[float, bytes]] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def blackhole(self) -> None:
        self.mode = BLACKHOLE

    def close(self) -> None:
        """Every connection closed, new ones too."""
        self.mode = CLOSED
        for writer in list(self._writers):
            writer.close()

    async def stop(self) -> None:
        self.close()
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await task

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == CLOSED:
            writer.close()
            return
        self._writers.add(writer)
        if self.mode == BLACKHOLE:  # accepted, never answered
            await self._drain_into_nothing(reader)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            writer.close()
            return
        self._writers.add(up_writer)
        for source, sink, record in ((reader, up_writer, True), (up_reader, writer, False)):
            task = asyncio.create_task(self._pump(source, sink, record))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _drain_into_nothing(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(OSError):
            while await reader.read(65536):
                pass

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, record: bool
    ) -> None:
        try:
            while True:
                chunk = await source.read(65536)
                if self.mode == BLACKHOLE:
                    if not chunk:  # the far end left: nobody is told, the socket stays
                        return
                    continue
                if not chunk or self.mode == CLOSED:
                    break
                if record:
                    self.seen.append((time.time(), chunk))
                sink.write(chunk)
                await sink.drain()
        except OSError:
            pass
        if self.mode != BLACKHOLE:
            sink.close()
