"""The client matrix: the generated Python, TypeScript and Go clients each run the same smoke scenario against
the generated Python server and the generated Go server (six client-server pairs).

The scenario configures a session as medium, allocates 64 MiB, subscribes and waits for a memory_update of that
session, frees the allocation, checks the stats show no active allocation and frees the same id again, which
must fail with already-freed. Each client prints one JSON line summarising what it saw; all six must equal
EXPECTED. The TypeScript client is tests/typescript/smoke.ts (run by smoke.mjs), the Go client
tests/go/cmd/smoke, the Python client `smoke` below.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from v6r_memory.client import MemoryClient
from v6r_memory.models import (
    AllocateRequest,
    ConfigureRequest,
    MemoryPurpose,
    SizeRequest,
    VmSize,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
GO = shutil.which("go")
NODE = shutil.which("node")
GO_MODULE = ROOT / "tests" / "go"
TS_DIR = ROOT / "tests" / "typescript"
SESSION = "smoke-session"
MIB = 1 << 20
EXPECTED: dict[str, Any] = {
    "configured": "v6r-medium",
    "allocated_bytes": 64 * MIB,
    "update_session": SESSION,
    "update_used": 64 * MIB,
    "freed": True,
    "active_after": 0,
    "error_code": "already-freed",
}
CLIENTS = ["python", "typescript", "go"]
SERVERS = ["python", "go"]
PAIRS = [(client, server) for client in CLIENTS for server in SERVERS]


async def smoke(url: str) -> dict[str, Any]:
    """The smoke scenario with the generated Python client; returns the summary it prints."""
    async with MemoryClient(url) as client:
        configured = (
            await client.configure_session(
                SESSION, ConfigureRequest(user_id="smoke-user", vm_size=VmSize.MEDIUM)
            )
        ).unwrap()
        allocation = (
            await client.create_allocation(
                AllocateRequest(
                    session_id=SESSION,
                    size=SizeRequest(bytes=64 * MIB),
                    purpose=MemoryPurpose.VM_HEAP,
                )
            )
        ).unwrap()
        updates = client.subscribe(SESSION, reconnect=False)
        try:
            async with asyncio.timeout(15):
                async for update in updates:
                    if update.session_id == SESSION:
                        break
                else:
                    raise AssertionError("the subscription ended before a memory_update arrived")
        finally:
            await updates.aclose()
        (await client.free_allocation(allocation.id)).unwrap()
        stats = (await client.get_stats(SESSION)).unwrap()
        again = await client.free_allocation(allocation.id)
        assert again.error is not None, "freeing the allocation twice succeeded"
        summary = {
            "configured": configured.platform,
            "allocated_bytes": allocation.size.bytes,
            "update_session": update.session_id,
            "update_used": update.snapshot.used.bytes,
            "freed": True,
            "active_after": stats.active_allocations,
            "error_code": str(again.error.code),
        }
    print(json.dumps(summary))
    return summary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_healthy(base: str, process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(base + "/api/v1/health", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.05)


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def python_server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "v6r_memory", "serve", "--port", "0", "--interval", "0.2"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "generated" / "python")},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"listening on (http://[0-9.]+:[0-9]+)", line)
        assert match is not None, f"the Python server printed {line!r}"
        base = match.group(1)
        _wait_healthy(base, process)
        yield base
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def go_binaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    assert (
        GO is not None
    ), "the Go toolchain is needed (make test runs go vet and go test): go is not on PATH"
    out = tmp_path_factory.mktemp("gobin")
    binaries = {name: out / name for name in ("goserver", "smoke")}
    for name, binary in binaries.items():
        subprocess.run([GO, "build", "-o", str(binary), f"./cmd/{name}"], cwd=GO_MODULE, check=True)
    return binaries


@pytest.fixture(scope="module")
def go_server(go_binaries: dict[str, Path]) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [str(go_binaries["goserver"]), "-addr", f"127.0.0.1:{port}"],
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
        yield base
    finally:
        _stop(process)


def _summary_line(stdout: str) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, f"expected one JSON line, got {stdout!r}"
    summary: dict[str, Any] = json.loads(lines[0])
    return summary


def _run(command: list[str], cwd: Path) -> dict[str, Any]:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stderr}"
    return _summary_line(done.stdout)


def _python_client(url: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    return asyncio.run(smoke(url))


def _typescript_client(url: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    assert NODE is not None, "node is needed: make test runs the TypeScript toolchain"
    request.getfixturevalue("node_modules")  # esbuild, which smoke.mjs bundles with
    return _run([NODE, str(TS_DIR / "smoke.mjs"), url], TS_DIR)


def _go_client(url: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    binaries: dict[str, Path] = request.getfixturevalue("go_binaries")
    return _run([str(binaries["smoke"]), "-url", url], GO_MODULE)


RUNNERS: dict[str, Callable[[str, pytest.FixtureRequest], dict[str, Any]]] = {
    "python": _python_client,
    "typescript": _typescript_client,
    "go": _go_client,
}


@pytest.mark.parametrize(
    ("client", "server"), PAIRS, ids=[f"{c}-client/{s}-server" for c, s in PAIRS]
)
def test_client_server_pair(client: str, server: str, request: pytest.FixtureRequest) -> None:
    url: str = request.getfixturevalue(f"{server}_server")
    summary = RUNNERS[client](url, request)
    assert summary == EXPECTED, f"{client} client against the {server} server saw {summary}"
