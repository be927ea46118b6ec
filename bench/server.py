"""The generated aiohttp server under load: REST throughput and the CPU cost of WebSocket streaming.

The server runs as a separate process (`python -m v6r_memory serve` on a port the system picks); this
process is the load generator and the WebSocket clients, over loopback only.

1. REST: C concurrent workers (C = 1, 16, 64) each repeat a fixed mix (GET snapshot, GET health, POST an
   allocation and POST its free) on configured sessions, for a warm-up and then a measured window.
   Reported: requests/s, p50/p99 latency, and the server's CPU seconds in the window (utime + stime of
   /proc/<pid>/stat). The load generator is one asyncio thread in this process and shares the machine's
   cores with the server, so requests/s is a floor for the server alone; the server's CPU per request is
   the figure that does not depend on the client.
2. Streaming: the server at its default update interval, N WebSocket connections spread over a few
   sessions, each subscribed; once every connection has its first update nothing changes and the clients
   only read. The server's CPU over the window, as % of one core, against the same window with no
   subscriber, plus the messages received per second and the server's RSS.

    .venv/bin/python bench/server.py [--quick] [--json FILE] [--py-spy PATH] [--wait-idle SECONDS]

--quick is a smoke test (short windows, 100 subscribers). --py-spy PATH (py-spy is not a project
dependency: install it anywhere, e.g. `pip install --target DIR py-spy`) samples the server outside the
measured windows, during an extra REST run and after the streaming window, and prints where its time goes.
The machine is shared: every window records how many cores other processes kept busy meanwhile, a
streaming window disturbed by them is measured again (--attempts), and --wait-idle waits for quiet first.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import math
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generated" / "python"))

from v6r_memory.server import DEFAULT_UPDATE_INTERVAL

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO / "generated" / "python"

API = "/api/v1"
WS_ROUTE = f"{API}/ws/memory"
CLK_TCK = os.sysconf("SC_CLK_TCK")
READY = re.compile(r"listening on (http://\S+)")
REQUEST_TIMEOUT = 10.0  # seconds for one REST request
MAX_ITERATIONS = 10_000_000  # per worker: a bound besides the clock
ALLOCATION_BYTES = 4096
MIX = ("snapshot", "health", "allocate", "free")


# --- process and machine counters ------------------------------------------------------------------


def raise_nofile() -> int:
    """Raise the soft limit on open files to the hard limit; returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 16)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def proc_cpu(pid: int) -> tuple[float, float]:
    """(utime, stime) of a process (all its threads), in seconds."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text.rsplit(")", 1)[1].split()  # fields[0] is field 3 (state); utime 14, stime 15
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


def proc_status(pid: int, key: str) -> int:
    """A kB field of /proc/<pid>/status (VmRSS, VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    return 0


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return total - idle, total


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Sample:
    wall: float
    server_user: float
    server_sys: float
    client: float
    busy: int
    total: int


class Meter:
    """CPU of the server, of this process and of the whole machine between two points in time."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def sample(self) -> Sample:
        busy, total = machine_ticks()
        user, system = proc_cpu(self.pid)
        return Sample(time.perf_counter(), user, system, self_cpu(), busy, total)

    @staticmethod
    def diff(start: Sample, end: Sample) -> dict[str, float]:
        wall = end.wall - start.wall
        server_user = end.server_user - start.server_user
        server_sys = end.server_sys - start.server_sys
        server = server_user + server_sys
        client = end.client - start.client
        ticks = max(end.total - start.total, 1)
        ncpu = os.cpu_count() or 1
        busy_cores = (end.busy - start.busy) / ticks * ncpu  # cores kept busy, whole machine
        return {
            "wall_s": wall,
            "server_cpu_s": server,
            "server_cpu_pct_of_core": server / wall * 100,
            "server_user_s": server_user,
            "server_sys_s": server_sys,
            "client_cpu_s": client,
            "client_cpu_pct_of_core": client / wall * 100,
            "machine_busy_cores": busy_cores,
            # what else ran meanwhile (other processes, kernel work not charged to either of us)
            "other_busy_cores": max(busy_cores - (server + client) / wall, 0.0),
        }


# --- the server process -----------------------------------------------------------------------------


class ServerProcess:
    """`python -m v6r_memory serve` on 127.0.0.1 and a port the system picks."""

    def __init__(self, interval: float | None, workdir: Path, name: str) -> None:
        self.interval = interval
        self.out = workdir / f"{name}.out"
        self.err = workdir / f"{name}.err"
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 30.0) -> str:
        command = [sys.executable, "-m", "v6r_memory", "serve", "--host", "127.0.0.1"]
        command += ["--port", "0"]
        if self.interval is not None:
            command += ["--interval", str(self.interval)]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PACKAGE_DIR), env.get("PYTHONPATH", "")) if p
        )
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.proc = subprocess.Popen(
                command,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=REPO,
                preexec_fn=raise_nofile,  # no threads exist yet in this process
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = READY.search(self.out.read_text(errors="replace"))
            if match:
                self.url = match.group(1)
                return self.url
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the server did not start: {self.err.read_text(errors='replace')}")

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM (a graceful shutdown), then SIGKILL if it has not exited within `timeout`."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode

    def stderr_lines(self) -> list[str]:
        return self.err.read_text(errors="replace").splitlines()


# --- REST load ----------------------------------------------------------------------------------------


async def configure(http: aiohttp.ClientSession, base: str, session_id: str, vm_size: str) -> None:
    body = {"user_id": "bench-user", "vm_size": vm_size}
    async with http.post(f"{base}{API}/sessions/{session_id}/configure", json=body) as response:
        text = await response.text()
        if response.status != 200:
            raise RuntimeError(f"configure {session_id}: {response.status} {text}")


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values (q in 0..100); NaN for none."""
    if not sorted_values:
        return float("nan")
    rank = max(math.ceil(q / 100 * len(sorted_values)) - 1, 0)
    return sorted_values[min(rank, len(sorted_values) - 1)]


async def rest_load(
    base: str, meter: Meter, concurrency: int, warmup: float, duration: float, sessions: list[str]
) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {kind: [] for kind in MIX}
    errors: collections.Counter[str] = collections.Counter()
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    loop = asyncio.get_running_loop()
    begin = loop.time()
    measure_from = begin + warmup
    measure_to = measure_from + duration
    perf_offset = time.perf_counter() - begin  # latencies on the loop's clock

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:

        async def call(kind: str, method: str, url: str, body: Any, expect: int) -> Any:
            started = time.perf_counter() - perf_offset
            try:
                async with http.request(method, url, json=body) as response:
                    payload = await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                errors[f"{kind}: {type(exc).__name__}"] += 1
                await asyncio.sleep(0.01)
                return None
            finished = time.perf_counter() - perf_offset
            if status != expect:
                errors[f"{kind}: HTTP {status}"] += 1
                return None
            if started >= measure_from and finished <= measure_to:
                latencies[kind].append(finished - started)
            return payload

        async def worker(index: int) -> None:
            session_id = sessions[index % len(sessions)]
            snapshot_url = f"{base}{API}/memory/snapshot/{session_id}"
            health_url = f"{base}{API}/health"
            allocate_url = f"{base}{API}/memory/allocations"
            body = {
                "session_id": session_id,
                "size": {"bytes": ALLOCATION_BYTES},
                "purpose": "temporary",
            }
            for _ in range(MAX_ITERATIONS):
                if loop.time() >= measure_to:
                    return
                await call("snapshot", "GET", snapshot_url, None, 200)
                if loop.time() >= measure_to:
                    return
                await call("health", "GET", health_url, None, 200)
                if loop.time() >= measure_to:
                    return
                created = await call("allocate", "POST", allocate_url, body, 201)
                if created is None:
                    continue
                allocation_id = json.loads(created)["value"]["id"]
                # always free (even past the window) so the pool does not fill up
                await call("free", "POST", f"{allocate_url}/{allocation_id}/free", None, 200)

        async def measure() -> dict[str, float]:
            await asyncio.sleep(max(measure_from - loop.time(), 0))
            start = meter.sample()
            await asyncio.sleep(max(measure_to - loop.time(), 0))
            return Meter.diff(start, meter.sample())

        workers = [asyncio.ensure_future(worker(i)) for i in range(concurrency)]
        cpu = await measure()
        await asyncio.wait_for(asyncio.gather(*workers), REQUEST_TIMEOUT * 4 + 5)

    everything = sorted(v for values in latencies.values() for v in values)
    requests = len(everything)
    result: dict[str, Any] = {
        "concurrency": concurrency,
        "warmup_s": warmup,
        "duration_s": duration,
        "requests": requests,
        "requests_per_s": requests / cpu["wall_s"],
        "p50_ms": percentile(everything, 50) * 1000,
        "p99_ms": percentile(everything, 99) * 1000,
        "server_cpu_us_per_request": cpu["server_cpu_s"] / max(requests, 1) * 1e6,
        "by_kind": {
            kind: {
                "requests": len(values),
                "p50_ms": percentile(sorted(values), 50) * 1000,
                "p99_ms": percentile(sorted(values), 99) * 1000,
            }
            for kind, values in latencies.items()
        },
        "errors": dict(errors),
    }
    result.update(cpu)
    return result


async def rest_bench(
    server: ServerProcess,
    concurrencies: list[int],
    warmup: float,
    duration: float,
    attempts: int,
    py_spy: str | None,
    py_spy_seconds: float,
    workdir: Path,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    meter = Meter(server.pid)
    sessions = [f"bench-rest-{i}" for i in range(16)]
    async with aiohttp.ClientSession() as http:
        for session_id in sessions:
            await configure(http, server.url, session_id, "large")
    results = []
    for concurrency in concurrencies:
        tried = []
        for _ in range(max(attempts, 1)):
            tried.append(
                await rest_load(server.url, meter, concurrency, warmup, duration, sessions)
            )
            if tried[-1]["other_busy_cores"] < OTHER_LOAD_LIMIT:
                break
            print(
                f"  REST C={concurrency}: other processes kept "
                f"{tried[-1]['other_busy_cores']:.2f} cores busy: measuring again",
                flush=True,
            )
        result = min(tried, key=lambda t: t["other_busy_cores"])
        result["attempts"] = [
            {k: t[k] for k in ("requests_per_s", "p50_ms", "p99_ms", "other_busy_cores")}
            for t in tried
        ]
        print(
            f"  REST C={concurrency}: {result['requests_per_s']:.0f} req/s, "
            f"p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, "
            f"server CPU {result['server_cpu_s']:.2f} s, errors {sum(result['errors'].values())}",
            flush=True,
        )
        results.append(result)
    profiled = None
    if py_spy and concurrencies:
        # an extra, unmeasured run at the highest concurrency while py-spy samples the server
        load = asyncio.ensure_future(
            rest_load(server.url, meter, max(concurrencies), 0.5, py_spy_seconds + 1.0, sessions)
        )
        await asyncio.sleep(0.5)
        profiled = await asyncio.to_thread(
            profile, py_spy, server.pid, py_spy_seconds, workdir / "rest"
        )
        await load
    return results, profiled


# --- WebSocket streaming ----------------------------------------------------------------------------


@dataclass
class Subscribers:
    """N WebSocket clients that subscribe once and then only read."""

    updates: int = 0
    update_bytes: int = 0
    other: collections.Counter[str] = field(default_factory=collections.Counter)
    closed: collections.Counter[str] = field(default_factory=collections.Counter)


async def stream_bench(
    server: ServerProcess,
    subscribers: int,
    sessions: int,
    window: float,
    connect_timeout: float,
    attempts: int,
    py_spy: str | None,
    py_spy_seconds: float,
    workdir: Path,
) -> dict[str, Any]:
    meter = Meter(server.pid)
    session_ids = [f"bench-ws-{i}" for i in range(sessions)]
    result: dict[str, Any] = {
        "subscribers": subscribers,
        "sessions": sessions,
        "update_interval_s": DEFAULT_UPDATE_INTERVAL,
        "window_s": window,
    }
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        for session_id in session_ids:
            await configure(http, server.url, session_id, "medium")
        # The idle baseline: sessions configured, nobody subscribed, nothing changing.
        await asyncio.sleep(1.0)
        result["idle_rss_bytes"] = proc_status(server.pid, "VmRSS")
        result["idle"], result["idle_attempts"] = await quiet_window(meter, window, attempts)
        print(
            f"  idle: server {result['idle']['server_cpu_pct_of_core']:.3f}% of a core",
            flush=True,
        )

        state = Subscribers()
        firsts = [asyncio.Event() for _ in range(subscribers)]
        sockets: list[aiohttp.ClientWebSocketResponse] = []
        readers: list[asyncio.Task[None]] = []
        gate = asyncio.Semaphore(64)
        ws_url = f"{server.url}{WS_ROUTE}"

        async def read(ws: aiohttp.ClientWebSocketResponse, first: asyncio.Event) -> None:
            async for message in ws:
                if message.type is not aiohttp.WSMsgType.TEXT:
                    break
                kind = json.loads(message.data).get("type")
                if kind == "memory_update":
                    state.updates += 1
                    state.update_bytes += len(message.data)
                    first.set()
                else:
                    state.other[str(kind)] += 1
            state.closed[str(ws.close_code)] += 1

        async def connect(index: int) -> None:
            async with gate:
                ws = await http.ws_connect(ws_url, autoping=True, max_msg_size=1 << 20)
                sockets.append(ws)
                session_id = session_ids[index % sessions]
                await ws.send_str(
                    json.dumps(
                        {
                            "type": "memory_subscribe",
                            "session_id": session_id,
                            "timestamp": time.time_ns() // 1_000_000,
                        }
                    )
                )
                readers.append(asyncio.ensure_future(read(ws, firsts[index])))

        try:
            connect_start = time.perf_counter()
            await asyncio.wait_for(
                asyncio.gather(*(connect(i) for i in range(subscribers))), connect_timeout
            )
            await asyncio.wait_for(
                asyncio.gather(*(event.wait() for event in firsts)), connect_timeout
            )
            result["connect_and_first_update_s"] = time.perf_counter() - connect_start
            print(
                f"  {subscribers} subscribers connected and updated in "
                f"{result['connect_and_first_update_s']:.1f} s",
                flush=True,
            )
            await asyncio.sleep(1.0)  # let the subscription burst settle

            def counters() -> tuple[int, int]:
                return state.updates, state.update_bytes

            streaming, result["streaming_attempts"] = await quiet_window(
                meter, window, attempts, counters
            )
            received = streaming["updates_received"]
            streaming["updates_per_s"] = received / streaming["wall_s"]
            streaming["expected_updates_per_s"] = subscribers / DEFAULT_UPDATE_INTERVAL
            streaming["update_bytes_avg"] = streaming["update_bytes"] / max(received, 1)
            streaming["server_cpu_us_per_update"] = (
                streaming["server_cpu_s"] / max(received, 1) * 1e6
            )
            result["streaming"] = streaming
            result["streaming_rss_bytes"] = proc_status(server.pid, "VmRSS")
            result["overhead_pct_of_core"] = (
                streaming["server_cpu_pct_of_core"] - result["idle"]["server_cpu_pct_of_core"]
            )
            result["open_after_window"] = sum(1 for ws in sockets if not ws.closed)
            result["other_messages"] = dict(state.other)
            result["closed_during_run"] = dict(state.closed)
            print(
                f"  streaming: server {streaming['server_cpu_pct_of_core']:.3f}% of a core, "
                f"{streaming['updates_per_s']:.0f} updates/s received",
                flush=True,
            )
            if py_spy:
                # the server is mostly idle here: sample longer and faster to see enough on-CPU stacks
                result["profile"] = profile(
                    py_spy, server.pid, py_spy_seconds * 2, workdir / "stream", rate=1000
                )
        finally:
            closing = [asyncio.ensure_future(ws.close()) for ws in sockets]
            if closing:
                await asyncio.wait(closing, timeout=30)
            for reader in readers:
                reader.cancel()
            await asyncio.gather(*readers, return_exceptions=True)
    return result


OTHER_LOAD_LIMIT = 0.3  # cores busy with other processes above which a window is measured again


async def quiet_window(
    meter: Meter,
    window: float,
    attempts: int,
    counters: Callable[[], tuple[int, int]] | None = None,
) -> tuple[dict[str, float], list[dict[str, float]]]:
    """Measure a window; again (up to `attempts` in all) while other processes kept more than
    OTHER_LOAD_LIMIT cores busy. Returns the first quiet one (else the least disturbed) and all."""
    tried: list[dict[str, float]] = []
    for _ in range(max(attempts, 1)):
        before = counters() if counters else (0, 0)
        start = meter.sample()
        await asyncio.sleep(window)
        cpu = Meter.diff(start, meter.sample())
        after = counters() if counters else (0, 0)
        cpu["updates_received"] = after[0] - before[0]
        cpu["update_bytes"] = after[1] - before[1]
        tried.append(cpu)
        if cpu["other_busy_cores"] < OTHER_LOAD_LIMIT:
            return cpu, tried
        print(
            f"  other processes kept {cpu['other_busy_cores']:.2f} cores busy: measuring again",
            flush=True,
        )
    return min(tried, key=lambda t: t["other_busy_cores"]), tried


# --- profiling (optional) ---------------------------------------------------------------------------


def profile(py_spy: str, pid: int, seconds: float, stem: Path, rate: int = 250) -> dict[str, Any]:
    """Sample the server with py-spy (outside any measured window); the top frames by own time."""
    raw = stem.with_suffix(".collapsed")
    raw.parent.mkdir(parents=True, exist_ok=True)
    command = [py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds))]
    command += ["--rate", str(rate), "--format", "raw", "--output", str(raw), "--nonblocking"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0 or not raw.exists():
        return {"error": (done.stderr or done.stdout).strip()[-2000:]}
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [f for f in stack.split(";") if f]
        if frames:
            own[short(frames[-1])] += n
        for frame in {short(f) for f in frames}:
            if not ROOT_FRAMES.search(frame):
                inclusive[frame] += n
    top = 15
    return {
        "samples": total,
        "seconds": seconds,
        "rate_hz": rate,
        "collapsed_file": str(raw),
        "own": [(f, n / max(total, 1) * 100) for f, n in own.most_common(top)],
        "inclusive": [(f, n / max(total, 1) * 100) for f, n in inclusive.most_common(top * 2)],
    }


# frames on (nearly) every stack, left out of the inclusive list
ROOT_FRAMES = re.compile(
    r"runpy|asyncio/runners\.py|run_forever|run_until_complete|_run_once|Handle\._run"
    r"|v6r_memory/(__main__|cli)\.py"
)


def short(frame: str) -> str:
    """`send_str (aiohttp/web_ws.py:123)` -> `send_str (aiohttp/web_ws.py)`, paths from site-packages."""
    frame = re.sub(r":\d+\)$", ")", frame)
    return re.sub(r"\(.*/(site-packages|python3\.\d+|generated/python)/", "(", frame)


def wait_idle(limit: float, threshold: float = 0.25) -> float:
    """Wait (at most `limit` seconds) until the machine is quiet for 3 s: less than `threshold` cores
    busy; returns the busy cores last seen."""
    deadline = time.monotonic() + limit
    while True:
        busy0, total0 = machine_ticks()
        time.sleep(3.0)
        busy1, total1 = machine_ticks()
        busy = (busy1 - busy0) / max(total1 - total0, 1) * (os.cpu_count() or 1)
        if busy < threshold or time.monotonic() >= deadline:
            return busy
        print(f"  waiting for the machine to go idle: {busy:.2f} cores busy", flush=True)


# --- report -----------------------------------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    speedups: dict[str, bool] = {}
    with contextlib.suppress(Exception):
        from aiohttp import http_parser, http_websocket

        speedups["http_parser_c"] = "_http_parser" in str(http_parser.HttpRequestParser)
        speedups["ws_reader_c"] = "reader_c" in str(getattr(http_websocket, "WebSocketReader", ""))
    return {
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "aiohttp": aiohttp.__version__,
        "aiohttp_speedups": speedups,
        "platform": platform.platform(),
        "loadavg_at_start": os.getloadavg(),
        "clk_tck": CLK_TCK,
        "nofile_soft_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
    }


def table(results: dict[str, Any]) -> str:
    facts = results["machine"]
    lines = [
        "### Machine",
        "",
        f"- nproc {facts['nproc']} ({facts['cpu_model']}), {facts['implementation']} "
        f"{facts['python']}, aiohttp {facts['aiohttp']} (C speedups: "
        f"{', '.join(f'{k}={v}' for k, v in facts['aiohttp_speedups'].items()) or 'unknown'})",
        f"- load average at start {', '.join(f'{x:.2f}' for x in facts['loadavg_at_start'])}; "
        "the load generator and the WebSocket clients run in one asyncio thread of the benchmark "
        f"process, on the same {facts['nproc']} cores as the server",
    ]
    if "rest" in results:
        lines += [
            "",
            "### REST (one server process; mix: GET snapshot, GET health, POST allocate, "
            "POST free)",
            "",
            "| C | requests/s | p50 ms | p99 ms | server CPU s | server % core | server us/req "
            "| client % core | other busy cores | errors | windows |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
    for r in results.get("rest", []):
        lines.append(
            f"| {r['concurrency']} | {r['requests_per_s']:.0f} | {r['p50_ms']:.2f} "
            f"| {r['p99_ms']:.2f} | {r['server_cpu_s']:.2f} ({r['server_user_s']:.2f} user + "
            f"{r['server_sys_s']:.2f} sys) / {r['wall_s']:.1f} s wall "
            f"| {r['server_cpu_pct_of_core']:.0f} | {r['server_cpu_us_per_request']:.0f} "
            f"| {r['client_cpu_pct_of_core']:.0f} | {r['other_busy_cores']:.2f} "
            f"| {sum(r['errors'].values())} | {len(r.get('attempts', [r]))} |"
        )
    if "rest" in results:
        lines += [
            "",
            "| C | snapshot p50/p99 ms | health p50/p99 ms | allocate p50/p99 ms "
            "| free p50/p99 ms |",
            "|---:|---:|---:|---:|---:|",
        ]
        for r in results["rest"]:
            cells = " | ".join(
                f"{r['by_kind'][k]['p50_ms']:.2f} / {r['by_kind'][k]['p99_ms']:.2f}" for k in MIX
            )
            lines.append(f"| {r['concurrency']} | {cells} |")
    stream = results.get("stream")
    if stream:
        idle, live = stream["idle"], stream.get("streaming")
        lines += [
            "",
            f"### WebSocket streaming (default interval {stream['update_interval_s']:g} s, "
            f"{stream['sessions']} sessions, {stream['window_s']:g} s windows, clients only read)",
            "",
            "| subscribers | server CPU s | server % of one core | updates/s received "
            "| server us/update | server RSS MiB | other busy cores |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| 0 (idle) | {idle['server_cpu_s']:.2f} ({idle['server_user_s']:.2f} user + "
            f"{idle['server_sys_s']:.2f} sys) | {idle['server_cpu_pct_of_core']:.3f} | 0 "
            f"| - | {stream['idle_rss_bytes'] / 2**20:.1f} | {idle['other_busy_cores']:.2f} |",
        ]
        if live:
            lines.append(
                f"| {stream['subscribers']} | {live['server_cpu_s']:.2f} "
                f"({live['server_user_s']:.2f} user + {live['server_sys_s']:.2f} sys) "
                f"| {live['server_cpu_pct_of_core']:.3f} | {live['updates_per_s']:.0f} "
                f"(expected {live['expected_updates_per_s']:.0f}) "
                f"| {live['server_cpu_us_per_update']:.0f} "
                f"| {stream['streaming_rss_bytes'] / 2**20:.1f} "
                f"| {live['other_busy_cores']:.2f} |"
            )
            verdict = "holds" if stream["overhead_pct_of_core"] < 1.0 else "does NOT hold"
            lines += [
                "",
                f"Streaming overhead: {stream['overhead_pct_of_core']:.2f}% of one core over idle "
                f"for {stream['subscribers']} subscribers (the seed's '<1% CPU' {verdict}); "
                f"{live['update_bytes_avg']:.0f} bytes per update; "
                f"{(stream['streaming_rss_bytes'] - stream['idle_rss_bytes']) / 2**10 / max(stream['subscribers'], 1):.1f}"  # noqa: E501
                " KiB RSS per subscriber; connect + first update of all took "
                f"{stream['connect_and_first_update_s']:.1f} s; windows measured: idle "
                f"{len(stream['idle_attempts'])}, streaming {len(stream['streaming_attempts'])} "
                f"(again while other processes kept >= {OTHER_LOAD_LIMIT} cores busy).",
            ]
        lines += profile_lines(
            stream.get("profile"), f"streaming to {stream['subscribers']} subscribers"
        )
    lines += profile_lines(results.get("rest_profile"), "REST at the highest concurrency")
    return "\n".join(lines)


def profile_lines(prof: dict[str, Any] | None, what: str) -> list[str]:
    if not prof:
        return []
    if "own" not in prof:
        return ["", f"py-spy failed ({what}): {prof.get('error')}"]
    lines = [
        "",
        f"py-spy of the server, {what}: {prof['seconds']:g} s at {prof['rate_hz']} Hz outside "
        f"the measured windows, {prof['samples']} on-CPU samples",
        "",
        "| own % | frame | | inclusive % | frame |",
        "|---:|---|---|---:|---|",
    ]
    own, inclusive = prof["own"], prof["inclusive"]
    for i in range(max(len(own), len(inclusive))):
        left = f"{own[i][1]:.1f} | `{own[i][0]}`" if i < len(own) else " | "
        right = f"{inclusive[i][1]:.1f} | `{inclusive[i][0]}`" if i < len(inclusive) else " | "
        lines.append(f"| {left} | | {right} |")
    return lines


# --- main -------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short windows, 100 subscribers")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the raw results here")
    parser.add_argument("--concurrency", default="1,16,64", help="REST workers (default 1,16,64)")
    parser.add_argument("--subscribers", type=int, help="WebSocket clients (default 1000)")
    parser.add_argument("--sessions", type=int, default=10, help="sessions they spread over")
    parser.add_argument("--skip-rest", action="store_true")
    parser.add_argument("--skip-stream", action="store_true")
    parser.add_argument("--py-spy", metavar="PATH", help="py-spy executable: profile the server")
    parser.add_argument(
        "--attempts",
        type=int,
        default=3,
        help="windows disturbed by other processes are measured again, this many in all",
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each part, wait up to this long for other processes to go quiet",
    )
    args = parser.parse_args()

    warmup, duration, window = (0.5, 2.0, 5.0) if args.quick else (1.0, 5.0, 20.0)
    subscribers = args.subscribers or (100 if args.quick else 1000)
    profile_seconds = 3.0 if args.quick else 10.0
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    nofile = raise_nofile()
    if nofile < subscribers + 64:
        print(f"only {nofile} open files allowed; {subscribers} subscribers need more")
        return 2

    results: dict[str, Any] = {"machine": machine_facts(), "quick": args.quick}
    results["command"] = " ".join([Path(sys.executable).name, *sys.argv])
    print(f"machine: {results['machine']}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-server-py-", ignore_cleanup_errors=True) as tmp:
        workdir = Path(tmp)
        if args.py_spy:  # keep the collapsed stacks
            workdir = Path(tempfile.mkdtemp(prefix="bench-server-py-profile-"))

        def with_server(
            name: str, interval: float | None, body: Callable[[ServerProcess], Any]
        ) -> Any:
            if args.wait_idle > 0:
                busy = wait_idle(args.wait_idle)
                results.setdefault("busy_cores_before", {})[name] = busy
            workdir.mkdir(parents=True, exist_ok=True)  # in case something cleaned /tmp
            server = ServerProcess(interval, workdir, name)
            server.start()
            print(f"{name}: server pid {server.pid} at {server.url}", flush=True)
            try:
                return asyncio.run(body(server))
            finally:
                code = server.stop()
                problems = [
                    line
                    for line in server.stderr_lines()
                    if "Traceback" in line or "ERROR" in line or "WARNING" in line
                ]
                results.setdefault("server_logs", {})[name] = {
                    "exit_code": code,
                    "problems": problems[:50],
                    "stderr_lines": len(server.stderr_lines()),
                }

        if not args.skip_rest:
            results["rest"], results["rest_profile"] = with_server(
                "rest",
                None,
                lambda server: rest_bench(
                    server,
                    concurrencies,
                    warmup,
                    duration,
                    args.attempts,
                    args.py_spy,
                    profile_seconds,
                    workdir,
                ),
            )
        if not args.skip_stream:
            results["stream"] = with_server(
                "stream",
                None,  # the default update interval
                lambda server: stream_bench(
                    server,
                    subscribers,
                    args.sessions,
                    window,
                    connect_timeout=120.0,
                    attempts=args.attempts,
                    py_spy=args.py_spy,
                    py_spy_seconds=profile_seconds,
                    workdir=workdir,
                ),
            )
    print()
    print(table(results))
    print()
    print(f"server logs: {json.dumps(results.get('server_logs', {}))}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
        print(f"raw results in {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
