"""The generated async client against the real generated server, and against small fakes for what a real
server never does (an HTML 502 from a proxy, unknown message types, a server that never answers).

Every wait has a timeout and waits for a condition; nothing asserts on how long a sleep was.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import aiohttp
import pytest
from aiohttp import web
from v6r_memory import (
    AllocateRequest,
    ConfigureRequest,
    ErrorMessage,
    MemoryClient,
    MemoryErrorCode,
    MemoryPurpose,
    MemoryUpdate,
    SizeRequest,
    VmSize,
)
from v6r_memory.client import CLOSE_TIMEOUT, SubscriptionError, backoff_delay
from v6r_memory.server import ServerSettings, create_app

from tests.python.server_fixtures import RunningServer, running_server, server_in_thread

T = TypeVar("T")
MB = 1 << 20
UPDATE_INTERVAL = 0.2  # seconds between the test server's periodic updates
WAIT = 10.0  # the longest any single condition may take to come true


SETTINGS = ServerSettings(update_interval=UPDATE_INTERVAL)


def run(coroutine: Coroutine[Any, Any, T], timeout: float = 2 * WAIT) -> T:
    """Run a test's coroutine as the loop's only task, failing it after `timeout` seconds."""

    async def bounded() -> T:
        async with asyncio.timeout(timeout):
            return await coroutine

    return asyncio.run(bounded())


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll until `check()` is true, failing after WAIT seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def allocate(
    session: str, size: int, purpose: MemoryPurpose = MemoryPurpose.VM_HEAP
) -> AllocateRequest:
    return AllocateRequest(session_id=session, size=SizeRequest(bytes=size), purpose=purpose)


async def configured(client: MemoryClient, session: str, vm: VmSize = VmSize.MEDIUM) -> None:
    result = await client.configure_session(
        session, ConfigureRequest(user_id="user-456", vm_size=vm)
    )
    assert result.is_ok, result.error


# --- REST: every method's happy path and one error ------------------------------------------------------


def test_configure_session() -> None:
    async def go() -> None:
        async with running_server(settings=SETTINGS) as url, MemoryClient(url) as client:
            result = await client.configure_session(
                "session-123", ConfigureRequest(user_id="user-456", vm_size=VmSize.MEDIUM)
            )
            value = result.unwrap()
            assert (value.platform, value.total.human_readable) == ("v6r-medium", "1.0GB")
            assert value.config.session_id == "session-123" and value.config.user_id == "user-456"
            assert value.limits.hard_limit.bytes == 1 << 30

            # Another VM size while allocations are live is refused.
            assert (await client.create_allocation(allocate("session-123", MB))).is_ok
            again = await client.configure_session(
                "session-123", ConfigureRequest(user_id="user-456", vm_size=VmSize.SMALL)
            )
            assert again.error is not None and again.error.code is MemoryErrorCode.INVALID_REQUEST

    run(go())


def test_create_allocation() -> None:
    async def go() -> None:
        async with running_server(settings=SETTINGS) as url, MemoryClient(url) as client:
            await configured(client, "create")
            created = (await client.create_allocation(allocate("create", 3 * MB // 2))).unwrap()
            assert created.session_id == "create" and created.size.human_readable == "1.5MB"
            assert created.purpose is MemoryPurpose.VM_HEAP and created.freed_at is None

            missing = await client.create_allocation(allocate("never-configured", MB))
            assert missing.error is not None
            assert missing.error.code is MemoryErrorCode.SESSION_NOT_FOUND

    run(go())


def test_free_allocation() -> None:
    async def go() -> None:
        async with running_server(settings=SETTINGS) as url, MemoryClient(url) as client:
            await configured(client, "free")
            created = (await client.create_allocation(allocate("free", MB))).unwrap()
            freed = (await client.free_allocation(created.id)).unwrap()
            assert freed.id == created.id and freed.freed_at is not None

            twice = await client.free_allocation(created.id)
            assert twice.error is not None and twice.error.code is MemoryErrorCode.ALREADY_FREED

    run(go())


def test_path_parameters_are_quoted() -> None:
    # `/`, `?`, `#`, `..` and a space inside an id stay inside the one path segment: the server looks the
    # id up (and does not know it) instead of answering for some other route.
    async def go() -> None:
        async with running_server(settings=SETTINGS) as url, MemoryClient(url) as client:
            for odd in ("a/b", "x?y=1", "h#frag", "with space", "..", "%2F"):
                result = await client.free_allocation(odd)
                assert result.error is not None, odd
                assert result.error.code is MemoryErrorCode.INVALID_ALLOCATION, (odd, result.error)

    run(go())


def test_get_snapshot() -> None:
    async def go() -> None:
        async with running_server(settings=SETTINGS) as url, MemoryClient(url) as client:
            await configured(client, "snapshot", VmSize.SMALL)
            await client.create_allocation(allocate("snapshot", 256 * MB))
            snapshot = (await client.get_snapshot("snapshot")).unwrap()
            assert snapshot.platform == "v6r-small"
            assert (snapshot.used.bytes, snapshot.available.bytes) == (256 * MB, 256 * MB)

            missing = await client.get_snapshot("no-such-session")
            assert missing.error is not None
            assert missing.error.code is MemoryErrorCode.SESSION_NOT_FOUND

    run(go())


def test_get_stats() -> None:
    async def go() -> None:
        async with running_server(settings=SETTINGS) as url, MemoryClient(url) as client:
            await configured(client, "stats")
            first = (await client.create_allocation(allocate("stats", 2 * MB))).unwrap()
            await client.create_allocation(allocate("stats", MB, MemoryPurpose.ASSET_CACHE))
            await client.free_allocation(first.id)
            stats = (await client.get_stats("stats")).unwrap()
            assert (stats.total_allocations, stats.active_allocations) == (2, 1)
            assert stats.peak_memory.bytes == 3 * MB and stats.current_memory.bytes == MB
            assert [u.purpose for u in stats.usage_by_purpose] == [MemoryPurpose.ASSET_CACHE]

            missing = await client.get_stats("no-such-session")
            assert missing.error is not None
            assert missing.error.code is MemoryErrorCode.SESSION_NOT_FOUND

    run(go())


def test_list_allocations() -> None:
    async def go() -> None:
        async with running_server(settings=SETTINGS) as url, MemoryClient(url) as client:
            await configured(client, "list")
            ids = [
                (await client.create_allocation(allocate("list", MB))).unwrap().id for _ in "abc"
            ]
            await client.free_allocation(ids[1])
            listed = (await client.list_allocations("list")).unwrap()
            assert listed.session_id == "list"
            assert [a.id for a in listed.allocations] == ids
            assert [a.freed_at is None for a in listed.allocations] == [True, False, True]

            missing = await client.list_allocations("no-such-session")
            assert missing.error is not None
            assert missing.error.code is MemoryErrorCode.SESSION_NOT_FOUND

    run(go())


def test_get_health_and_status() -> None:
    async def go() -> None:
        async with running_server(settings=SETTINGS) as url, MemoryClient(url) as client:
            assert (await client.get_health()).unwrap().status == "ok"
            status = (await client.get_status()).unwrap()
            assert status.version == "1.0.0" and status.sessions >= 0

    run(go())


# --- what arrives that is not an envelope ---------------------------------------------------------------


@contextlib.asynccontextmanager
async def fake_server(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def answering(status: int, body: str, content_type: str = "application/json") -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, text=body, content_type=content_type)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app


PROXY_PAGE = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def test_a_proxy_html_502_becomes_an_internal_error_result() -> None:
    async def go() -> None:
        async with (
            fake_server(answering(502, PROXY_PAGE, "text/html")) as base,
            MemoryClient(base) as client,
        ):
            calls: list[Awaitable[Any]] = [
                client.get_health(),
                client.get_status(),
                client.get_snapshot("s"),
                client.get_stats("s"),
                client.list_allocations("s"),
                client.free_allocation("alloc-1"),
                client.create_allocation(allocate("s", MB)),
                client.configure_session("s", ConfigureRequest(user_id="u", vm_size=VmSize.SMALL)),
            ]
            for call in calls:
                result = await call
                assert result.error is not None
                assert result.error.code is MemoryErrorCode.INTERNAL_ERROR
                details = result.error.details or ""
                assert "HTTP 502" in details and "text/html" in details and "<html>" in details

    run(go())


@pytest.mark.parametrize(
    ("status", "body", "why"),
    [
        (200, b'{"status": "ok"}', "a bare value"),
        (200, b'{"value": null}', "neither value nor error"),
        (500, b'{"value": {"status": "ok", "timestamp": 1}, "error": {}}', "both"),
        (200, b'{"value": {"status": "ok", "timestamp": "1"}}', "a string for an integer"),
        (404, b"404: Not Found", "plain text"),
        (201, b'{"value": {"status": "ok", "timestamp": 1}}', "a value with the wrong status"),
        (200, b"x" * 5000, "a long body"),
        (200, b"\xff\xfe{", "not UTF-8"),
        (204, b"", "no body"),
    ],
)
def test_anything_but_an_envelope_is_an_internal_error_result(
    status: int, body: bytes, why: str
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, body=body, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)

    async def go() -> None:
        async with fake_server(app) as base, MemoryClient(base) as client:
            result = await client.get_health()
            assert result.error is not None, why
            assert result.error.code is MemoryErrorCode.INTERNAL_ERROR, why
            assert f"HTTP {status}" in (result.error.details or ""), why
            assert len(result.error.details or "") < 1000, "a long body is quoted, not copied"

    run(go())


def test_an_error_envelope_is_returned_as_is() -> None:
    error = {"code": "not-found", "message": "No route.", "timestamp": 7}

    async def go() -> None:
        async with (
            fake_server(answering(404, json.dumps({"error": error}))) as base,
            MemoryClient(base) as client,
        ):
            result = await client.get_status()
            assert result.error is not None and result.error.to_data() == error

    run(go())


# --- transport failures raise ---------------------------------------------------------------------------


def test_connection_refused_raises_client_error() -> None:
    async def go() -> None:
        async with MemoryClient(f"http://127.0.0.1:{free_port()}") as client:
            with pytest.raises(aiohttp.ClientConnectionError):
                await client.get_health()

    run(go())


def test_a_server_that_never_answers_raises_timeout() -> None:
    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(WAIT)
        return web.Response()

    app = web.Application()
    app.router.add_get("/{tail:.*}", hang)

    async def go() -> None:
        async with fake_server(app) as base, MemoryClient(base, timeout=0.2) as client:
            with pytest.raises(asyncio.TimeoutError):
                await client.get_health()

    run(go())


def test_a_session_passed_in_is_used_and_left_open() -> None:
    async def go() -> None:
        async with running_server(settings=SETTINGS) as url, aiohttp.ClientSession() as http:
            async with MemoryClient(url, session=http) as client:
                assert (await client.get_health()).is_ok
            assert not http.closed

    run(go())


# --- subscribe ------------------------------------------------------------------------------------------


def test_subscribe_yields_updates_and_reflects_changes() -> None:
    async def go() -> None:
        async with running_server(settings=SETTINGS) as url, MemoryClient(url) as client:
            await configured(client, "watched")
            updates = client.subscribe("watched")
            first = await anext(updates)
            assert isinstance(first, MemoryUpdate) and first.session_id == "watched"
            await client.create_allocation(allocate("watched", 64 * MB))
            # The allocation shows within a few updates (the server sends on change and on its interval).
            async for update in updates:
                if update.snapshot.used.bytes == 64 * MB:
                    break
            await updates.aclose()

    run(go())


def test_closing_the_iterator_closes_the_socket_and_leaves_no_task() -> None:
    async def websocket_clients(client: MemoryClient) -> int:
        return (await client.get_status()).unwrap().websocket_clients

    async def none_left(client: MemoryClient) -> bool:
        return await websocket_clients(client) == 0

    async def go(url: str) -> None:
        async with MemoryClient(url) as client:
            await configured(client, "closing")
            async for _ in client.subscribe("closing"):
                assert await websocket_clients(client) == 1
                break  # leaving the loop drops the generator, which asyncio then closes...
            updates = client.subscribe("closing")
            await anext(updates)
            await updates.aclose()  # ...or at once with aclose
            await eventually(lambda: none_left(client), "the server to see both sockets close")
            # The server runs on another thread's loop, so every task left here would be the client's.
            assert asyncio.all_tasks() == {asyncio.current_task()}

    with server_in_thread(settings=SETTINGS) as url:
        run(go(url))


@contextlib.asynccontextmanager
async def server_on_port(port: int) -> AsyncIterator[str]:
    """The real server on a given port (running_server always picks a free one), so a test can stop it
    and start another where clients will look for it."""
    runner = web.AppRunner(create_app(settings=SETTINGS), shutdown_timeout=SETTINGS.close_timeout)
    await runner.setup()
    server = RunningServer(f"http://127.0.0.1:{port}", runner.app, runner)
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
        yield server.url
    finally:
        await server.stop()


def test_subscribe_survives_a_server_restart_on_the_same_port() -> None:
    port = free_port()

    async def next_update(updates: AsyncIterator[MemoryUpdate]) -> MemoryUpdate:
        return await asyncio.wait_for(anext(updates), WAIT)

    async def go() -> None:
        async with server_on_port(port) as base:
            client = MemoryClient(base, max_reconnect_delay=0.5)
            await configured(client, "restart")
            await client.create_allocation(allocate("restart", 10 * MB))
            updates = client.subscribe("restart")
            assert (await next_update(updates)).snapshot.used.bytes == 10 * MB
        # The server is gone (it closed the socket with 1001); the iterator retries in the background
        # of its next read, and the new server does not know the session until it is configured again.
        async with server_on_port(port):
            await configured(client, "restart")
            update = await next_update(updates)
            assert update.session_id == "restart" and update.snapshot.used.bytes == 0
            await updates.aclose()
            await client.close()

    run(go())


# --- subscribe against a fake WebSocket server ----------------------------------------------------------

UPDATE = {
    "type": "memory_update",
    "session_id": "fake",
    "snapshot": {
        "timestamp": 1640995200000,
        "session_id": "fake",
        "platform": "v6r-medium",
        "total": {"bytes": 1073741824, "human_readable": "1.0GB"},
        "used": {"bytes": 536870912, "human_readable": "512.0MB"},
        "available": {"bytes": 536870912, "human_readable": "512.0MB"},
        "fragmentation_ratio": 0.05,
    },
    "timestamp": 1640995200000,
}


Script = Callable[[web.WebSocketResponse, dict[str, Any]], Awaitable[None]]


def ws_app(script: Script, connections: list[int] | None = None) -> web.Application:
    """A WebSocket server that waits for the subscription and then plays `script` on each connection,
    appending to `connections` as each one arrives."""
    app = web.Application()

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        if connections is not None:
            connections.append(len(connections) + 1)
        subscription = json.loads((await ws.receive()).data)
        await script(ws, subscription)
        await ws.close()
        return ws

    app.router.add_get("/api/v1/ws/memory", handler)
    return app


def test_unknown_messages_are_skipped_and_subscribe_messages_sees_the_rest() -> None:
    received: list[dict[str, Any]] = []

    async def script(ws: web.WebSocketResponse, subscription: dict[str, Any]) -> None:
        received.append(subscription)
        await ws.send_str('{"type": "memory_subscribed", "session_id": "fake", "timestamp": 1}')
        await ws.send_str('{"type": "from_the_future", "anything": [1, 2]}')
        await ws.send_str("not json at all")
        await ws.send_str('{"type": "pong", "timestamp": 2}')
        await ws.send_bytes(b"\x00binary")
        alert = {**UPDATE, "type": "memory_pressure_alert", "previous_level": "low"}
        await ws.send_str(json.dumps({**alert, "level": "apocalyptic", "usage_percentage": 1.0}))
        await ws.send_str(json.dumps(UPDATE))
        await asyncio.sleep(WAIT)  # and never reads again, not even the client's close frame

    async def go() -> None:
        async with fake_server(ws_app(script)) as base, MemoryClient(base) as client:
            updates = client.subscribe("fake")
            update = await anext(updates)
            async with asyncio.timeout(
                3 * CLOSE_TIMEOUT
            ):  # a server that does not answer the close
                await updates.aclose()
            assert update == MemoryUpdate.from_data(UPDATE)
            assert received[0]["type"] == "memory_subscribe"
            assert received[0]["session_id"] == "fake" and isinstance(received[0]["timestamp"], int)

            messages = client.subscribe_messages("fake")
            kinds = [type(await anext(messages)).__name__ for _ in range(3)]
            async with asyncio.timeout(3 * CLOSE_TIMEOUT):
                await messages.aclose()
            assert kinds == ["MemorySubscribed", "Pong", "MemoryUpdate"]

    run(go())


def test_subscribe_gives_up_a_silent_connection() -> None:
    """A peer that acknowledges the subscription and then reads nothing, so it answers no heartbeat ping: a
    connection that died without a close. The client notices through its heartbeat and connects again.
    """

    async def silent(ws: web.WebSocketResponse, subscription: dict[str, Any]) -> None:
        await ws.send_str('{"type": "memory_subscribed", "session_id": "fake", "timestamp": 1}')
        await asyncio.sleep(WAIT)

    async def go() -> None:
        connections: list[int] = []
        async with fake_server(ws_app(silent, connections)) as base:
            client = MemoryClient(base, timeout=0.2, reconnect_delay=0.01, max_reconnect_delay=0.02)
            waiting = asyncio.create_task(anext(client.subscribe("fake")))  # no update ever comes
            try:
                async with asyncio.timeout(WAIT):
                    while len(connections) < 2:
                        await asyncio.sleep(0.01)
            finally:
                waiting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiting
                await client.close()

    run(go())


def test_subscribe_ends_without_reconnect_and_reconnects_with_it() -> None:
    async def once(ws: web.WebSocketResponse, subscription: dict[str, Any]) -> None:
        await ws.send_str(json.dumps(UPDATE))

    async def go() -> None:
        connections: list[int] = []
        async with fake_server(ws_app(once, connections)) as base:
            client = MemoryClient(base, reconnect_delay=0.01, max_reconnect_delay=0.02)
            assert len([u async for u in client.subscribe("fake", reconnect=False)]) == 1
            assert len(connections) == 1

            updates = client.subscribe("fake")
            for _ in range(3):  # every update comes over a new connection
                assert isinstance(await anext(updates), MemoryUpdate)
            await updates.aclose()
            assert len(connections) == 4
            await client.close()

    run(go())


def test_an_unknown_session_is_retried_and_other_errors_raise() -> None:
    attempts: list[int] = []

    def error(code: str) -> str:
        body = {"code": code, "message": "m", "timestamp": 1}
        return json.dumps({"type": "error", "error": body, "timestamp": 1})

    async def not_yet(ws: web.WebSocketResponse, subscription: dict[str, Any]) -> None:
        attempts.append(1)
        # The session appears on the third attempt, as after a server restart.
        await ws.send_str(error("session-not-found") if len(attempts) < 3 else json.dumps(UPDATE))
        await ws.receive()

    async def refuse(ws: web.WebSocketResponse, subscription: dict[str, Any]) -> None:
        await ws.send_str(error("invalid-request"))
        await ws.receive()

    async def go() -> None:
        async with fake_server(ws_app(not_yet)) as base:
            client = MemoryClient(base, reconnect_delay=0.01, max_reconnect_delay=0.02)
            updates = client.subscribe("fake")
            assert isinstance(await anext(updates), MemoryUpdate)
            await updates.aclose()
            assert len(attempts) == 3
            attempts.clear()
            with pytest.raises(SubscriptionError) as raised:
                async for _ in client.subscribe("fake", reconnect=False):
                    pass
            assert raised.value.error.code is MemoryErrorCode.SESSION_NOT_FOUND
            await client.close()

        async with fake_server(ws_app(refuse)) as base, MemoryClient(base) as client:
            with pytest.raises(SubscriptionError) as raised:
                async for _ in client.subscribe("fake"):
                    pass
            assert raised.value.error.code is MemoryErrorCode.INVALID_REQUEST

            # subscribe_messages hands the error over instead.
            messages = client.subscribe_messages("fake")
            message = await anext(messages)
            await messages.aclose()
            assert isinstance(message, ErrorMessage)

    run(go())


def test_subscribe_raises_without_reconnect_when_it_cannot_connect() -> None:
    async def go() -> None:
        async with MemoryClient(f"http://127.0.0.1:{free_port()}") as client:
            with pytest.raises(aiohttp.ClientConnectionError):
                async for _ in client.subscribe("s", reconnect=False):
                    pass

    run(go())


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    for attempt, ceiling in [
        (0, 0.1),
        (1, 0.2),
        (2, 0.4),
        (5, 3.2),
        (6, 5.0),
        (100, 5.0),
        (10**6, 5.0),
    ]:
        delays = {backoff_delay(attempt, 0.1, 5.0) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays), (attempt, delays)
        assert len(delays) > 1, "jittered"
