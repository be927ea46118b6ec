"""Stage 4, targets: each turns the IR into `{relative path: file contents}` for one language or document.

A target is pure: `render(schema, context) -> dict[PurePosixPath, str]`, no disk access. All of a language's
naming, reserved words, type mapping and escaping live in that target's own modules.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from generator.ir.model import Schema
from generator.targets.context import RenderContext

Render = Callable[[Schema, RenderContext], dict[PurePosixPath, str]]


def registry() -> dict[str, Render]:
    """Target name -> render function; imported lazily so `validate` and `ir` stay quick."""
    from generator.targets import jsonschema, python

    return {"python": python.render, "jsonschema": jsonschema.render}


def check_names(schema: Schema) -> None:
    """Run every target's naming without rendering: raise SchemaError for names that collide."""
    from generator.targets.python import names

    names.check(schema)


TARGETS = ("python", "jsonschema")
