"""`make conformance`: run everything conformance-related and print one table.

- vectors: the Python (pytest test_python_vectors.py), TypeScript (run-tests.mjs conformance) and Go
  (go test -run TestConformanceVectors) runners;
- traces: the Python pool (pytest test_traces.py) and the Go pool (go test -run TestPoolTraces);
- scenarios: the scenario suite against the Python and the Go server (pytest test_scenarios.py);
- clients: the six client-server pairs of the client matrix (pytest test_client_matrix.py).

The pytest modules run in one pytest process (-q -rA, whose per-test PASSED/FAILED/XFAIL lines are counted).
Exits non-zero if any runner fails or reports fewer passes than cases.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PYTEST_MODULES = [
    "test_python_vectors.py",
    "test_traces.py",
    "test_scenarios.py",
    "test_client_matrix.py",
]
CLIENTS = ["python", "typescript", "go"]
SERVERS = ["python", "go"]


@dataclass
class Row:
    group: str
    name: str
    passed: int = 0
    total: int = 0
    xfailed: int = 0

    @property
    def ok(self) -> bool:
        return self.total > 0 and self.passed + self.xfailed == self.total


def run(command: list[str], cwd: Path) -> tuple[int, str]:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def pytest_outcomes(output: str) -> dict[str, str]:
    """nodeid (relative to tests/conformance) -> PASSED, FAILED, ERROR, XFAIL, XPASS or SKIPPED."""
    outcomes: dict[str, str] = {}
    pattern = re.compile(r"^(PASSED|FAILED|ERROR|XFAIL|XPASS|SKIPPED)(?: \[\d+\])? (\S+)")
    for line in output.splitlines():
        match = pattern.match(line)
        if match is not None:
            outcomes[match.group(2).split("tests/conformance/", 1)[-1]] = match.group(1)
    return outcomes


def count(row: Row, outcomes: dict[str, str], keep: re.Pattern[str]) -> Row:
    for nodeid, outcome in outcomes.items():
        if keep.search(nodeid):
            row.total += 1
            row.passed += outcome == "PASSED"
            row.xfailed += outcome == "XFAIL"
    return row


def summary_row(group: str, name: str, output: str, label: str) -> Row:
    """A row from a `<label>: N cases, P passed, X expected failures` line."""
    match = re.search(rf"{label}: (\d+) cases, (\d+) passed(?:, (\d+) expected failures)?", output)
    if match is None:
        return Row(group, name)
    return Row(group, name, int(match.group(2)), int(match.group(1)), int(match.group(3) or 0))


def main() -> int:
    failures: list[str] = []

    code, py_out = run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *PYTEST_MODULES],
        HERE,
    )
    if code != 0:
        failures.append("pytest " + " ".join(PYTEST_MODULES))
    outcomes = pytest_outcomes(py_out)

    code, ts_out = run(["node", "run-tests.mjs", "conformance"], ROOT / "tests" / "typescript")
    if code != 0:
        failures.append("node run-tests.mjs conformance")

    code, go_out = run(
        ["go", "test", "-count=1", "-run", "^(TestConformanceVectors|TestPoolTraces)$", "-v", "."],
        ROOT / "tests" / "go",
    )
    if code != 0:
        failures.append("go test -run TestConformanceVectors|TestPoolTraces")
    go_traces = Row("traces", "go pool")
    for match in re.finditer(r"--- (PASS|FAIL): TestPoolTraces/", go_out):
        go_traces.total += 1
        go_traces.passed += match.group(1) == "PASS"

    rows = [
        count(Row("vectors", "python"), outcomes, re.compile(r"::test_vector\[")),
        summary_row("vectors", "typescript", ts_out, "typescript conformance"),
        summary_row("vectors", "go", go_out, "go conformance"),
        count(Row("traces", "python pool"), outcomes, re.compile(r"::test_trace\[")),
        go_traces,
    ]
    for server in SERVERS:
        keep = re.compile(rf"::test_scenario\[.*-{server}\]$")
        rows.append(count(Row("scenarios", f"{server} server"), outcomes, keep))
    for client in CLIENTS:
        for server in SERVERS:
            pair = f"{client}-client/{server}-server"
            keep = re.compile(rf"::test_client_server_pair\[{re.escape(pair)}\]$")
            rows.append(count(Row("clients", pair), outcomes, keep))

    print(f"{'':10} {'':32} {'passed':>6} / {'total':<5}  result")
    for row in rows:
        note = "ok" if row.ok else "FAIL"
        if row.xfailed:
            note += f" ({row.xfailed} expected failures)"
        print(f"{row.group:10} {row.name:32} {row.passed:>6} / {row.total:<5}  {note}")
        if not row.ok:
            failures.append(f"{row.group} {row.name}")

    if failures:
        print("\nconformance FAILED: " + "; ".join(dict.fromkeys(failures)), file=sys.stderr)
        for name, output in (("pytest", py_out), ("typescript", ts_out), ("go", go_out)):
            print(f"\n--- {name} output (tail) ---", file=sys.stderr)
            print("\n".join(output.splitlines()[-40:]), file=sys.stderr)
        return 1
    print("\nconformance: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
