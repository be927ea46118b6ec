"""Stage 4, targets: each turns the IR into `{relative path: file contents}` for one language or document.

A target is a module with `render(schema, context) -> dict[PurePosixPath, str]` (pure, no disk access) and
`check(schema)` (its naming alone, raising SchemaError on collisions, for `validate`). Its output lands in a
folder of the target's own name under the output folder. All of a language's naming, reserved words, type
mapping and escaping live in that target's own modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import PurePosixPath
from types import ModuleType

from generator.ir.model import Schema
from generator.targets.context import RenderContext

Render = Callable[[Schema, RenderContext], dict[PurePosixPath, str]]

# Every target, in the order they run; imported only when used, so `validate` and `ir` stay quick.
TARGETS = ("python", "typescript", "go", "jsonschema", "openapi", "asyncapi")


def module(name: str) -> ModuleType:
    return importlib.import_module(f"generator.targets.{name}")


def registry() -> dict[str, Render]:
    """Target name -> render function."""
    return {name: module(name).render for name in TARGETS}


def check_names(schema: Schema) -> None:
    """Run every target's naming without rendering: raise SchemaError for names that collide."""
    for name in TARGETS:
        check = getattr(module(name), "check", None)
        if check is not None:
            check(schema)
