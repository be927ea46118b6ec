"""The command line as a user runs it: exit codes, what it prints, and what it does to the output folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", [[], ["generate"], ["check"], ["validate"], ["ir"]])
def test_help_for_every_command(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: v6r-codegen" in result.stdout


@pytest.mark.parametrize(
    "args",
    [[], ["frobnicate"], ["generate", "--target", "cobol"], ["validate"], ["generate", "--bogus"]],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert "usage:" in result.stderr


def test_validate_reports_three_separate_mistakes_with_locations() -> None:
    result = run("validate", "tests/golden/invalid_three_mistakes/schema.yaml")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("tests/golden/")]
    assert [line.split(": ", 1)[0] for line in lines] == [
        "tests/golden/invalid_three_mistakes/schema.yaml:11:38",
        "tests/golden/invalid_three_mistakes/schema.yaml:19:5",
        "tests/golden/invalid_three_mistakes/schema.yaml:25:15",
    ]
    assert "'uint65'" in lines[0] and "additionalItems" in lines[1] and "'FETCH'" in lines[2]
    assert result.stderr.rstrip().endswith("3 problems")


def test_validate_accepts_the_bundled_schema() -> None:
    result = run("validate", "schema/v6r-memory.yaml")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("schema/v6r-memory.yaml: ok")


def test_validate_reports_python_name_collisions() -> None:
    result = run("validate", "tests/golden/invalid_collision/schema.yaml")
    assert result.returncode == 1
    assert "are both named 'MemorySize' in Python" in result.stderr


def test_validate_missing_file_is_a_located_error() -> None:
    result = run("validate", "no/such/schema.yaml")
    assert result.returncode == 1
    assert result.stderr.startswith("no/such/schema.yaml:1:1: cannot read schema")


def test_ir_prints_the_ir_as_json() -> None:
    result = run("ir", "schema/v6r-memory.yaml")
    assert result.returncode == 0, result.stderr
    ir = json.loads(result.stdout)
    names = {t["name"]: t["node"] for t in ir["types"]}
    assert names["MemoryUsageSnapshot"] == "Record"
    assert names["PlatformProfile"] == "Union"
    assert names["MemoryPressure"] == "Enum"
    assert [e["path"] for e in ir["http"]["endpoints"]][:2] == [
        "/memory/allocations",
        "/memory/allocations/{id}/free",
    ]


def test_generate_reports_and_is_idempotent(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run("generate", "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert "wrote      " in first.stdout
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert "python/v6r_memory/models.py" in written
    assert "jsonschema/v6r-memory.schema.json" in written
    assert first.stdout.rstrip().endswith(f"{len(written)} written, 0 unchanged, 0 removed")

    second = run("generate", "--out", str(out))
    assert second.returncode == 0
    assert second.stdout.strip() == f"0 written, {len(written)} unchanged, 0 removed"


def test_generate_removes_stale_files_only_in_owned_folders(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("generate", "--out", str(out)).returncode == 0
    stale = out / "python" / "v6r_memory" / "old_module.py"
    stale.write_text("# from an older schema\n")
    cache = out / "python" / "v6r_memory" / "__pycache__" / "models.cpython-311.pyc"
    cache.parent.mkdir(exist_ok=True)
    cache.write_bytes(b"\0")
    foreign = out / "notes" / "keep.md"
    foreign.parent.mkdir()
    foreign.write_text("not ours\n")

    result = run("generate", "--out", str(out))
    assert result.returncode == 0
    assert f"removed    {out}/python/v6r_memory/old_module.py" in result.stdout
    assert not stale.exists()
    assert cache.exists() and foreign.exists()


def test_check_fails_with_a_diff_and_the_fix(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("generate", "--out", str(out)).returncode == 0
    assert run("check", "--out", str(out)).returncode == 0

    models = out / "python" / "v6r_memory" / "constants.py"
    models.write_text(models.read_text().replace("1024", "1000", 1))
    result = run("check", "--out", str(out))
    assert result.returncode == 1
    assert "--- a/python/v6r_memory/constants.py" in result.stdout
    assert "-SIZE_UNIT_BASE: Final[int] = 1000" in result.stdout
    assert "+SIZE_UNIT_BASE: Final[int] = 1024" in result.stdout
    assert f"Run: v6r-codegen generate --out {out}" in result.stderr


def test_check_reports_missing_and_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("generate", "--out", str(out), "--target", "jsonschema").returncode == 0
    (out / "jsonschema" / "leftover.json").write_text("{}\n")
    result = run("check", "--out", str(out), "--target", "jsonschema", "--target", "python")
    assert result.returncode == 1
    assert "+++ b/python/v6r_memory/models.py" in result.stdout
    assert "--- a/jsonschema/leftover.json\n+++ /dev/null" in result.stdout


def test_generation_is_deterministic_with_and_without_the_cache(tmp_path: Path) -> None:
    cached, fresh = tmp_path / "cached", tmp_path / "fresh"
    assert run("generate", "--out", str(cached)).returncode == 0
    assert run("generate", "--out", str(fresh), "--no-cache").returncode == 0

    def tree(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    assert tree(cached) == tree(fresh)
    for text in tree(fresh).values():
        assert b"2026-" not in text and b"generated by datamodel-codegen" not in text


def test_committed_generated_folder_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0, capsys.readouterr().out


def test_invalid_schema_in_generate_exits_1(tmp_path: Path) -> None:
    result = run(
        "generate", "--schema", "tests/golden/invalid_cycle/schema.yaml", "--out", str(tmp_path)
    )
    assert result.returncode == 1
    assert "reference cycle with no finite value: Chicken -> Egg -> Chicken" in result.stderr
    assert not any(tmp_path.iterdir())
