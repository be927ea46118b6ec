"""Benchmark `v6r-codegen generate` as a whole process, cold and warm, on the bundled and synthetic schemas.

    .venv/bin/python bench/generate.py                 # the full run recorded in bench/README.md
    .venv/bin/python bench/generate.py --quick         # smoke test: bundled, 10 and 100 types, one run each
    .venv/bin/python bench/generate.py --json bench/results/full.json

Each measurement forks one `v6r-codegen generate --timings` process into a fresh, empty --out folder and
reads that child's own wall time and peak RSS (os.wait4, so every run has its own ru_maxrss rather than
the cumulative RUSAGE_CHILDREN maximum). Cold runs pass --no-cache (and point V6R_CODEGEN_CACHE at a fresh
empty folder, which must stay empty); warm runs point V6R_CODEGEN_CACHE at a folder primed by one run that
is not counted. The stage breakdown is the JSON object --timings prints as its last stderr line (medians
over the runs). After the runs, the generated Python package of each case is imported in a fresh
interpreter (`python -c "import <pkg>"`, PYTHONPATH=<out>/python), timed the same way; a failure is
reported, never hidden.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SYNTH = BENCH / "synth_schema.py"
BUNDLED = REPO / "schema" / "v6r-memory.yaml"

# Top-level stages of --timings (they do not overlap): these plus every `target.*` key; the python.* keys
# are parts of target.python.
TOP_STAGES = ("load", "validate", "ir")
SUB_STAGES = ("python.datamodel-codegen", "python.black-import", "python.black", "python.templates")


@dataclass
class Case:
    label: str
    schema: Path
    types: int
    runs: int
    kind: str  # bundled | mixed | linked | chain


@dataclass
class Run:
    ok: bool
    wall_s: float
    maxrss_kb: int
    returncode: int
    timings: dict[str, float] | None
    error: str | None = None
    busy_before: float | None = None


@dataclass
class Measurement:
    case: str
    types: int
    kind: str
    mode: str  # cold | warm
    runs: list[Run] = field(default_factory=list)
    note: str | None = None

    @property
    def ok_runs(self) -> list[Run]:
        return [r for r in self.runs if r.ok]


@dataclass
class ImportCheck:
    case: str
    package: str | None
    ok: bool
    wall_s: float | None
    maxrss_kb: int | None
    error: str | None
    busy_before: float | None = None


# -- the machine is shared: wait for it to be quiet ------------------------------------------------

IDLE_WAIT = {"max_s": 0.0, "threshold": 0.25}


def cpu_busy(interval: float = 0.5) -> float:
    """Fraction of all CPUs busy over `interval` (Linux /proc/stat); 0.0 where unavailable."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return idle, sum(fields)

    try:
        idle0, total0 = sample()
        time.sleep(interval)
        idle1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    total = total1 - total0
    return 0.0 if total <= 0 else 1.0 - (idle1 - idle0) / total


def wait_for_idle() -> float:
    """Wait (at most --wait-idle seconds) until other processes use under --idle-threshold of the CPUs;
    return the last busy fraction seen, recorded with each run."""
    threshold = IDLE_WAIT["threshold"]
    deadline = time.monotonic() + IDLE_WAIT["max_s"]
    busy = cpu_busy()
    while busy >= threshold and time.monotonic() < deadline:
        busy = cpu_busy(1.0)
    return round(busy, 3)


# -- processes --------------------------------------------------------------------------------------


def run_measured(
    argv: list[str], env: dict[str, str], cwd: Path, timeout: float, scratch: Path
) -> tuple[int, float, int, str, str]:
    """Run argv; return (returncode, wall seconds, peak RSS in KB of that child, stdout, stderr)."""
    out_path, err_path = scratch / "stdout", scratch / "stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                wall = time.perf_counter() - start
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - start
                status = -1
                break
            time.sleep(0.005)
    proc.returncode = 0  # reaped by wait4 above; keep Popen from trying again
    if status == -1:
        code = -9
    elif os.WIFSIGNALED(status):
        code = -os.WTERMSIG(status)
    else:
        code = os.WEXITSTATUS(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    if status == -1:
        stderr += f"\n[bench] killed after the {timeout:.0f} s timeout"
    return code, wall, usage.ru_maxrss, stdout, stderr  # ru_maxrss is in KB on Linux


def last_json_line(stderr: str) -> dict[str, float] | None:
    for line in reversed(stderr.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None


def error_summary(stderr: str, lines: int = 3) -> str:
    tail = [line for line in stderr.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(s.strip() for s in tail) or "(no stderr)"


def child_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["V6R_CODEGEN_CACHE"] = str(cache)
    env.pop("PYTHONPATH", None)
    return env


def work_dir(out: Path) -> Path:
    """Processes run in the benchmark's work folder, never in the checkout (see snapshot())."""
    return out.parent


def generate_once(
    cli: Path, case: Case, out: Path, cache: Path, cold: bool, timeout: float, scratch: Path
) -> Run:
    if out.exists():
        shutil.rmtree(out)
    argv = [str(cli), "generate", "--schema", str(case.schema), "--out", str(out), "--timings"]
    if cold:
        argv.append("--no-cache")
    busy = wait_for_idle()
    code, wall, rss, _stdout, stderr = run_measured(
        argv, child_env(cache), work_dir(out), timeout, scratch
    )
    timings = last_json_line(stderr) if code == 0 else None
    error = None
    if code != 0:
        error = f"exit {code}: {error_summary(stderr)}"
    elif timings is None:
        error = "no --timings JSON on the last stderr line"
    return Run(
        ok=code == 0 and timings is not None,
        wall_s=wall,
        maxrss_kb=rss,
        returncode=code,
        timings=timings,
        error=error,
        busy_before=busy,
    )


def measure(
    cli: Path, case: Case, mode: str, work: Path, timeout: float, keep: Path | None
) -> Measurement:
    m = Measurement(case.label, case.types, case.kind, mode)
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    out = work / f"out-{case.label}-{mode}"
    if mode == "warm":
        cache = work / f"cache-{case.label}"
        if cache.exists():
            shutil.rmtree(cache)
        prime = generate_once(cli, case, out, cache, False, timeout, scratch)
        if not prime.ok:
            m.runs.append(prime)
            m.note = "priming run failed"
            return m
    for i in range(case.runs):
        if mode == "cold":
            cache = work / f"cache-cold-{case.label}-{i}"
            if cache.exists():
                shutil.rmtree(cache)
            cache.mkdir()
        run = generate_once(cli, case, out, cache, mode == "cold", timeout, scratch)
        m.runs.append(run)
        if mode == "cold" and any(cache.iterdir()):
            m.note = "--no-cache wrote to the cache folder"
        if not run.ok:
            break  # a failing case fails the same way every time; do not repeat a slow failure
    if keep is not None and out.exists() and m.ok_runs:
        if keep.exists():
            shutil.rmtree(keep)
        shutil.move(str(out), str(keep))
    elif out.exists():
        shutil.rmtree(out)
    return m


def package_of(out: Path) -> str | None:
    root = out / "python"
    if not root.is_dir():
        return None
    packages = sorted(p.name for p in root.iterdir() if (p / "__init__.py").is_file())
    return packages[0] if packages else None


def import_check(python: str, case: Case, out: Path, work: Path, timeout: float) -> ImportCheck:
    package = package_of(out)
    if package is None:
        return ImportCheck(
            case.label, None, False, None, None, f"no generated package under {out}/python"
        )
    env = dict(os.environ)
    env["PYTHONPATH"] = str(out / "python")
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # every check compiles from source, as a first import does
    scratch = work / "scratch"
    busy = wait_for_idle()
    code, wall, rss, _out, stderr = run_measured(
        [python, "-c", f"import {package}"], env, work, timeout, scratch
    )
    error = None if code == 0 else f"exit {code}: {error_summary(stderr)}"
    return ImportCheck(case.label, package, code == 0, wall, rss, error, busy)


# -- what is measured -------------------------------------------------------------------------------


def source_digest(root: Path) -> str:
    """SHA-256 over the generator's sources and templates, to say exactly which code was measured."""
    import hashlib

    h = hashlib.sha256()
    for folder in ("generator", "templates", "schema"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(
                    path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
                )
    return h.hexdigest()


def snapshot(python: str, work: Path) -> Path:
    """Copy the generator, templates and schema into `work` and return a `v6r-codegen` that runs that copy,
    so edits made to the checkout while the benchmark runs cannot change the code under measurement.
    """
    snap = work / "snapshot"
    if snap.exists():
        shutil.rmtree(snap)
    snap.mkdir()
    for folder in ("generator", "templates", "schema"):
        shutil.copytree(REPO / folder, snap / folder, ignore=shutil.ignore_patterns("__pycache__"))
    cli = snap / "v6r-codegen"
    # PYTHONPATH puts the copy ahead of the editable install's checkout entry; -P keeps the working
    # directory off sys.path, so a run started inside the checkout still imports the copy.
    cli.write_text(f'#!/bin/sh\nPYTHONPATH="{snap}" exec "{python}" -P -m generator "$@"\n')
    cli.chmod(0o755)
    return cli


def warm_up(cli: Path, work: Path, timeout: float) -> str | None:
    """One untimed run so the first measurement does not pay for compiling the generator's .pyc files."""
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    out = work / "warm-up-out"
    code, _wall, _rss, _o, stderr = run_measured(
        [str(cli), "generate", "--schema", str(BUNDLED), "--out", str(out), "--no-cache"],
        child_env(work / "warm-up-cache"),
        work,
        timeout,
        scratch,
    )
    shutil.rmtree(out, ignore_errors=True)
    return None if code == 0 else error_summary(stderr)


# -- cases ------------------------------------------------------------------------------------------


def synth(python: str, n: int, kind: str, folder: Path) -> Path:
    path = folder / f"{kind}-{n}.yaml"
    argv = [
        python,
        str(SYNTH),
        str(n),
        *({"chain": ["--chain"], "linked": ["--linked"]}.get(kind, [])),
    ]
    with open(path, "wb") as f:
        subprocess.run(argv, stdout=f, check=True)
    return path


def cases_for(args: argparse.Namespace, python: str, folder: Path) -> list[Case]:
    def runs(n: int) -> int:
        if args.runs is not None:
            return args.runs
        return 1 if args.quick else (3 if n >= 500 else 5)

    cases = [Case("bundled", BUNDLED, count_types(BUNDLED), runs(0), "bundled")]
    sizes = [10, 100] if args.quick else args.sizes
    chains = [] if args.quick else args.chains
    linked = [] if args.quick else args.linked
    for kind, ns in (("mixed", sizes), ("linked", linked), ("chain", chains)):
        for n in ns:
            cases.append(Case(f"{kind}-{n}", synth(python, n, kind, folder), n, runs(n), kind))
    return cases


def count_types(path: Path) -> int:
    import yaml  # the benchmark runs in the project's venv, which has PyYAML

    return len(yaml.safe_load(path.read_text(encoding="utf-8"))["types"])


# -- report -----------------------------------------------------------------------------------------


def median_timings(runs: list[Run]) -> dict[str, float]:
    keys = sorted({k for r in runs if r.timings for k in r.timings})
    return {k: statistics.median(r.timings.get(k, 0.0) for r in runs if r.timings) for k in keys}


def fmt_s(value: float | None) -> str:
    return "-" if value is None else (f"{value:.3f}" if value < 10 else f"{value:.1f}")


def summary(m: Measurement) -> dict[str, Any]:
    ok = m.ok_runs
    if not ok:
        failed = m.runs[-1] if m.runs else None
        return {
            "ok": False,
            "error": failed.error if failed else "not run",
            "wall_s": failed.wall_s if failed else None,
            "maxrss_mb": failed.maxrss_kb / 1024 if failed else None,
        }
    walls = [r.wall_s for r in ok]
    stages = median_timings(ok)
    accounted = sum(v for k, v in stages.items() if k in TOP_STAGES or k.startswith("target."))
    wall = statistics.median(walls)
    return {
        "ok": True,
        "runs": len(ok),
        "wall_s": wall,
        "wall_min_s": min(walls),
        "wall_max_s": max(walls),
        "maxrss_mb": max(r.maxrss_kb for r in ok) / 1024,
        "stages": stages,
        "outside_stages_s": wall - accounted,
    }


def markdown(measurements: list[Measurement], imports: list[ImportCheck]) -> str:
    # target.python first, then whatever other targets the generator reported (jsonschema, typescript, ...)
    seen = {k for m in measurements for r in m.ok_runs for k in (r.timings or {})}
    targets = [
        "target.python",
        *sorted(k for k in seen if k.startswith("target.") and k != "target.python"),
    ]
    head = (
        "| case | types | cache | runs | wall median (s) | min-max (s) | peak RSS (MB) | load | validate | ir "
        "| dmcg | black import | black | templates | " + " | ".join(targets) + " | outside stages |"
    )
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    failures = []
    for m in measurements:
        s = summary(m)
        if not s["ok"]:
            failures.append(f"- {m.case} ({m.mode}): {s['error']}")
            rss = "-" if s["maxrss_mb"] is None else f"{s['maxrss_mb']:.0f}"
            cells = [
                m.case,
                str(m.types),
                m.mode,
                "0",
                "**FAILED**",
                f"failed after {fmt_s(s['wall_s'])}",
                rss,
            ]
            rows.append("| " + " | ".join(cells + ["-"] * (8 + len(targets))) + " |")
            continue
        st = s["stages"]
        cells = [
            m.case,
            str(m.types),
            m.mode,
            str(s["runs"]),
            f"**{fmt_s(s['wall_s'])}**",
            f"{fmt_s(s['wall_min_s'])}-{fmt_s(s['wall_max_s'])}",
            f"{s['maxrss_mb']:.0f}",
            *(fmt_s(st.get(k)) for k in ("load", "validate", "ir")),
            *(fmt_s(st.get(k)) for k in SUB_STAGES),
            *(fmt_s(st.get(k)) for k in targets),
            fmt_s(s["outside_stages_s"]),
        ]
        row = "| " + " | ".join(cells) + " |"
        if m.note:
            row += f" ⚠ {m.note}"
        rows.append(row)
    if failures:
        rows += ["", "Failures:", *failures]
    rows += [
        "",
        "Stage columns are medians of the --timings values in seconds; `dmcg` is datamodel-code-generator. "
        "dmcg, black import, black and templates are parts of target.python. `outside stages` is the wall time "
        "minus load, validate, ir and the targets: interpreter start, imports, and writing the files. "
        "A `-` stage did not run (warm cache hits skip dmcg and black).",
        "",
        "| generated package import | package | ok | wall (s) | peak RSS (MB) | error |",
        "|---|---|---|---|---|---|",
    ]
    for c in imports:
        rss = "-" if c.maxrss_kb is None else f"{c.maxrss_kb / 1024:.0f}"
        err = (c.error or "").replace("|", "/")
        rows.append(
            f"| {c.case} | {c.package or '-'} | {'yes' if c.ok else '**NO**'} | {fmt_s(c.wall_s)} | {rss} | {err} |"
        )
    return "\n".join(rows) + "\n"


def machine(python: str) -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()
        info["mem_gb"] = round(int(mem[1]) / 1024 / 1024, 1)
    except (OSError, IndexError, ValueError):
        pass
    try:
        from importlib import metadata

        info["versions"] = {
            d: metadata.version(d)
            for d in ("pydantic", "pydantic-core", "black", "datamodel-code-generator", "PyYAML")
        }
    except Exception as exc:
        info["versions"] = f"unknown ({exc})"
    info["python_executable"] = python
    return info


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="bundled, 10 and 100 types, one run each, no chains"
    )
    p.add_argument(
        "--runs", type=int, default=None, help="runs per measurement (default 5; 3 from 500 types)"
    )
    p.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[10, 100, 1000],
        help="mixed schema sizes (default 10,100,1000)",
    )
    p.add_argument(
        "--chains",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[200, 990, 1000],
        help="chain depths (default 200,990,1000; 990 is just under where the generator's cycle "
        "check currently overflows the stack)",
    )
    p.add_argument(
        "--linked",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[200, 1000],
        help="sizes of the --linked mixed schema, a nullable forward chain through every record "
        "(default 200,1000)",
    )
    p.add_argument("--modes", default="cold,warm", help="cold, warm or both (default cold,warm)")
    p.add_argument(
        "--cli",
        type=Path,
        default=REPO / ".venv" / "bin" / "v6r-codegen",
        help="the v6r-codegen to run",
    )
    p.add_argument(
        "--python", default=None, help="interpreter for import checks (default: the venv's python)"
    )
    p.add_argument(
        "--timeout", type=float, default=900.0, help="seconds before a single process is killed"
    )
    p.add_argument("--json", type=Path, default=None, help="write raw results to this file")
    p.add_argument(
        "--snapshot",
        action="store_true",
        help="measure a copy of generator/, templates/ and schema/ taken at start (run with the venv's "
        "python -m generator), so concurrent edits to the checkout do not change the code mid-run",
    )
    p.add_argument(
        "--wait-idle",
        type=float,
        default=60.0,
        help="before each timed process, wait up to this many seconds for other load to drop under "
        "--idle-threshold (default 60; 0 disables); the load seen is recorded per run",
    )
    p.add_argument(
        "--idle-threshold",
        type=float,
        default=0.25,
        help="fraction of all CPUs others may keep busy before a run starts (default 0.25; 0.6 on "
        "a 2-core machine means: at least one core free, enough for the single-threaded "
        "generator)",
    )
    p.add_argument(
        "--keep", type=Path, default=None, help="keep the work folder (schemas, outputs) here"
    )
    args = p.parse_args(argv)

    python = args.python or str(REPO / ".venv" / "bin" / "python")
    if not args.cli.exists():
        p.error(f"{args.cli} does not exist; create the venv first (make run or make test do)")
    modes = [m for m in args.modes.split(",") if m]
    work = Path(tempfile.mkdtemp(prefix="v6r-bench-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    IDLE_WAIT["max_s"] = args.wait_idle
    IDLE_WAIT["threshold"] = args.idle_threshold
    try:
        cli = snapshot(python, work) if args.snapshot else args.cli
        digest = source_digest(cli.parent if args.snapshot else REPO)
        problem = warm_up(cli, work, args.timeout)
        if problem is not None:
            # The bundled schema must generate; if it does not, the code is broken or half edited and
            # nothing measured would mean anything.
            print(
                f"[bench] the untimed warm-up run on the bundled schema failed, aborting: {problem}",
                file=sys.stderr,
            )
            return 2
        cases = cases_for(args, python, work)
        measurements: list[Measurement] = []
        imports: list[ImportCheck] = []
        for case in cases:
            kept = work / f"kept-{case.label}"
            for mode in modes:
                print(
                    f"[bench] {case.label} ({case.types} types) {mode} x{case.runs} ...",
                    file=sys.stderr,
                    flush=True,
                )
                m = measure(cli, case, mode, work, args.timeout, kept if mode == modes[0] else None)
                s = summary(m)
                print(
                    "[bench]   -> "
                    + (f"median {s['wall_s']:.3f} s" if s["ok"] else f"FAILED: {s['error']}"),
                    file=sys.stderr,
                    flush=True,
                )
                measurements.append(m)
            if kept.exists():
                check = import_check(python, case, kept, work, args.timeout)
            else:
                check = ImportCheck(
                    case.label, None, False, None, None, "generation failed; nothing to import"
                )
            print(
                f"[bench]   import: {f'ok {check.wall_s:.3f} s' if check.ok else 'FAILED: ' + str(check.error)}",
                file=sys.stderr,
                flush=True,
            )
            imports.append(check)
        info = machine(python)
        info["generator_sha256"] = digest
        info["cli"] = str(cli) + (" (snapshot of the checkout)" if args.snapshot else "")
        table = markdown(measurements, imports)
        print(
            f"Machine: {info.get('cpu', '?')}, nproc {info['nproc']}, Python {info['python']}, "
            f"{info.get('mem_gb', '?')} GB RAM; generator sources sha256 {digest[:12]}"
            f"{' (snapshot)' if args.snapshot else ''}\n"
        )
        print(table)
        if args.json is not None:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            raw = {
                "command": " ".join([Path(sys.executable).name, *sys.argv]),
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
                "duration_s": round(time.time() - started, 1),
                "machine": info,
                "cases": [{**asdict(c), "schema": str(c.schema)} for c in cases],
                "measurements": [{**asdict(m), "summary": summary(m)} for m in measurements],
                "imports": [asdict(c) for c in imports],
            }
            args.json.write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
            print(f"raw results: {args.json}", file=sys.stderr)
        failed = [m for m in measurements if not m.ok_runs] + [c for c in imports if not c.ok]
        return 1 if failed else 0
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
