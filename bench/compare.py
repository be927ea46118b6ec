"""Python and Go side by side, in one run: the pool's allocate+free, REST requests, WebSocket streaming.

Each figure pair is one workload measured in both languages back to back, so the ratio is what to read:
- pool: with 1,000 live allocations in a large session, allocate 4096 bytes and free them again
  (tests/go/bench_test.go: BenchmarkPoolAllocateFree, mirrored here for the Python pool);
- REST: bench/server.py's load generator (GET snapshot, GET health, allocate, free) against the generated
  Python server and the generated Go server, each in its own process on loopback;
- streaming: bench/server.py's streaming window (N subscribers over 10 sessions at the default update
  interval, clients only reading) against each server: its CPU as % of one core, over its idle baseline.

    .venv/bin/python bench/compare.py [--duration 5] [--concurrency 1,16] [--subscribers 1000] [--window 20]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "generated" / "python"))

from v6r_memory import (  # noqa: E402
    AllocateRequest,
    ConfigureRequest,
    MemoryPool,
    MemoryPurpose,
    PoolSettings,
    SizeRequest,
    VmSize,
)


def load_server_bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_server", BENCH / "server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_server"] = module
    spec.loader.exec_module(module)
    return module


def python_pool_ns(pairs: int = 50_000, repeats: int = 5) -> float:
    pool = MemoryPool(PoolSettings(max_allocations_per_session=2000), clock=lambda: 0)
    pool.configure("s1", ConfigureRequest(user_id="u", vm_size=VmSize.LARGE)).unwrap()
    request = AllocateRequest(
        session_id="s1", size=SizeRequest(bytes=4096), purpose=MemoryPurpose.VM_HEAP
    )
    for _ in range(1000):
        pool.allocate(request).unwrap()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for _ in range(pairs):
            pool.free(pool.allocate(request).unwrap().id).unwrap()
        samples.append((time.perf_counter_ns() - start) / pairs)
    return statistics.median(samples)


def go_pool_ns() -> float:
    out = subprocess.run(
        [
            *("go", "test", "-run", "^$", "-bench", "BenchmarkPoolAllocateFree"),
            "-benchtime=2s",
            "-count=3",
            ".",
        ],
        cwd=REPO / "tests" / "go",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return statistics.median(float(m) for m in re.findall(r"\s([\d.]+) ns/op", out))


class GoServer:
    """The generated Go server (tests/go/cmd/goserver: StartV6RServer on -addr) in its own process."""

    def __init__(self, workdir: Path) -> None:
        self.binary = workdir / "goserver"
        subprocess.run(
            ["go", "build", "-o", str(self.binary), "./cmd/goserver"],
            cwd=REPO / "tests" / "go",
            check=True,
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [str(self.binary), "-addr", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the Go server did not start")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


def rest(
    bench: Any, server: Any, concurrency: list[int], duration: float, workdir: Path
) -> list[Any]:
    results, _ = asyncio.run(
        bench.rest_bench(
            server,
            concurrency,
            warmup=1.0,
            duration=duration,
            attempts=1,
            py_spy=None,
            py_spy_seconds=0.0,
            workdir=workdir,
        )
    )
    return list(results)


def stream(bench: Any, server: Any, subscribers: int, window: float, workdir: Path) -> Any:
    return asyncio.run(
        bench.stream_bench(
            server,
            subscribers,
            sessions=10,
            window=window,
            connect_timeout=120.0,
            attempts=3,
            py_spy=None,
            py_spy_seconds=0.0,
            workdir=workdir,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per REST window")
    parser.add_argument("--concurrency", default="1,16", help="REST workers, comma separated")
    parser.add_argument("--subscribers", type=int, default=1000, help="WebSocket subscribers")
    parser.add_argument("--window", type=float, default=20.0, help="seconds per streaming window")
    args = parser.parse_args()
    bench = load_server_bench()
    nofile = bench.raise_nofile()  # before the servers start: they inherit it
    if nofile < args.subscribers + 100:
        raise SystemExit(f"open files limit {nofile} is too low for {args.subscribers} sockets")
    concurrency = [int(c) for c in args.concurrency.split(",")]

    python_ns, go_ns = python_pool_ns(), go_pool_ns()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        python_server = bench.ServerProcess(None, workdir, "python")
        python_server.start()
        try:
            python_rest = rest(bench, python_server, concurrency, args.duration, workdir)
            python_stream = stream(bench, python_server, args.subscribers, args.window, workdir)
        finally:
            python_server.stop()
        go_server = GoServer(workdir)
        try:
            go_rest = rest(bench, go_server, concurrency, args.duration, workdir)
            go_stream = stream(bench, go_server, args.subscribers, args.window, workdir)
        finally:
            go_server.stop()

    print("\n| workload | Python | Go | Go / Python |")
    print("|---|---|---|---|")
    # The load generator is one Python thread on the same 2 cores: at higher concurrency it, not the
    # server, sets the pace, so the server's own CPU per request is the figure that compares servers.
    print(
        f"| pool allocate+free, 1,000 live (ns per pair) | {python_ns:,.0f} | {go_ns:,.0f} "
        f"| {python_ns / go_ns:.1f}x faster |"
    )
    for c, p, g in zip(concurrency, python_rest, go_rest, strict=True):
        ratio = g["requests_per_s"] / p["requests_per_s"]
        print(
            f"| REST requests/s, {c} concurrent (p50 ms) | {p['requests_per_s']:,.0f} "
            f"({p['p50_ms']:.2f}) | {g['requests_per_s']:,.0f} ({g['p50_ms']:.2f}) | {ratio:.1f}x |"
        )
        p_us, g_us = (
            1e6 * r["server_cpu_s"] / (r["requests_per_s"] * r["duration_s"]) for r in (p, g)
        )
        print(
            f"| server CPU per request, {c} concurrent (us) | {p_us:,.0f} | {g_us:,.0f} "
            f"| {p_us / g_us:.1f}x less |"
        )
    p_pct, g_pct = (r["overhead_pct_of_core"] for r in (python_stream, go_stream))
    p_got, g_got = (r["streaming"]["updates_per_s"] for r in (python_stream, go_stream))
    print(
        f"| streaming to {args.subscribers:,} subscribers, % of one core over idle (updates/s) "
        f"| {p_pct:.2f} ({p_got:,.0f}) | {g_pct:.2f} ({g_got:,.0f}) "
        f"| {f'{p_pct / g_pct:.1f}x less' if p_pct > 0 and g_pct > 0 else '-'} |"
    )


if __name__ == "__main__":
    main()
