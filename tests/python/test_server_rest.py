"""The generated server's REST API on a real port: every endpoint's shape and status, and bad input of every
kind answered with the right error envelope while the server keeps serving."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from v6r_memory.models import MemoryStats
from v6r_memory.pool import MemoryPool
from v6r_memory.result import MemoryResult
from v6r_memory.server import SERVICE_VERSION, ServerSettings

from tests.python.server_fixtures import SNAPSHOT_KEYS, RunningServer, running_app, server_in_thread

U64_MAX = 2**64 - 1
ERROR_KEYS = {"code", "message", "details", "timestamp"}


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), 20))


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


async def call(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    body: object = None,
    *,
    raw: bytes | None = None,
) -> Answer:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    async with http.request(method, url, data=data) as response:
        assert response.content_type == "application/json", await response.text()
        return Answer(response.status, await response.json(), dict(response.headers))


def value(answer: Answer, status: int = 200) -> dict[str, Any]:
    assert answer.status == status, answer
    assert set(answer.body) == {"value"}, answer
    result: dict[str, Any] = answer.body["value"]
    return result


def error(answer: Answer, status: int, code: str) -> dict[str, Any]:
    assert answer.status == status, answer
    assert set(answer.body) == {"error"}, answer
    problem: dict[str, Any] = answer.body["error"]
    assert problem["code"] == code, answer
    assert {"code", "message", "timestamp"} <= set(problem) <= ERROR_KEYS, answer
    assert isinstance(problem["message"], str) and problem["message"]
    return problem


@pytest.fixture
def medium() -> dict[str, str]:
    return {"user_id": "user-456", "vm_size": "medium"}


def test_every_endpoint_answers_with_its_value_shape_and_status(medium: dict[str, str]) -> None:
    async def test() -> None:
        async with running_app() as server, aiohttp.ClientSession() as http:
            api = server.api
            configured = value(
                await call(http, "POST", f"{api}/sessions/session-123/configure", medium)
            )
            assert configured == {
                "config": {"session_id": "session-123", "user_id": "user-456", "vm_size": "medium"},
                "platform": "v6r-medium",
                "total": {"bytes": 1073741824, "human_readable": "1.0GB"},
                "limits": {
                    name: {"bytes": 1073741824, "human_readable": "1.0GB"}
                    for name in ("heap_max", "stack_max", "cache_max", "soft_limit", "hard_limit")
                },
            }

            request = {"session_id": "session-123", "size": {"bytes": 512}, "purpose": "vm-heap"}
            allocation = value(await call(http, "POST", f"{api}/memory/allocations", request), 201)
            assert set(allocation) == {
                "id",
                "session_id",
                "size",
                "purpose",
                "offset",
                "allocated_at",
            }
            assert allocation["id"] == "alloc-1"
            assert allocation["size"] == {"bytes": 512, "human_readable": "512B"}
            assert (allocation["session_id"], allocation["purpose"]) == ("session-123", "vm-heap")

            snapshot = value(await call(http, "GET", f"{api}/memory/snapshot/session-123"))
            assert set(snapshot) == SNAPSHOT_KEYS
            assert snapshot["used"] == {"bytes": 512, "human_readable": "512B"}
            assert snapshot["platform"] == "v6r-medium"

            stats = value(await call(http, "GET", f"{api}/sessions/session-123/stats"))
            MemoryStats.from_data(stats)
            assert stats["total_allocations"] == 1 and stats["active_allocations"] == 1
            assert stats["usage_by_purpose"] == [
                {"purpose": "vm-heap", "size": {"bytes": 512, "human_readable": "512B"}}
            ]

            listed = value(await call(http, "GET", f"{api}/sessions/session-123/allocations"))
            assert listed == {"session_id": "session-123", "allocations": [allocation]}

            status = value(await call(http, "GET", f"{api}/status"))
            assert set(status) == {
                "version",
                "uptime_ms",
                "sessions",
                "active_allocations",
                "websocket_clients",
            }
            assert status["version"] == SERVICE_VERSION == "1.0.0"
            assert (status["sessions"], status["active_allocations"]) == (1, 1)
            assert status["websocket_clients"] == 0

            freed = value(await call(http, "POST", f"{api}/memory/allocations/alloc-1/free"))
            assert freed == {**allocation, "freed_at": freed["freed_at"]}
            assert freed["freed_at"] >= allocation["allocated_at"]

            health = value(await call(http, "GET", f"{api}/health"))
            assert set(health) == {"status", "timestamp"} and health["status"] == "ok"
            status = value(await call(http, "GET", f"{api}/status"))
            assert status["active_allocations"] == 0

            # The bodies decode with the generated envelope type too.
            async with http.get(f"{api}/memory/snapshot/session-123") as response:
                MemoryResult[dict[str, Any]].from_wire(await response.read()).unwrap()

    run(test)


@dataclass(frozen=True)
class Bad:
    """One bad request: what is sent and the error envelope it must get."""

    name: str
    method: str
    path: str
    body: object = None
    raw: bytes | None = None
    status: int = 400
    code: str = "invalid-request"
    details: str | None = None  # a prefix of the error's details


ALLOCATE = "/memory/allocations"
GOOD_ALLOCATION = {"session_id": "s1", "size": {"bytes": 1024}, "purpose": "vm-heap"}


def allocation(**changes: object) -> dict[str, object]:
    return {**GOOD_ALLOCATION, **changes}


BAD_REQUESTS = [
    Bad("malformed JSON", "POST", ALLOCATE, raw=b'{"session_id": ', details="Invalid JSON"),
    Bad("empty body", "POST", ALLOCATE, raw=b"", details="Invalid JSON"),
    Bad("not UTF-8", "POST", ALLOCATE, raw=b'{"session_id": "\xff\xfe"}', details="Invalid JSON"),
    Bad("deeply nested", "POST", ALLOCATE, raw=b"[" * 5000, details="Invalid JSON"),
    Bad("not an object", "POST", ALLOCATE, body=[1, 2], details="Input should be an object"),
    Bad(
        "string size", "POST", ALLOCATE, allocation(size={"bytes": "1024"}), details="size.bytes: "
    ),
    Bad("float size", "POST", ALLOCATE, allocation(size={"bytes": 1.5}), details="size.bytes: "),
    Bad("bool size", "POST", ALLOCATE, allocation(size={"bytes": True}), details="size.bytes: "),
    Bad("size not an object", "POST", ALLOCATE, allocation(size=1024), details="size: "),
    Bad(
        "negative size",
        "POST",
        ALLOCATE,
        allocation(size={"bytes": -1}),
        details="size.bytes: Input should be greater than or equal to 0",
    ),
    Bad(
        "2^64 size",
        "POST",
        ALLOCATE,
        allocation(size={"bytes": 2**64}),
        details="size.bytes: Input should be less than or equal to 18446744073709551615",
    ),
    Bad(
        "huge number",
        "POST",
        ALLOCATE,
        raw=b'{"session_id": "s1", "purpose": "vm-heap", "size": {"bytes": 1' + b"0" * 4000 + b"}}",
        details="size.bytes: ",
    ),
    Bad("unknown purpose", "POST", ALLOCATE, allocation(purpose="gpu"), details="purpose: "),
    Bad(
        "missing purpose",
        "POST",
        ALLOCATE,
        {"session_id": "s1", "size": {"bytes": 1}},
        details="purpose: Field required",
    ),
    Bad("null session", "POST", ALLOCATE, allocation(session_id=None), details="session_id: "),
    Bad("bad session id", "POST", ALLOCATE, allocation(session_id="a b"), details="session_id: "),
    Bad(
        "zero size",
        "POST",
        ALLOCATE,
        allocation(size={"bytes": 0}),
        status=422,
        code="invalid-size",
    ),
    Bad(
        "too big for the session",
        "POST",
        ALLOCATE,
        allocation(size={"bytes": U64_MAX}),
        status=422,
        code="invalid-size",
    ),
    Bad(
        "unknown session",
        "POST",
        ALLOCATE,
        allocation(session_id="nobody"),
        status=404,
        code="session-not-found",
    ),
    Bad(
        "unknown allocation",
        "POST",
        "/memory/allocations/alloc-999/free",
        status=404,
        code="invalid-allocation",
    ),
    Bad("free twice", "POST", "/memory/allocations/alloc-1/free", status=409, code="already-freed"),
    Bad(
        "long allocation id",
        "POST",
        "/memory/allocations/" + "a" * 129 + "/free",
        details="id: String should have at most 128 characters",
    ),
    Bad(
        "snapshot of unknown session",
        "GET",
        "/memory/snapshot/nobody",
        status=404,
        code="session-not-found",
    ),
    Bad(
        "stats of unknown session",
        "GET",
        "/sessions/nobody/stats",
        status=404,
        code="session-not-found",
    ),
    Bad(
        "allocations of unknown session",
        "GET",
        "/sessions/nobody/allocations",
        status=404,
        code="session-not-found",
    ),
    Bad(
        "session id with a space",
        "GET",
        "/memory/snapshot/bad%20id",
        details="session_id: String should match pattern",
    ),
    Bad(
        "session id with a newline",
        "GET",
        "/sessions/bad%0A/stats",
        details="session_id: String should match pattern",
    ),
    Bad(
        "session id too long",
        "GET",
        "/sessions/" + "s" * 129 + "/stats",
        details="session_id: String should have at most 128 characters",
    ),
    Bad(
        "unknown vm size",
        "POST",
        "/sessions/s2/configure",
        {"user_id": "u", "vm_size": "huge"},
        details="vm_size: ",
    ),
    Bad(
        "empty user",
        "POST",
        "/sessions/s2/configure",
        {"user_id": "", "vm_size": "small"},
        details="user_id: ",
    ),
    Bad(
        "limit above total",
        "POST",
        "/sessions/s2/configure",
        {
            "user_id": "u",
            "vm_size": "small",
            "limits": {
                name: {"bytes": 2**40, "human_readable": "1.0TB"}
                for name in ("heap_max", "stack_max", "cache_max", "soft_limit", "hard_limit")
            },
        },
        status=422,
        code="invalid-size",
    ),
    Bad(
        "configure with a bad session id",
        "POST",
        "/sessions/a%2Fb!/configure",
        {"user_id": "u", "vm_size": "small"},
        details="session_id: ",
    ),
    Bad(
        "body too large",
        "POST",
        ALLOCATE,
        raw=b" " * (64 * 1024 + 1),
        status=413,
        code="payload-too-large",
    ),
    Bad(
        "configure body too large",
        "POST",
        "/sessions/s2/configure",
        raw=b"{" * 100_000,
        status=413,
        code="payload-too-large",
    ),
    Bad("unknown route", "GET", "/nothing/here", status=404, code="not-found"),
    Bad("unknown route under a known one", "GET", "/health/x", status=404, code="not-found"),
    Bad("wrong method", "DELETE", "/health", status=405, code="method-not-allowed"),
    Bad("GET of a POST route", "GET", ALLOCATE, status=405, code="method-not-allowed"),
    Bad("PUT of configure", "PUT", "/sessions/s1/configure", status=405, code="method-not-allowed"),
    Bad("plain GET of the WebSocket", "GET", "/ws/memory", details="this route speaks WebSocket"),
]


async def prepared(server: RunningServer, http: aiohttp.ClientSession) -> None:
    """Session s1 (small) with alloc-1 allocated and freed, so every bad case has something to miss."""
    configure = {"user_id": "u", "vm_size": "small"}
    value(await call(http, "POST", f"{server.api}/sessions/s1/configure", configure))
    value(await call(http, "POST", f"{server.api}{ALLOCATE}", GOOD_ALLOCATION), 201)
    value(await call(http, "POST", f"{server.api}/memory/allocations/alloc-1/free"))


@pytest.mark.parametrize("bad", BAD_REQUESTS, ids=[bad.name for bad in BAD_REQUESTS])
def test_bad_input_gets_an_error_envelope_and_the_server_keeps_serving(bad: Bad) -> None:
    async def test() -> None:
        async with running_app() as server, aiohttp.ClientSession() as http:
            await prepared(server, http)
            answer = await call(http, bad.method, server.api + bad.path, bad.body, raw=bad.raw)
            problem = error(answer, bad.status, bad.code)
            if bad.details is not None:
                assert problem.get("details", "").startswith(bad.details), problem
            if bad.code == "method-not-allowed":
                assert answer.headers["Allow"], answer
            # The same client, and so the same connection where it survived, still gets answers.
            after = value(await call(http, "POST", f"{server.api}{ALLOCATE}", GOOD_ALLOCATION), 201)
            assert after["id"] == "alloc-2"
            assert server.pool.active_allocations() == 1

    run(test)


def test_details_name_the_path_of_the_first_problem_exactly() -> None:
    async def test() -> None:
        async with running_app() as server, aiohttp.ClientSession() as http:
            body = allocation(size={"bytes": 2**64}, purpose="nope")
            problem = error(
                await call(http, "POST", server.api + ALLOCATE, body), 400, "invalid-request"
            )
            assert problem["details"] == (
                "size.bytes: Input should be less than or equal to 18446744073709551615"
            )
            assert problem["message"] == "The request or message is malformed."

    run(test)


def test_a_body_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not() -> None:
    async def test() -> None:
        settings = ServerSettings(max_message_size=4096)
        async with running_app(settings=settings) as server, aiohttp.ClientSession() as http:
            url = f"{server.api}/sessions/s1/configure"
            # Unknown fields are ignored, so padding makes a valid body of any size.
            head = b'{"user_id": "u", "vm_size": "small", "pad": "'
            body = head + b"x" * (4096 - len(head) - 2) + b'"}'
            assert len(body) == 4096
            value(await call(http, "POST", url, raw=body))
            problem = error(
                await call(http, "POST", url, raw=body + b" "), 413, "payload-too-large"
            )
            assert "4097" in problem["details"]
            value(await call(http, "GET", f"{server.api}/memory/snapshot/s1"))

    run(test)


class BrokenPool(MemoryPool):
    """A real pool whose stats fail, to show what an unexpected fault looks like to a client."""

    def stats(self, session_id: str) -> MemoryResult[MemoryStats]:
        raise RuntimeError("the stats are broken")


def test_an_unexpected_fault_is_an_internal_error_envelope_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def test() -> None:
        async with running_app(BrokenPool()) as server, aiohttp.ClientSession() as http:
            answer = await call(http, "GET", f"{server.api}/sessions/s1/stats")
            problem = error(answer, 500, "internal-error")
            assert "broken" not in json.dumps(problem)  # the fault's text stays in the log
            value(await call(http, "GET", f"{server.api}/health"))

    with caplog.at_level("ERROR", logger="v6r_memory.server"):
        run(test)
    assert any("the stats are broken" in str(r.exc_info) for r in caplog.records), caplog.text


def test_create_app_passes_the_limits_to_the_pool_it_makes() -> None:
    async def test() -> None:
        settings = ServerSettings(max_sessions=1, max_allocations_per_session=1)
        async with running_app(settings=settings) as server, aiohttp.ClientSession() as http:
            small = {"user_id": "u", "vm_size": "small"}
            value(await call(http, "POST", f"{server.api}/sessions/s1/configure", small))
            error(
                await call(http, "POST", f"{server.api}/sessions/s2/configure", small),
                409,
                "limit-exceeded",
            )
            value(await call(http, "POST", server.api + ALLOCATE, GOOD_ALLOCATION), 201)
            error(
                await call(http, "POST", server.api + ALLOCATE, GOOD_ALLOCATION),
                409,
                "limit-exceeded",
            )

    run(test)


def test_settings_refuse_nonsense() -> None:
    changes: dict[str, Any]
    for changes in (
        {"send_queue_size": 0},
        {"update_interval": -1.0},
        {"max_message_size": 0},
        {"port": 70000},
        {"allowed_origins": "*"},
    ):
        with pytest.raises(ValueError):
            ServerSettings(**changes)


def test_the_thread_fixture_serves_synchronous_callers() -> None:
    async def health(url: str) -> dict[str, Any]:
        async with aiohttp.ClientSession() as http:
            return value(await call(http, "GET", f"{url}/api/v1/health"))

    with server_in_thread() as url:
        assert asyncio.run(health(url))["status"] == "ok"
