"""Golden cases: each folder holds schema.yaml and either expected/ (every generated file, plus ir.json)
or error.txt (the exact diagnostics, each naming file:line:col). Adding a case is adding a folder.

UPDATE_GOLDEN=1 pytest tests/golden rewrites the expectations; review the diff before committing.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path, PurePosixPath

import pytest

from generator import pipeline
from generator.errors import SchemaError
from generator.ir.dump import dump

HERE = Path(__file__).resolve().parent
CASES = sorted(p.parent.name for p in HERE.glob("*/schema.yaml"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
FIX = "UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden"


def render_case(case: Path) -> tuple[dict[PurePosixPath, str] | None, str | None]:
    """Everything the generator makes of a case: files, or the error text."""
    try:
        result = pipeline.generate(case / "schema.yaml", "schema.yaml")
    except SchemaError as exc:
        return None, str(exc) + "\n"
    schema = pipeline.load_schema(case / "schema.yaml", "schema.yaml")
    outputs = dict(result.outputs)
    outputs[PurePosixPath("ir.json")] = dump(schema)
    return outputs, None


def read_tree(root: Path) -> dict[PurePosixPath, str]:
    return {
        PurePosixPath(p.relative_to(root).as_posix()): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def write_tree(root: Path, files: dict[PurePosixPath, str]) -> None:
    if root.exists():
        shutil.rmtree(root)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode("utf-8"))


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 10
    assert sum((HERE / c / "error.txt").exists() for c in CASES) >= 3


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    case = HERE / name
    outputs, error = render_case(case)
    error_file, expected_dir = case / "error.txt", case / "expected"
    if UPDATE:
        if error is not None:
            error_file.write_text(error, encoding="utf-8")
            shutil.rmtree(expected_dir, ignore_errors=True)
        else:
            assert outputs is not None
            write_tree(expected_dir, outputs)
            error_file.unlink(missing_ok=True)
        return

    if error_file.exists():
        assert error is not None, f"{name}: the schema was accepted, but error.txt expects it rejected"
        expected_error = error_file.read_text(encoding="utf-8")
        assert error == expected_error, _diff(expected_error, error, "error.txt")
        for line in error.splitlines():
            assert line.startswith("schema.yaml:"), f"diagnostic without file:line:col: {line}"
        return

    assert error is None, f"{name}: the schema was rejected:\n{error}\nRun: {FIX}"
    assert outputs is not None
    expected = read_tree(expected_dir)
    problems = []
    for rel in sorted(set(expected) | set(outputs)):
        if rel not in outputs:
            problems.append(f"{rel}: expected but no longer generated")
        elif rel not in expected:
            problems.append(f"{rel}: generated but not in expected/")
        elif outputs[rel] != expected[rel]:
            problems.append(_diff(expected[rel], outputs[rel], str(rel)))
    assert not problems, "\n".join(problems) + f"\n\nIf the change is intended, run: {FIX}"


def _diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        f"expected/{name}",
        f"actual/{name}",
    )
    return "".join(lines)
