"""The generated Python passes the tools a user's CI runs: black --check, mypy --strict, and a clean import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.python.generated_packages import ROOT, packages

BIN = Path(sys.executable).parent


def test_black_check_passes_on_every_generated_package(tmp_path: Path) -> None:
    # The project's own black config excludes generated/ and tests/golden/ (so `black .` leaves them alone),
    # which would make this check vacuous: give black a config of its own and count what it checked.
    config = tmp_path / "black.toml"
    config.write_text('[tool.black]\nline-length = 100\ntarget-version = ["py311"]\n')
    folders = [str(p.source) for p in packages()]
    result = subprocess.run(
        [BIN / "black", "--check", "--config", str(config), *folders],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    expected = sum(len(list(p.source.rglob("*.py"))) for p in packages())
    assert f"{expected} files would be left unchanged" in result.stderr, result.stderr


def test_mypy_strict_passes_on_every_generated_package() -> None:
    found = packages()
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(p.source) for p in found)}
    args = [str(BIN / "mypy"), "--strict", "--no-incremental", "--python-version", "3.11"]
    for p in found:
        args += ["-p", p.name]
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT / "tests", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_package_imports_in_a_fresh_interpreter_without_warnings() -> None:
    for p in packages():
        result = subprocess.run(
            [sys.executable, "-W", "error", "-c", f"import {p.name}"],
            capture_output=True,
            text=True,
            cwd=p.source,
        )
        assert result.returncode == 0, f"{p.name}: {result.stderr}"
