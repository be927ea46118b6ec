"""The generated Python packages the tests exercise: the committed one and every golden case's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Package:
    name: str  # the import name
    source: Path  # the folder that holds the package (what goes on sys.path)
    schema: Path


def packages() -> list[Package]:
    found = [
        Package("v6r_memory", ROOT / "generated" / "python", ROOT / "schema" / "v6r-memory.yaml")
    ]
    for case in sorted((ROOT / "tests" / "golden").glob("*/expected/python")):
        names = [p.name for p in case.iterdir() if (p / "__init__.py").exists()]
        assert len(names) == 1, case
        found.append(Package(names[0], case, case.parents[1] / "schema.yaml"))
    return found
