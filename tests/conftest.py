"""Shared test fixtures: the repository's paths and a way to run the CLI in process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATED_PYTHON = ROOT / "generated" / "python"

# The committed generated package is what tests/python imports.
if str(GENERATED_PYTHON) not in sys.path:
    sys.path.insert(0, str(GENERATED_PYTHON))


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The npm packages of tests/typescript (tsc, esbuild, React...), installed from the committed lock when
    missing: pytest runs before `make test` reaches the TypeScript toolchain."""
    folder = ROOT / "tests" / "typescript"
    if not all((folder / "node_modules" / p).exists() for p in (".bin/tsc", "esbuild")):
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True
        )
    return folder / "node_modules"
