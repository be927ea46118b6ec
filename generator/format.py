"""Stage 6, format: black for Python, in process, and the content-addressed cache for expensive steps.

black costs 0.2 s to import and grows faster than the file it formats; datamodel-codegen is slower still.
Both are pure functions of their input and their own version, so their results are cached under
`$V6R_CODEGEN_CACHE` (default `~/.cache/v6r-codegen`) by the SHA-256 of tool, version and input. A cache
entry is only ever a copy of what the tool would print; `--no-cache` (or `V6R_CODEGEN_CACHE=off`) skips it,
and `black --check` in the tests proves the committed output is formatted whichever way it was made.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path

from generator.targets.context import RenderContext

BLACK_LINE_LENGTH = 100


@cache
def version_of(distribution: str) -> str:
    return metadata.version(distribution)


def cache_dir() -> Path | None:
    setting = os.environ.get("V6R_CODEGEN_CACHE")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "v6r-codegen"


def cached(tool: str, key: str, produce: Callable[[], str], ctx: RenderContext) -> str:
    """`produce()`, or its earlier result for the same tool and key."""
    root = cache_dir() if ctx.use_cache else None
    if root is None:
        return produce()
    digest = hashlib.sha256(f"{tool}\0{key}".encode()).hexdigest()
    entry = root / digest[:2] / digest
    try:
        return entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    text = produce()
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent run never reads half an entry.
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=entry.parent, delete=False
        ) as tmp:
            tmp.write(text)
        os.replace(tmp.name, entry)
    except OSError:
        pass  # an unwritable cache only costs time
    return text


def black(source: str, ctx: RenderContext) -> str:
    """Format Python source with black (line length 100, Python 3.11)."""

    def produce() -> str:
        with ctx.timed("python.black-import"):
            import black as black_module
            from black.mode import TargetVersion
            from black.parsing import InvalidInput
        with ctx.timed("python.black"):
            mode = black_module.Mode(
                line_length=BLACK_LINE_LENGTH,
                target_versions={TargetVersion.PY311},
            )
            try:
                return str(black_module.format_str(source, mode=mode))
            except InvalidInput as exc:
                raise RuntimeError(
                    f"generated Python does not parse (a template bug): {exc}"
                ) from exc

    return cached(f"black {version_of('black')} {BLACK_LINE_LENGTH}", source, produce, ctx)
