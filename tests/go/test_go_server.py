"""The Go server against the Python server: every bad request of tests/python/test_server_rest.py gets the same
status and error code from both, and the Go server shuts down cleanly on SIGTERM."""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from v6r_memory.server import ServerSettings

from tests.python.server_fixtures import server_in_thread
from tests.python.test_server_rest import ALLOCATE, BAD_REQUESTS, GOOD_ALLOCATION, Bad

HERE = Path(__file__).resolve().parent
APP_ORIGIN = "http://app.example"  # the one browser origin both servers allow besides their own
GO = shutil.which("go")
if GO is None:
    raise RuntimeError(
        "the Go toolchain is needed (make test runs go vet and go test): go is not on PATH"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def request(
    base: str, method: str, path: str, body: object = None, raw: bytes | None = None
) -> tuple[int, dict[str, object], dict[str, str]]:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request(method, "/api/v1" + path, body=data)
        response = conn.getresponse()
        payload = json.loads(response.read())
        return response.status, payload, dict(response.getheaders())
    finally:
        conn.close()


def prepare(base: str) -> None:
    assert (
        request(base, "POST", "/sessions/s1/configure", {"user_id": "u", "vm_size": "small"})[0]
        == 200
    )
    assert request(base, "POST", ALLOCATE, GOOD_ALLOCATION)[0] == 201
    assert request(base, "POST", "/memory/allocations/alloc-1/free")[0] == 200


@pytest.fixture(scope="module")
def go_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    binary = tmp_path_factory.mktemp("goserver") / "goserver"
    assert GO is not None
    subprocess.run([GO, "build", "-o", str(binary), "./cmd/goserver"], cwd=HERE, check=True)
    port = _free_port()
    process = subprocess.Popen(
        [str(binary), "-addr", f"127.0.0.1:{port}", "-origins", APP_ORIGIN], stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            request(base, "GET", "/health")
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.05)
    try:
        prepare(base)
        yield base, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def python_server() -> Iterator[str]:
    with server_in_thread(settings=ServerSettings(allowed_origins=(APP_ORIGIN,))) as base:
        prepare(base)
        yield base


def _answer(base: str, bad: Bad) -> tuple[int, str, bool]:
    status, payload, headers = request(base, bad.method, bad.path, bad.body, bad.raw)
    assert set(payload) == {"error"}, payload
    problem = payload["error"]
    assert isinstance(problem, dict)
    assert (
        {"code", "message", "timestamp"}
        <= set(problem)
        <= {"code", "message", "details", "timestamp"}
    )
    return status, str(problem["code"]), bool(headers.get("Allow"))


@pytest.mark.parametrize("bad", BAD_REQUESTS, ids=[bad.name for bad in BAD_REQUESTS])
def test_go_answers_bad_input_like_python(
    bad: Bad, go_server: tuple[str, subprocess.Popen[bytes]], python_server: str
) -> None:
    go = _answer(go_server[0], bad)
    python = _answer(python_server, bad)
    assert go == python
    assert go[:2] == (bad.status, bad.code)


def test_generated_cli_calls_the_go_server(
    go_server: tuple[str, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    assert GO is not None
    cli = tmp_path / "v6r-cli"
    module = HERE.parents[1] / "generated" / "go"
    subprocess.run([GO, "build", "-o", str(cli), "./cmd/v6r-cli"], cwd=module, check=True)
    url = f"-url={go_server[0]}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(cli), *args], capture_output=True, text=True, timeout=30)

    assert run("configure").stdout == "Configured v6r-medium VM with 1.0GB memory\n"
    request(go_server[0], "POST", "/sessions/cli/configure", {"user_id": "u", "vm_size": "small"})
    allocated = run("allocate", url, "cli", "1MB")
    assert allocated.returncode == 0 and " 1.0MB vm-heap at offset 0 in cli" in allocated.stdout
    snapshot = run("snapshot", url, "-json", "cli")
    assert json.loads(snapshot.stdout)["value"]["used"]["bytes"] == 1024 * 1024
    assert run("stats", url, "cli").returncode == 0
    failed = run("free", url, "-json", "alloc-999")
    assert (
        failed.returncode == 1
        and json.loads(failed.stdout)["error"]["code"] == "invalid-allocation"
    )


def _browser(
    base: str, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> dict[str, object]:
    """What a browser learns from one request: status, error code, and the CORS headers."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request(method, "/api/v1" + path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        code = json.loads(raw)["error"]["code"] if raw and response.status >= 400 else None
        got = {k.lower(): v for k, v in response.getheaders()}
        return {
            "status": response.status,
            "code": code,
            "body": raw if response.status == 204 else b"-",
            **{h: got.get(h) for h in CORS_HEADERS},
            "vary origin": "origin" in got.get("vary", "").lower(),
        }
    finally:
        conn.close()


CORS_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
)
EVIL = "http://evil.example"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type, authorization",
}
BROWSER_CASES = {
    "allowed origin reads": ("GET", "/health", {"Origin": APP_ORIGIN}, None),
    "other origin is forbidden": ("GET", "/health", {"Origin": EVIL}, None),
    "allowed preflight": (
        "OPTIONS",
        "/sessions/s1/configure",
        {"Origin": APP_ORIGIN, **PREFLIGHT},
        None,
    ),
    "other origin's preflight is forbidden": (
        "OPTIONS",
        "/sessions/s1/configure",
        {"Origin": EVIL, **PREFLIGHT},
        None,
    ),
    "OPTIONS that is no preflight": ("OPTIONS", "/health", {"Origin": APP_ORIGIN}, None),
    "allowed origin, no such route": ("GET", "/nope", {"Origin": APP_ORIGIN}, None),
    "no Origin: not a browser": ("GET", "/health", {}, None),
    "a form posted from another origin": (
        "POST",
        "/sessions/csrf/configure",
        {"Origin": EVIL, "Content-Type": "text/plain"},
        b'{"user_id":"u","vm_size":"small"}',
    ),
}
EXPECTED = {
    "allowed origin reads": (200, None),
    "other origin is forbidden": (403, "forbidden"),
    "allowed preflight": (204, None),
    "other origin's preflight is forbidden": (403, "forbidden"),
    "OPTIONS that is no preflight": (405, "method-not-allowed"),
    "allowed origin, no such route": (404, "not-found"),
    "no Origin: not a browser": (200, None),
    "a form posted from another origin": (403, "forbidden"),
}


@pytest.mark.parametrize("name", list(BROWSER_CASES))
def test_browser_origins_are_handled_alike(
    name: str, go_server: tuple[str, subprocess.Popen[bytes]], python_server: str
) -> None:
    """allowed_origins decides for REST as for the WebSocket, in both servers, header for header."""
    method, path, headers, body = BROWSER_CASES[name]
    go = _browser(go_server[0], method, path, headers, body)
    python = _browser(python_server, method, path, headers, body)
    assert go == python
    assert (go["status"], go["code"]) == EXPECTED[name]
    allowed = headers.get("Origin") == APP_ORIGIN
    assert go["access-control-allow-origin"] == (APP_ORIGIN if allowed else None)
    assert go["vary origin"] is allowed
    if name == "allowed preflight":
        assert go["access-control-allow-methods"] == "GET, POST"
        assert go["access-control-allow-headers"] == PREFLIGHT["Access-Control-Request-Headers"]
        assert go["access-control-max-age"] == "600" and go["body"] == b""
    if name == "a form posted from another origin":
        for base in (go_server[0], python_server):  # refused before it reached the pool
            assert request(base, "GET", "/sessions/csrf/stats")[1]["error"]["code"] == "session-not-found"  # type: ignore[index]


def test_a_server_accepts_its_own_host_whatever_the_scheme(
    go_server: tuple[str, subprocess.Popen[bytes]], python_server: str
) -> None:
    """Behind a proxy that ends TLS the page is https while the server sees http: the host decides."""
    for base in (go_server[0], python_server):
        host = urlsplit(base).netloc
        for origin in (base, f"https://{host}", f"HTTP://{host.upper()}"):
            answer = _browser(
                base,
                "POST",
                "/sessions/s9/configure",
                {"Origin": origin},
                b'{"user_id":"u","vm_size":"small"}',
            )
            assert (answer["status"], answer["access-control-allow-origin"]) == (200, origin)
        other_port = f"http://{urlsplit(base).hostname}:{(urlsplit(base).port or 80) + 1}"
        assert _browser(base, "GET", "/health", {"Origin": other_port})["status"] == 403


# Last: it stops the module's Go server.
def test_go_server_stops_on_sigterm(go_server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, process = go_server
    assert request(base, "GET", "/health")[0] == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
