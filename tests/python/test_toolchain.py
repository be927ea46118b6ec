"""The generated Python passes the tools a user's CI runs: black --check, mypy --strict, and a clean import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.python.generated_packages import ROOT, packages

BIN = Path(sys.executable).parent


def test_black_check_passes_on_every_generated_package() -> None:
    folders = [str(p.source) for p in packages()]
    result = subprocess.run(
        [BIN / "black", "--check", "--line-length", "100", "--target-version", "py311", *folders],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


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
