"""The pydantic models, made by datamodel-code-generator from the JSON Schema the IR exports.

datamodel-codegen decides nothing about names here: class names come in as `$defs` keys, field names as
scoped aliases (`Class.wire_name`), enum members as `x-enum-varnames`, all from `naming.py`. Descriptions
arrive already made safe for a docstring. Its output is then passed through `literals.escape_invisible` so
no string literal carries a raw control, separator or bidi character, and through black.

Running datamodel-codegen costs about 0.4 s for a small schema and grows with it, so the finished text is
cached by the hash of everything that determines it (see format.py's cache).
"""

from __future__ import annotations

import json
from typing import Any

from generator import format as fmt
from generator.ir.jsonschema import Exporter
from generator.ir.model import Enum_, Record, Schema
from generator.targets.context import RenderContext
from generator.targets.python import naming
from generator.targets.python.literals import escape_invisible

_OPTIONS: dict[str, Any] = {
    "target_python_version": "3.11",
    "disable_timestamp": True,
    "use_schema_description": True,
    "use_field_description": True,
    "field_constraints": True,
    "use_annotated": True,
    "use_standard_collections": True,
    "use_union_operator": True,
    "skip_root_model": True,
    "use_type_alias": True,
    "use_title_as_name": True,
    "use_one_literal_as_default": True,
    "capitalise_enum_members": False,
    "formatters": [],
}


def json_schema_for_models(schema: Schema, names: dict[str, str]) -> dict[str, Any]:
    exporter = Exporter(
        schema, rename=names.__getitem__, describe=naming.doc_text, optional_accepts_null=False
    )
    doc = exporter.document()
    doc["title"] = "Models"
    for decl in schema.types:
        definition = doc["$defs"][names[decl.name]]
        if isinstance(decl, Record):
            definition.pop(
                "additionalProperties", None
            )  # WireModel's config ignores unknown fields
        if isinstance(decl, Enum_):
            definition["x-enum-varnames"] = [naming.member_name(v.value) for v in decl.values]
    _drop_integer_formats(doc)
    return doc


def _drop_integer_formats(node: Any) -> None:
    """datamodel-codegen knows no uint64 or int8; the minimum and maximum beside each format carry the range."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            node.pop("format", None)
        for value in node.values():
            _drop_integer_formats(value)
    elif isinstance(node, list):
        for value in node:
            _drop_integer_formats(value)


def render_models(
    schema: Schema,
    names: dict[str, str],
    aliases: dict[str, str],
    base_class: str,
    ctx: RenderContext,
) -> str:
    document = json_schema_for_models(schema, names)
    options = {**_OPTIONS, "aliases": aliases, "base_class": base_class}
    key = json.dumps([document, options], sort_keys=True)

    def produce() -> str:
        from datamodel_code_generator import generate
        from datamodel_code_generator.enums import DataModelType, InputFileType
        from datamodel_code_generator.format import PythonVersion

        with ctx.timed("python.datamodel-codegen"):
            out = generate(
                json.dumps(document),
                input_file_type=InputFileType.JsonSchema,
                output_model_type=DataModelType.PydanticV2BaseModel,
                **{**options, "target_python_version": PythonVersion.PY_311},
            )
        assert isinstance(out, str)
        return out

    # The cache holds datamodel-codegen's own output only; our post-processing always runs, so a change
    # to it can never be hidden behind an old cache entry.
    raw = fmt.cached(
        f"datamodel-codegen {fmt.version_of('datamodel-code-generator')}", key, produce, ctx
    )
    # Drop datamodel-codegen's own header (it names <stdin>); ours goes on top in the template.
    # split("\n"), not splitlines(): that also splits at U+2028 and friends inside string literals.
    lines = raw.split("\n")
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return escape_invisible("\n".join(lines).strip() + "\n")
