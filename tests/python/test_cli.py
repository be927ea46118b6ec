"""`python -m v6r_memory` as a user runs it: in a subprocess, against the real generated server.

Usage errors are checked in process (they never reach the network); everything else runs the module with
PYTHONPATH=generated/python, reads what it prints, and checks the exit status.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from v6r_memory.cli import main
from v6r_memory.server import ServerSettings

from tests.python.server_fixtures import server_in_thread

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated" / "python"
UPDATE_INTERVAL = 0.2  # seconds between the test server's periodic updates
WAIT = 10.0  # the longest any one command or line may take
UPDATE_LINE = re.compile(
    r"^\d\d:\d\d:\d\d  \d+(\.\d)?[KMGT]?B / 1\.0GB +\d+\.\d%  (low|medium|high|critical)$"
)


def environment(**extra: str) -> dict[str, str]:
    # Without PYTHONUNBUFFERED, so the tests see that serve and watch flush each line themselves.
    dropped = ("V6R_URL", "PYTHONPATH", "PYTHONUNBUFFERED")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return {**env, "PYTHONPATH": str(GENERATED), **extra}


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "v6r_memory", *args],
        capture_output=True,
        text=True,
        env=environment(**env),
        timeout=WAIT,
    )


def ok(*args: str) -> str:
    result = cli(*args)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert result.stderr == "", result.stderr
    return result.stdout


def ok_json(*args: str) -> Any:
    return json.loads(ok(*args, "--json"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Running:
    """A long-running command (serve, watch) whose output lines arrive through a queue."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "v6r_memory", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def line(self) -> str:
        try:
            return self.lines.get(timeout=WAIT)
        except queue.Empty:
            self.process.kill()
            _, stderr = self.process.communicate()
            raise AssertionError(f"no output line within {WAIT}s; stderr: {stderr}") from None

    def interrupt(self, sig: int = signal.SIGINT) -> tuple[int, str]:
        """Ctrl-C (or another signal): the exit status and what went to stderr."""
        self.process.send_signal(sig)
        try:
            _, stderr = self.process.communicate(timeout=WAIT)
        finally:
            self.process.kill()
        return self.process.returncode, stderr


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with server_in_thread(settings=ServerSettings(update_interval=UPDATE_INTERVAL)) as base_url:
        yield base_url


def test_configure_prints_what_the_seeds_v6r_cli_prints(url: str) -> None:
    out = ok("configure", "session-123", "--user", "user-456", "--vm-size", "medium", "--url", url)
    assert out == "Configured v6r-medium VM with 1.0GB memory\n"

    value = ok_json("configure", "cli-json", "--user", "u", "--vm-size", "large", "--url", url)
    assert value["platform"] == "v6r-large" and value["total"]["human_readable"] == "2.0GB"
    assert value["config"] == {"session_id": "cli-json", "user_id": "u", "vm_size": "large"}


def test_allocate_free_snapshot_stats_allocations(url: str) -> None:
    at = ("--url", url)
    ok("configure", "cli-s", "--user", "u", "--vm-size", "small", *at)

    out = ok("allocate", "cli-s", "1.5MB", *at)
    first = re.fullmatch(
        r"Allocated (\S+): 1\.5MB \(1572864 bytes\) vm-heap at offset 0 in cli-s\n", out
    )
    assert first is not None, out
    second = ok_json("allocate", "cli-s", "1048576", "--purpose", "asset-cache", *at)
    assert second["size"] == {"bytes": 1048576, "human_readable": "1.0MB"}
    assert second["purpose"] == "asset-cache" and "freed_at" not in second

    assert ok("free", first[1], *at).startswith(f"Freed {first[1]}: 1.5MB")
    # The six reads do not change anything: run them side by side.
    reads = [
        (command, *json)
        for command in ("snapshot", "stats", "allocations")
        for json in ((), ("--json",))
    ]
    with ThreadPoolExecutor(len(reads)) as pool:
        out = dict(zip(reads, pool.map(lambda argv: ok(*argv, "cli-s", *at), reads), strict=True))

    snapshot = json.loads(out["snapshot", "--json"])
    assert snapshot["used"]["bytes"] == 1048576 and snapshot["platform"] == "v6r-small"
    assert out["snapshot",].startswith("cli-s on v6r-small at ")
    assert (
        "1.0MB of 512.0MB (0.2%)" in out["snapshot",] and "pressure       low" in out["snapshot",]
    )

    stats = json.loads(out["stats", "--json"])
    assert (stats["total_allocations"], stats["active_allocations"]) == (2, 1)
    assert stats["peak_memory"]["bytes"] == 1572864 + 1048576
    assert "2 made, 1 live" in out["stats",] and "asset-cache 1.0MB" in out["stats",]

    listed = json.loads(out["allocations", "--json"])
    assert [a["id"] for a in listed["allocations"]] == [first[1], second["id"]]
    assert "freed_at" in listed["allocations"][0]
    lines = out["allocations",].splitlines()
    assert lines[0].split() == ["ID", "SIZE", "BYTES", "PURPOSE", "OFFSET", "STATE"]
    assert lines[1].split()[:6] == [first[1], "1.5MB", "1572864", "vm-heap", "0", "freed"]
    assert lines[2].split() == [second["id"], "1.0MB", "1048576", "asset-cache", "1572864", "live"]

    freed = ok_json("free", second["id"], *at)
    assert freed["id"] == second["id"] and isinstance(freed["freed_at"], int)


def test_health_and_status(url: str) -> None:
    assert ok("health", "--url", url).startswith("ok at ")
    assert ok_json("status", "--url", url)["version"] == "1.0.0"


def test_a_server_error_exits_1_with_its_code_on_stderr(url: str) -> None:
    result = cli("snapshot", "never-configured", "--url", url)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("error session-not-found: ")

    result = cli("free", "alloc-999999", "--url", url, "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("error invalid-allocation: ")


def test_an_unreachable_server_exits_3_naming_the_url() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    result = cli("snapshot", "s", "--url", nowhere)
    assert result.returncode == 3 and result.stdout == ""
    assert f"cannot connect to {nowhere}" in result.stderr

    # V6R_URL is the default --url.
    result = cli("health", V6R_URL=nowhere)
    assert result.returncode == 3 and nowhere in result.stderr

    # A port that accepts connections and never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        mute = f"http://127.0.0.1:{silent.getsockname()[1]}"
        result = cli("health", "--url", mute, "--timeout", "0.3")
    assert result.returncode == 3
    assert f"cannot connect to {mute}: no answer within 0.3s" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["nonsense"],
        ["allocate", "s", "1.5XB"],
        ["allocate", "s", "-1"],
        ["allocate", "s", "1MB", "--purpose", "nothing"],
        ["configure", "s", "--user", "u", "--vm-size", "huge"],
        ["configure", "s", "--vm-size", "small"],
        ["snapshot", "not a session id"],
        ["snapshot", "s", "--url", "ftp://example.com"],
        ["snapshot", "s", "--timeout", "0"],
        ["serve", "--port", "70000"],
        ["serve", "--interval", "-1"],
    ],
)
def test_wrong_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("serve", "configure", "allocate", "free", "snapshot", "stats", "watch"):
        assert command in out


def test_watch_prints_a_line_per_update_until_ctrl_c(url: str) -> None:
    ok("configure", "cli-watch", "--user", "u", "--vm-size", "medium", "--url", url)
    watch = Running("watch", "cli-watch", "--url", url)
    first = watch.line()
    assert UPDATE_LINE.match(first), first
    assert " 0B / 1.0GB    0.0%  low" in first
    ok("allocate", "cli-watch", "800MB", "--url", url)
    line = watch.line()
    while "800.0MB" not in line:  # the allocation shows in a later update
        assert UPDATE_LINE.match(line), line
        line = watch.line()
    assert UPDATE_LINE.match(line) and line.endswith("800.0MB / 1.0GB   78.1%  medium"), line
    assert watch.interrupt() == (0, "")


def test_watch_of_an_unknown_session_exits_1(url: str) -> None:
    result = cli("watch", "never-configured", "--url", url)
    assert result.returncode == 1 and result.stderr.startswith("error session-not-found: ")


def test_serve_with_demo_tells_how_to_watch_and_stops_on_ctrl_c() -> None:
    server = Running("serve", "--port", "0", "--interval", str(UPDATE_INTERVAL), "--demo")
    try:
        banner = server.line()
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner)
        assert found is not None, banner
        hint = [server.line(), server.line()]
        assert "demo-session" in hint[0]
        assert hint[1].strip() == f"python -m v6r_memory watch demo-session --url {found[1]}"

        watch = Running("watch", "demo-session", "--url", found[1], "--json")
        updates = [json.loads(watch.line()) for _ in range(2)]
        assert [u["type"] for u in updates] == ["memory_update", "memory_update"]
        assert {u["snapshot"]["platform"] for u in updates} == {"v6r-medium"}
        assert watch.interrupt() == (0, "")
    finally:
        status, stderr = server.interrupt()
    assert status == 0, stderr


def test_serve_stops_cleanly_on_sigterm() -> None:
    server = Running("serve", "--port", "0")
    assert "listening on" in server.line()
    status, stderr = server.interrupt(signal.SIGTERM)
    assert (status, "Traceback" in stderr) == (0, False), stderr
