"""Stage 7, write: the only stage that touches the output folder.

Each target owns one folder under the output (python/, jsonschema/, ...). `plan` compares what the targets
rendered with what is on disk: files to write, files already right, and files in an owned folder that no
target produces any more (stale, removed by `generate`). Build artefacts that tools leave beside generated
code (caches, node_modules, egg-info) are neither compared nor removed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

IGNORED_PARTS = frozenset(
    {"__pycache__", "node_modules", ".mypy_cache", ".pytest_cache", "build", "dist"}
)


def ignored(path: PurePosixPath) -> bool:
    """Build artefacts that tools leave beside generated code: never compared, never removed."""
    return any(part in IGNORED_PARTS or part.endswith(".egg-info") for part in path.parts)


@dataclass
class Plan:
    write: dict[PurePosixPath, str] = field(default_factory=dict)
    unchanged: list[PurePosixPath] = field(default_factory=list)
    remove: list[PurePosixPath] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.write and not self.remove


def plan(outputs: dict[PurePosixPath, str], out_dir: Path, roots: list[PurePosixPath]) -> Plan:
    result = Plan()
    for rel, text in sorted(outputs.items()):
        target = out_dir / rel
        try:
            current = target.read_bytes()
        except OSError:
            current = None
        if current == text.encode("utf-8"):
            result.unchanged.append(rel)
        else:
            result.write[rel] = text
    for root in roots:
        base = out_dir / root
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            rel = PurePosixPath(path.relative_to(out_dir).as_posix())
            if path.is_file() and not ignored(rel) and rel not in outputs:
                result.remove.append(rel)
    return result


def apply(p: Plan, out_dir: Path) -> None:
    for rel, text in p.write.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))  # bytes: no newline translation on any platform
    for rel in p.remove:
        (out_dir / rel).unlink()
        parent = (out_dir / rel).parent
        while parent != out_dir and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def diff(p: Plan, out_dir: Path) -> str:
    """A unified diff from what is on disk to what generation would write."""
    chunks: list[str] = []
    for rel, text in p.write.items():
        try:
            old = (out_dir / rel).read_text(encoding="utf-8").splitlines(keepends=True)
        except (OSError, UnicodeDecodeError):
            old = []
        chunks.extend(
            difflib.unified_diff(old, text.splitlines(keepends=True), f"a/{rel}", f"b/{rel}")
        )
    for rel in p.remove:
        chunks.append(f"--- a/{rel}\n+++ /dev/null\n(stale: no target generates this file)\n")
    return "".join(c if c.endswith("\n") else c + "\n" for c in chunks)
