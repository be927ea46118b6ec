"""Shared test fixtures: the repository's paths and a way to run the CLI in process."""

from __future__ import annotations

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
