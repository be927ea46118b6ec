"""The JSON Schema target: every type of the schema as one JSON Schema 2020-12 document.

JSON carries no comments, so this file cannot hold the generated-file header; the manifest of write.py
and the `$comment` below say where it comes from instead.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from generator.ir.jsonschema import export
from generator.ir.model import Schema
from generator.targets.context import RenderContext

ROOT = PurePosixPath("jsonschema")


def render(schema: Schema, ctx: RenderContext) -> dict[PurePosixPath, str]:
    document = {"$comment": ctx.header_line, **export(schema)}
    text = json.dumps(document, indent=2, ensure_ascii=True) + "\n"
    return {ROOT / f"{schema.name}.schema.json": text}
