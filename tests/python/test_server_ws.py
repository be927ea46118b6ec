"""The generated server's WebSocket on a real port: the seed's subscription example, updates on change and on
the interval, pressure alerts, bad messages, size and origin limits, a stalled reader, and shutdown.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import json
import os
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from v6r_memory.models import AllocateRequest, ConfigureRequest, MemoryPurpose, SizeRequest, VmSize
from v6r_memory.pool import MemoryPool
from v6r_memory.server import (
    DEMO_SESSION_ID,
    SLOW_CLIENT_CLOSE,
    SLOW_CLIENT_REASON,
    Connection,
    ServerSettings,
    serve,
)

from tests.python.server_fixtures import SNAPSHOT_KEYS, RunningServer, running_app, wait_until

MB = 1024 * 1024
QUIET = ServerSettings(update_interval=3600)  # no periodic updates unless a test asks for them
SEED_SUBSCRIBE = '{"type":"memory_subscribe","session_id":"session-123","timestamp":1640995200000}'


def run(test: Callable[[], Awaitable[None]], timeout: float = 20) -> None:
    asyncio.run(asyncio.wait_for(test(), timeout))


async def receive(ws: aiohttp.ClientWebSocketResponse, timeout: float = 5) -> dict[str, Any]:
    frame = await ws.receive(timeout)
    assert frame.type is aiohttp.WSMsgType.TEXT, frame
    message: dict[str, Any] = json.loads(frame.data)
    return message


async def send(ws: aiohttp.ClientWebSocketResponse, message: dict[str, Any]) -> None:
    await ws.send_str(json.dumps(message))


async def subscribe(ws: aiohttp.ClientWebSocketResponse, session_id: str) -> dict[str, Any]:
    """Subscribe; returns the memory update that follows the acknowledgement."""
    await send(ws, {"type": "memory_subscribe", "session_id": session_id, "timestamp": 1})
    ack = await receive(ws)
    assert ack["type"] == "memory_subscribed" and ack["session_id"] == session_id, ack
    update = await receive(ws)
    assert update["type"] == "memory_update", update
    return update


async def pong(ws: aiohttp.ClientWebSocketResponse) -> None:
    """A ping answered by the next message: also proves nothing else was queued before it."""
    await send(ws, {"type": "ping", "timestamp": 7})
    answer = await receive(ws)
    assert set(answer) == {"type", "timestamp"} and answer["type"] == "pong", answer


def configure(pool: MemoryPool, session_id: str, vm_size: VmSize = VmSize.MEDIUM) -> None:
    pool.configure(session_id, ConfigureRequest(user_id="user-456", vm_size=vm_size)).unwrap()


def allocate(size: int, session_id: str = "s1") -> AllocateRequest:
    return AllocateRequest(
        session_id=session_id, size=SizeRequest(bytes=size), purpose=MemoryPurpose.VM_HEAP
    )


@asynccontextmanager
async def connected(
    settings: ServerSettings = QUIET, pool: MemoryPool | None = None
) -> AsyncIterator[tuple[RunningServer, aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]]:
    async with running_app(pool, settings=settings) as server, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"{server.api}/ws/memory")
        try:
            yield server, http, ws
        finally:
            await ws.close()


# --- the seed's example and the message shapes -----------------------------------------------------------


def test_the_seed_subscription_gets_the_seed_update_shape() -> None:
    async def test() -> None:
        async with connected() as (server, http, ws):
            configure_body = {"user_id": "user-456", "vm_size": "medium"}
            url = f"{server.api}/sessions/session-123/configure"
            async with http.post(url, json=configure_body) as response:
                assert response.status == 200
            await ws.send_str(SEED_SUBSCRIBE)
            ack = await receive(ws)
            assert ack == {"type": "memory_subscribed", "session_id": "session-123"} | {
                "timestamp": ack["timestamp"]
            }
            update = await receive(ws)
            assert set(update) == {"type", "session_id", "snapshot", "timestamp"}
            assert update["type"] == "memory_update" and update["session_id"] == "session-123"
            snapshot = update["snapshot"]
            assert set(snapshot) == SNAPSHOT_KEYS
            assert snapshot["session_id"] == "session-123"
            assert snapshot["platform"] == "v6r-medium"
            assert snapshot["total"] == {"bytes": 1073741824, "human_readable": "1.0GB"}
            assert snapshot["used"] == {"bytes": 0, "human_readable": "0B"}
            assert snapshot["available"] == snapshot["total"]
            assert snapshot["fragmentation_ratio"] == 0

    run(test)


def test_acknowledgements_and_pong_have_their_schema_shapes() -> None:
    async def test() -> None:
        async with connected() as (server, _, ws):
            configure(server.pool, "s1")
            await subscribe(ws, "s1")
            await send(ws, {"type": "memory_unsubscribe", "session_id": "s1", "timestamp": 2})
            ack = await receive(ws)
            assert set(ack) == {"type", "session_id", "timestamp"}
            assert (ack["type"], ack["session_id"]) == ("memory_unsubscribed", "s1")
            await pong(ws)

    run(test)


# --- updates -------------------------------------------------------------------------------------------


def test_every_change_sends_an_update_and_unsubscribing_stops_them() -> None:
    async def test() -> None:
        async with connected() as (server, http, ws):
            configure(server.pool, "s1")
            await subscribe(ws, "s1")
            body = {"session_id": "s1", "size": {"bytes": 256 * MB}, "purpose": "asset-cache"}
            async with http.post(f"{server.api}/memory/allocations", json=body) as response:
                assert response.status == 201
                allocation_id = (await response.json())["value"]["id"]
            update = await receive(ws)
            assert update["type"] == "memory_update"
            assert update["snapshot"]["used"] == {"bytes": 256 * MB, "human_readable": "256.0MB"}

            # A change made on another thread arrives too (the listener hops onto the loop).
            await asyncio.to_thread(server.pool.allocate, allocate(MB))
            update = await receive(ws)
            assert update["snapshot"]["used"]["bytes"] == 257 * MB

            url = f"{server.api}/memory/allocations/{allocation_id}/free"
            async with http.post(url) as response:
                assert response.status == 200
            assert (await receive(ws))["snapshot"]["used"]["bytes"] == MB

            await send(ws, {"type": "memory_unsubscribe", "session_id": "s1", "timestamp": 2})
            assert (await receive(ws))["type"] == "memory_unsubscribed"
            server.pool.allocate(allocate(MB)).unwrap()
            await pong(ws)  # the next message is the pong: no update came for the change

    run(test)


def test_subscribers_get_an_update_every_interval() -> None:
    async def test() -> None:
        async with connected(ServerSettings(update_interval=0.05)) as (server, _, ws):
            configure(server.pool, "s1")
            await send(ws, {"type": "memory_subscribe", "session_id": "s1", "timestamp": 1})
            assert (await receive(ws))["type"] == "memory_subscribed"
            stamps = []
            for _ in range(4):  # the first update, then three from the interval alone
                update = await receive(ws, timeout=2)
                assert update["type"] == "memory_update" and update["session_id"] == "s1"
                stamps.append(update["snapshot"]["timestamp"])
            assert stamps == sorted(stamps)

    run(test)


def test_crossing_70_85_and_95_percent_sends_pressure_alerts() -> None:
    async def test() -> None:
        async with connected() as (server, _, ws):
            pool = server.pool
            configure(pool, "s1", VmSize.SMALL)  # 512MB
            await subscribe(ws, "s1")
            steps = [
                (358 * MB, None),  # 69.9%: still low
                (2 * MB, ("low", "medium")),  # 70.3%
                (76 * MB, ("medium", "high")),  # 85.2%
                (50 * MB, None),  # 94.9%: still high
                (1 * MB, ("high", "critical")),  # 95.1%
            ]
            ids = []
            for size, change in steps:
                ids.append(pool.allocate(allocate(size)).unwrap().id)
                update = await receive(ws)
                assert update["type"] == "memory_update"
                if change is None:
                    await pong(ws)
                    continue
                alert = await receive(ws)
                assert set(alert) == {
                    "type",
                    "session_id",
                    "previous_level",
                    "level",
                    "usage_percentage",
                    "snapshot",
                    "timestamp",
                }
                assert alert["type"] == "memory_pressure_alert" and alert["session_id"] == "s1"
                assert (alert["previous_level"], alert["level"]) == change
                used = alert["snapshot"]["used"]["bytes"]
                assert used == sum(s for s, _ in steps[: len(ids)])
                assert alert["usage_percentage"] == pytest.approx(used * 100 / (512 * MB))
                assert set(alert["snapshot"]) == SNAPSHOT_KEYS
            pool.free(ids[0]).unwrap()  # 25.2%: back to low in one step
            assert (await receive(ws))["type"] == "memory_update"
            alert = await receive(ws)
            assert (alert["previous_level"], alert["level"]) == ("critical", "low")

    run(test)


# --- bad messages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadMessage:
    name: str
    payload: str | bytes
    code: str = "invalid-request"
    details: str = ""  # a prefix of the error's details


BAD_MESSAGES = [
    BadMessage("not JSON", "hello", details="the message is not JSON"),
    BadMessage("truncated JSON", '{"type": "ping"', details="the message is not JSON"),
    BadMessage("deep JSON", "[" * 5000, details="the message is not JSON"),
    BadMessage("binary frame", b'{"type": "ping", "timestamp": 1}', details="binary frames"),
    BadMessage("an array", "[1, 2]", details="a message is a JSON object"),
    BadMessage("no type", '{"session_id": "s1"}', details="a message is a JSON object"),
    BadMessage("numeric type", '{"type": 5}', details="a message is a JSON object"),
    BadMessage("unknown type", '{"type": "memory_explode"}', details="unknown message type"),
    BadMessage("server type", '{"type": "pong", "timestamp": 1}', details="unknown message type"),
    BadMessage(
        "missing session",
        '{"type": "memory_subscribe", "timestamp": 1}',
        details="session_id: Field required",
    ),
    BadMessage(
        "bad session id",
        '{"type": "memory_subscribe", "session_id": "a b", "timestamp": 1}',
        details="session_id: String should match pattern",
    ),
    BadMessage(
        "negative timestamp",
        '{"type": "memory_subscribe", "session_id": "s1", "timestamp": -1}',
        details="timestamp: Input should be greater than or equal to 0",
    ),
    BadMessage(
        "2^64 timestamp",
        '{"type": "ping", "timestamp": 18446744073709551616}',
        details="timestamp: Input should be less than or equal to 18446744073709551615",
    ),
    BadMessage(
        "string timestamp", '{"type": "ping", "timestamp": "1"}', details="timestamp: Input should"
    ),
    BadMessage(
        "unsubscribe without timestamp",
        '{"type": "memory_unsubscribe", "session_id": "s1"}',
        details="timestamp: Field required",
    ),
    BadMessage(
        "unknown session",
        '{"type": "memory_subscribe", "session_id": "nobody", "timestamp": 1}',
        code="session-not-found",
    ),
]


@pytest.mark.parametrize("bad", BAD_MESSAGES, ids=[bad.name for bad in BAD_MESSAGES])
def test_a_bad_message_gets_an_error_and_the_connection_stays_usable(bad: BadMessage) -> None:
    async def test() -> None:
        async with connected() as (server, _, ws):
            configure(server.pool, "s1")
            if isinstance(bad.payload, bytes):
                await ws.send_bytes(bad.payload)
            else:
                await ws.send_str(bad.payload)
            message = await receive(ws)
            assert set(message) == {"type", "error", "timestamp"}, message
            assert message["type"] == "error"
            error = message["error"]
            assert error["code"] == bad.code, error
            assert (
                {"code", "message", "timestamp"}
                <= set(error)
                <= {
                    "code",
                    "message",
                    "details",
                    "timestamp",
                }
            )
            assert error.get("details", "").startswith(bad.details), error
            await pong(ws)
            await subscribe(ws, "s1")  # and it can still subscribe

    run(test)


def test_one_connection_survives_every_bad_message_in_a_row() -> None:
    async def test() -> None:
        async with connected() as (server, _, ws):
            configure(server.pool, "s1")
            for bad in BAD_MESSAGES:
                if isinstance(bad.payload, bytes):
                    await ws.send_bytes(bad.payload)
                else:
                    await ws.send_str(bad.payload)
            for bad in BAD_MESSAGES:
                message = await receive(ws)
                assert message["error"]["code"] == bad.code, (bad.name, message)
            await pong(ws)

    run(test)


def test_a_message_over_the_limit_closes_with_1009_and_the_server_keeps_serving() -> None:
    async def test() -> None:
        settings = ServerSettings(update_interval=3600, max_message_size=1024)
        async with connected(settings) as (server, http, ws):
            head = '{"type": "ping", "timestamp": 1, "pad": "'
            exactly = head + "x" * (1024 - len(head) - 2) + '"}'
            assert len(exactly) == 1024
            await ws.send_str(exactly)
            assert (await receive(ws))["type"] == "pong"  # the limit itself is allowed
            await ws.send_str(exactly + " ")
            closing = await ws.receive(5)
            assert closing.type is aiohttp.WSMsgType.CLOSE, closing
            assert closing.data == 1009
            assert ws.close_code == 1009
            async with http.ws_connect(f"{server.api}/ws/memory") as again:
                await pong(again)

    run(test)


# --- origins and counters ------------------------------------------------------------------------------


def test_origins_are_checked_before_the_upgrade() -> None:
    async def attempt(server: RunningServer, origin: str | None) -> int:
        headers = {} if origin is None else {"Origin": origin}
        async with aiohttp.ClientSession() as http:
            try:
                async with http.ws_connect(f"{server.api}/ws/memory", headers=headers) as ws:
                    await pong(ws)
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    async def test() -> None:
        async with running_app(settings=QUIET) as server:
            assert await attempt(server, None) == 101
            assert await attempt(server, server.url) == 101  # same origin
            assert await attempt(server, "https://evil.example") == 403
            async with aiohttp.ClientSession() as http:
                url = f"{server.api}/ws/memory"
                async with http.get(url, headers={"Origin": "https://evil.example"}) as response:
                    body = await response.json()
                    assert response.status == 403
                    assert body["error"]["code"] == "forbidden"
                    assert "evil.example" in body["error"]["details"]
        listed = ServerSettings(update_interval=3600, allowed_origins=("https://app.example",))
        async with running_app(settings=listed) as server:
            assert await attempt(server, "https://app.example") == 101
            assert await attempt(server, "https://other.example") == 403
        anyone = ServerSettings(update_interval=3600, allowed_origins=("*",))
        async with running_app(settings=anyone) as server:
            assert await attempt(server, "https://other.example") == 101

    run(test)


def test_status_counts_the_open_websockets() -> None:
    async def clients(http: aiohttp.ClientSession, server: RunningServer) -> int:
        async with http.get(f"{server.api}/status") as response:
            count: int = (await response.json())["value"]["websocket_clients"]
            return count

    async def test() -> None:
        async with connected() as (server, http, ws):
            assert await clients(http, server) == 1
            async with http.ws_connect(f"{server.api}/ws/memory") as second:
                await pong(second)
                assert await clients(http, server) == 2
            await wait_until(lambda: len(server.hub.connections) == 1, what="the close")
            assert await clients(http, server) == 1
            await pong(ws)

    run(test)


# --- a client that stops reading -----------------------------------------------------------------------


class RawWebSocket:
    """A WebSocket client on a bare socket with a tiny receive buffer, so it can truly stop reading."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    @classmethod
    async def connect(cls, server: RunningServer) -> RawWebSocket:
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: no autotuning
        sock.setblocking(False)
        host, port = server.url.removeprefix("http://").split(":")
        await loop.sock_connect(sock, (host, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET /api/v1/ws/memory HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        await loop.sock_sendall(sock, request.encode())
        raw = cls(sock)
        while b"\r\n\r\n" not in raw.buffer:
            raw.buffer += await loop.sock_recv(sock, 1)  # byte by byte: leave the frames unread
        assert raw.buffer.startswith(b"HTTP/1.1 101 "), raw.buffer
        raw.buffer = b""
        return raw

    @property
    def port(self) -> int:
        port: int = self.sock.getsockname()[1]
        return port

    async def send_text(self, text: str) -> None:
        payload = text.encode()
        assert len(payload) < 126
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        frame = bytes([0x81, 0x80 | len(payload)]) + mask + masked
        await asyncio.get_running_loop().sock_sendall(self.sock, frame)

    async def read_until_close(self, timeout: float = 10) -> tuple[int, int, str]:
        """Read every frame the server sent: (text frames, close code, close reason)."""
        loop = asyncio.get_running_loop()
        texts = 0
        while True:
            frame = self._frame()
            if frame is None:
                chunk = await asyncio.wait_for(loop.sock_recv(self.sock, 1 << 16), timeout)
                assert chunk, f"the connection ended without a close frame after {texts} messages"
                self.buffer += chunk
                continue
            opcode, payload = frame
            if opcode == 0x1:
                texts += 1
            elif opcode == 0x8:
                (code,) = struct.unpack("!H", payload[:2])
                return texts, code, payload[2:].decode()

    def _frame(self) -> tuple[int, bytes] | None:
        data = self.buffer
        if len(data) < 2:
            return None
        opcode, length, start = data[0] & 0x0F, data[1] & 0x7F, 2
        if length == 126:
            if len(data) < 4:
                return None
            (length,), start = struct.unpack("!H", data[2:4]), 4
        elif length == 127:
            if len(data) < 10:
                return None
            (length,), start = struct.unpack("!Q", data[2:10]), 10
        if len(data) < start + length:
            return None
        self.buffer = data[start + length :]
        return opcode, data[start : start + length]

    def close(self) -> None:
        self.sock.close()


def rss_bytes() -> int:
    gc.collect()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_a_stalled_reader_is_closed_with_1013_and_never_delays_a_healthy_one() -> None:
    updates = 30_000
    queue_size = 64

    async def test() -> None:
        # close_timeout is long so the stalled client can still take its close frame after the pushes.
        settings = ServerSettings(
            update_interval=3600, send_queue_size=queue_size, close_timeout=30
        )
        async with connected(settings) as (server, _, healthy_ws):
            pool = server.pool
            configure(pool, "s1")
            await subscribe(healthy_ws, "s1")
            stalled = await RawWebSocket.connect(server)
            try:
                subscribe_text = '{"type":"memory_subscribe","session_id":"s1","timestamp":1}'
                await stalled.send_text(subscribe_text)
                await wait_until(lambda: server.hub.subscribers("s1") == 2, what="two subscribers")
                by_port = {c.peer[1]: c for c in server.hub.connections if c.peer}
                slow: Connection = by_port[stalled.port]
                (healthy,) = (c for c in server.hub.connections if c is not slow)

                received = 0

                async def read_healthy() -> None:
                    nonlocal received
                    async for frame in healthy_ws:
                        if json.loads(frame.data)["type"] == "memory_update":
                            received += 1

                reader = asyncio.ensure_future(read_healthy())
                before = rss_bytes()
                largest_queue = 0
                live: str | None = None
                for _ in range(updates):
                    if live is None:
                        live = pool.allocate(allocate(4096)).unwrap().id
                    else:
                        pool.free(live).unwrap()
                        live = None
                    await asyncio.sleep(0)  # one turn of the loop: one update per change
                    largest_queue = max(largest_queue, slow.queue.qsize(), healthy.queue.qsize())
                await wait_until(
                    lambda: received == updates, timeout=15, what="every update at the healthy one"
                )
                after = rss_bytes()

                assert largest_queue <= queue_size
                assert slow.peak_queued == queue_size  # it filled up, and no further
                assert healthy.peak_queued <= queue_size and healthy.close_code is None
                assert slow.close_code == SLOW_CLIENT_CLOSE == 1013
                # Unbounded, the ~20k updates the slow client missed would hold ~8 MB here.
                assert after - before < 4 * MB, f"RSS grew by {(after - before) / MB:.1f} MB"

                texts, code, reason = await stalled.read_until_close()
                assert (code, reason) == (1013, SLOW_CLIENT_REASON)
                assert 0 < texts < updates  # what it got before the queue overflowed
                await wait_until(lambda: slow not in server.hub.connections, what="the removal")
                assert server.hub.slow_clients_closed == 1
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader
            finally:
                stalled.close()

    run(test, timeout=40)


# --- shutdown and serve ----------------------------------------------------------------------------------


def test_shutdown_closes_every_websocket_with_1001() -> None:
    async def test() -> None:
        async with running_app(settings=QUIET) as server, aiohttp.ClientSession() as http:
            configure(server.pool, "s1")
            first = await http.ws_connect(f"{server.api}/ws/memory")
            second = await http.ws_connect(f"{server.api}/ws/memory")
            await subscribe(first, "s1")
            await pong(second)
            await server.stop()
            for ws in (first, second):
                closing = await ws.receive(5)
                assert closing.type is aiohttp.WSMsgType.CLOSE, closing
                assert closing.data == 1001 and closing.extra == "server shutdown"
                await ws.close()
            assert not server.hub.connections

    run(test)


def test_serve_runs_the_demo_until_cancelled_and_then_closes_with_1001() -> None:
    async def test() -> None:
        pool = MemoryPool()
        urls: list[str] = []
        settings = ServerSettings(port=0, update_interval=3600)
        task = asyncio.ensure_future(serve(settings, pool=pool, demo=True, ready=urls.append))
        await wait_until(lambda: bool(urls), what="the server to listen")
        await wait_until(lambda: DEMO_SESSION_ID in pool.session_ids(), what="the demo session")
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(f"{urls[0]}/api/v1/ws/memory") as ws,
        ):
            first = await subscribe(ws, DEMO_SESSION_ID)
            assert first["snapshot"]["platform"] == "v6r-medium"
            seen = {first["snapshot"]["used"]["bytes"]}
            while len(seen) < 2:  # usage keeps moving (a change every DEMO_STEP seconds)
                message = await receive(ws, timeout=5)
                if message["type"] == "memory_update":
                    seen.add(message["snapshot"]["used"]["bytes"])
            task.cancel()
            while (frame := await ws.receive(5)).type is aiohttp.WSMsgType.TEXT:
                pass
            assert frame.type is aiohttp.WSMsgType.CLOSE and frame.data == 1001, frame
        with contextlib.suppress(asyncio.CancelledError):
            await task
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectionError):
                await http.get(f"{urls[0]}/api/v1/health")

    run(test)
