"""Run the scenario suite (tests/conformance/scenarios/*.yaml, driven by scenario_driver.py) against the real
Python server and the real Go server (tests/go/cmd/goserver). Every scenario must pass on both, except the
`server:scenario` pairs listed in expected-failures/scenarios.txt, which must fail; a listed pair that passes
fails test_scenario as stale.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scenario_driver import Mismatch, load_scenarios, run_scenario  # noqa: E402

from tests.python.server_fixtures import server_in_thread  # noqa: E402

GO = shutil.which("go")
GO_MODULE = HERE.parent / "go"
SCENARIOS = load_scenarios()
SERVERS = ["python", "go"]
EXPECTED = {
    line.split("#", 1)[0].strip()
    for line in (HERE / "expected-failures" / "scenarios.txt").read_text().splitlines()
} - {""}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def python_base() -> Iterator[str]:
    with server_in_thread() as base:
        yield base


@pytest.fixture(scope="module")
def go_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert (
        GO is not None
    ), "the Go toolchain is needed (make test runs go vet and go test): go is not on PATH"
    binary = tmp_path_factory.mktemp("goserver") / "goserver"
    subprocess.run([GO, "build", "-o", str(binary), "./cmd/goserver"], cwd=GO_MODULE, check=True)
    port = _free_port()
    process = subprocess.Popen(
        [str(binary), "-addr", f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                with urllib.request.urlopen(base + "/api/v1/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield base
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_scenarios_present() -> None:
    assert len(SCENARIOS) >= 30
    names = {s["name"] for s in SCENARIOS}
    assert len(names) == len(SCENARIOS), "scenario names must be unique"
    listed = {entry.split(":", 1)[-1] for entry in EXPECTED}
    assert all(":" in e and e.split(":", 1)[0] in SERVERS for e in EXPECTED), EXPECTED
    assert listed <= names, listed - names


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(server: str, scenario: dict[str, Any], request: pytest.FixtureRequest) -> None:
    base = request.getfixturevalue(f"{server}_base")
    key = f"{server}:{scenario['name']}"
    try:
        asyncio.run(asyncio.wait_for(run_scenario(base, scenario), 30))
        problem = None
    except Mismatch as exc:
        problem = str(exc)
    if key in EXPECTED:
        if problem is None:
            pytest.fail(f"{server}: {key} is listed in expected-failures/scenarios.txt but passes")
        pytest.xfail(f"{server}: {problem}")
    assert problem is None, f"{server} server: {problem}"
