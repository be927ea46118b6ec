"""The generated server on a real free port of 127.0.0.1, for any test that needs one.

In a coroutine (the test's own event loop, e.g. under `asyncio.run`):

    async with running_server() as base_url:            # "http://127.0.0.1:PORT"
        ...
    async with running_app(pool, settings=...) as server:  # .url, .app, .pool, .hub, await .stop()
        ...

From synchronous code (a subprocess CLI test, a client run under its own asyncio.run), the server runs on an
event loop in a background thread:

    with server_in_thread() as base_url:
        ...

or as the pytest fixture `server_url` (import it into the test module). The base URL has no path: routes such
as /api/v1/health are appended to it, as `MemoryClient(base_url)` does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from v6r_memory.pool import MemoryPool
from v6r_memory.server import HUB_KEY, POOL_KEY, Hub, ServerSettings, create_app

HOST = "127.0.0.1"
API = "/api/v1"
# The keys of a MemoryUsageSnapshot on the wire, exactly as the seed's memory_update example has them.
SNAPSHOT_KEYS = frozenset(
    {"timestamp", "session_id", "platform", "total", "used", "available", "fragmentation_ratio"}
)


@dataclass
class RunningServer:
    """A started server: its base URL and the objects behind it, for tests that look inside."""

    url: str
    app: web.Application
    runner: web.AppRunner
    _stopped: bool = field(default=False, repr=False)

    @property
    def pool(self) -> MemoryPool:
        return self.app[POOL_KEY]

    @property
    def hub(self) -> Hub:
        return self.app[HUB_KEY]

    @property
    def api(self) -> str:
        """The base URL with the API's base path: `http://127.0.0.1:PORT/api/v1`."""
        return self.url + API

    async def stop(self) -> None:
        """Shut down as the real server does: WebSockets get 1001, in-flight requests finish."""
        if not self._stopped:
            self._stopped = True
            await self.runner.cleanup()


@asynccontextmanager
async def running_app(
    pool: MemoryPool | None = None, *, settings: ServerSettings | None = None
) -> AsyncIterator[RunningServer]:
    """The server on the current event loop; host and port of `settings` are replaced by 127.0.0.1:0."""
    settings = dataclasses.replace(settings or ServerSettings(), host=HOST, port=0)
    app = create_app(pool, settings=settings)
    runner = web.AppRunner(app, shutdown_timeout=settings.close_timeout * 2)
    await runner.setup()
    server = RunningServer("", app, runner)
    try:
        site = web.TCPSite(runner, HOST, 0)
        await site.start()
        port = runner.addresses[0][1]
        server.url = f"http://{HOST}:{port}"
        yield server
    finally:
        await server.stop()


@asynccontextmanager
async def running_server(
    pool: MemoryPool | None = None, *, settings: ServerSettings | None = None
) -> AsyncIterator[str]:
    """The base URL of the server running on the current event loop."""
    async with running_app(pool, settings=settings) as server:
        yield server.url


@contextmanager
def server_in_thread(
    pool: MemoryPool | None = None, *, settings: ServerSettings | None = None, timeout: float = 10.0
) -> Iterator[str]:
    """The server on an event loop of its own in a daemon thread; yields the base URL, stops on exit."""
    loop = asyncio.new_event_loop()
    started: list[str] = []
    failed: list[BaseException] = []
    ready = threading.Event()
    stop = asyncio.Event()

    async def main() -> None:
        try:
            async with running_server(pool, settings=settings) as url:
                started.append(url)
                ready.set()
                await stop.wait()
        except BaseException as exc:  # reported to the caller below
            failed.append(exc)
            ready.set()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    try:
        if not ready.wait(timeout) or failed:
            raise RuntimeError(f"the server did not start: {failed or 'timeout'}")
        yield started[0]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout)
        if not thread.is_alive():
            loop.close()


@pytest.fixture
def server_url() -> Iterator[str]:
    """pytest fixture: the base URL of a fresh server (new pool) running in a background thread."""
    with server_in_thread() as url:
        yield url


async def wait_until(
    condition: Callable[[], bool], *, timeout: float = 5.0, what: str = "condition"
) -> None:
    """Poll `condition` until it holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.005)
