"""Schemas of the sizes the benchmark uses: long reference chains must neither crash the generator nor make
the generated Python slow to import. Times are measured in bench/, never asserted here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYNTH = ROOT / "bench" / "synth_schema.py"


def synth(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "schema.yaml"
    out.write_text(subprocess.check_output([sys.executable, str(SYNTH), *args], text=True))
    return out


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_thousand_deep_chain_validates(tmp_path: Path) -> None:
    # The cycle check once recursed once per link and died at about 995.
    result = cli("validate", synth(tmp_path, "1000", "--chain"))
    assert result.returncode == 0, result.stderr
    assert "ok (1000 types)" in result.stdout


def test_long_chains_import_without_building_validators(tmp_path: Path) -> None:
    # 400 types with a `next` link in every record: importing this once raised RecursionError in
    # model_rebuild(), and eager building is quadratic in the chain's length.
    schema = synth(tmp_path, "400", "--linked")
    out = tmp_path / "out"
    result = cli("generate", "--schema", schema, "--out", out, "--target", "python")
    assert result.returncode == 0, result.stderr
    (package,) = [p.name for p in (out / "python").iterdir() if (p / "__init__.py").exists()]
    probe = f"""
import {package}.models as m
from pydantic import BaseModel
models = [c for c in vars(m).values()
          if isinstance(c, type) and issubclass(c, BaseModel) and c.__module__ == m.__name__]
assert len(models) > 150, len(models)
built = [c.__name__ for c in models if c.__pydantic_complete__]
assert not built, built[:5]
print("imported", len(models), "models, none built yet")
"""
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=out / "python",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "imported" in run.stdout
