"""The whole pipeline as functions: schema file in, `{path: text}` out, with the time each stage took."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator import ir, validate
from generator.ir.model import Schema
from generator.loader import load_file
from generator.targets import TARGETS, check_names, registry
from generator.targets.context import RenderContext


@dataclass
class Result:
    outputs: dict[PurePosixPath, str]
    roots: list[PurePosixPath]
    timings: dict[str, float]


def display_name(path: Path) -> str:
    """How the schema is named in messages and headers: relative to the working directory when inside it,
    so the same command gives the same bytes on every machine."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name


def load_schema(path: Path, display: str, timings: dict[str, float] | None = None) -> Schema:
    """load -> validate -> IR; raises SchemaError listing every problem."""
    timings = {} if timings is None else timings
    start = time.perf_counter()
    loaded = load_file(path, display)
    timings["load"] = time.perf_counter() - start
    start = time.perf_counter()
    validate.check(loaded)
    timings["validate"] = time.perf_counter() - start
    start = time.perf_counter()
    schema = ir.build(loaded)
    timings["ir"] = time.perf_counter() - start
    return schema


def validate_schema(path: Path, display: str) -> Schema:
    """Everything `validate` checks: the meta-schema, the IR's semantic rules, and every target's naming."""
    schema = load_schema(path, display)
    check_names(schema)
    return schema


def generate(
    path: Path, display: str, targets: Iterable[str] = TARGETS, use_cache: bool = True
) -> Result:
    timings: dict[str, float] = {}
    schema = load_schema(path, display, timings)
    ctx = RenderContext(display, use_cache=use_cache, timings=timings)
    renderers = registry()
    outputs: dict[PurePosixPath, str] = {}
    roots = []
    for name in targets:
        start = time.perf_counter()
        files = renderers[name](schema, ctx)
        timings[f"target.{name}"] = time.perf_counter() - start
        outputs.update(files)
        roots.append(PurePosixPath(name))
    return Result(outputs, roots, timings)
