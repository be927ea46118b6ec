"""`pip install .` into a fresh virtualenv, run outside the repository, generates the same bytes as the
committed generated/ folder: the templates, meta-schema and default schema travel inside the wheel.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path, PurePosixPath

from generator import write

ROOT = Path(__file__).resolve().parents[2]


def sh(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def test_installed_wheel_generates_outside_the_repo(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    sh(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        wheels,
        ROOT,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("v6r_codegen-*.whl")

    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    # The lock file constrains versions so the fresh environment formats exactly like ours.
    sh(
        venv / "bin" / "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-c",
        ROOT / "requirements.lock",
        wheel,
        cwd=tmp_path,
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = sh(venv / "bin" / "v6r-codegen", "generate", "--out", "out", cwd=elsewhere)
    assert "0 unchanged, 0 removed" in result.stdout

    def tree(root: Path) -> dict[str, bytes]:
        files = {
            PurePosixPath(p.relative_to(root).as_posix()): p for p in root.rglob("*") if p.is_file()
        }
        return {str(rel): p.read_bytes() for rel, p in files.items() if not write.ignored(rel)}

    assert tree(elsewhere / "out") == tree(ROOT / "generated")
