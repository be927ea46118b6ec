"""The pydantic models, made by datamodel-code-generator from the JSON Schema the IR exports.

datamodel-codegen decides nothing about names here: class names come in as `$defs` keys, field names as
scoped aliases (`Class.wire_name`), enum members as `x-enum-varnames`, all from `naming.py`. Descriptions
arrive already made safe for a docstring. Its output is then passed through `literals.escape_invisible` so
no string literal carries a raw control, separator or bidi character, and through black.

Running datamodel-codegen costs about 0.4 s for a small schema and grows with it, so the finished text is
cached by the hash of everything that determines it (see format.py's cache).
"""

from __future__ import annotations

import ast
import json
from typing import Any

from generator import format as fmt
from generator.errors import Location
from generator.ir.jsonschema import Exporter
from generator.ir.model import (
    INTEGER_RANGES,
    Enum_,
    Nullable,
    Primitive,
    PrimitiveKind,
    Record,
    Schema,
    TypeNode,
)
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
    "set_default_enum_member": True,
    "field_extra_keys": [
        "x-float32"
    ],  # WireModel range-checks and rounds the fields marked with it
    "formatters": [],
}


_CONSTRAINTS = ("minimum", "maximum", "pattern", "minLength", "maxLength", "minItems", "maxItems")
_KIND_RANGES = {
    (lo, hi): naming.class_name(kind.value) for kind, (lo, hi) in INTEGER_RANGES.items()
}  # (0, 2**64 - 1) -> "Uint64", ...


def json_schema_for_models(
    schema: Schema, names: dict[str, str], namer: naming.Namer
) -> tuple[dict[str, Any], list[str]]:
    """The document datamodel-codegen reads, and the alias names lifted out of nested positions.

    datamodel-codegen invents a name (`matrixItem`, or the field's own name) for every constrained type
    it meets inside a list, a map or a nullable union. So before it sees them, each such type becomes a
    named definition here: a bare ranged integer becomes its kind (`Uint64`), anything else is named by
    its place (`GridPathsValue`). Both are claimed in the module scope, so they collide loudly.
    """
    exporter = Exporter(
        schema,
        rename=names.__getitem__,
        describe=naming.doc_text,
        optional_accepts_null=False,
        float32_range=False,
    )
    doc = exporter.document()
    doc["title"] = "Models"
    defs: dict[str, Any] = doc["$defs"]
    lifted: dict[str, Any] = {}

    def lift(node: dict[str, Any], place: str, location: Location) -> dict[str, Any]:
        nested(node, place, location)
        if not any(key in node for key in _CONSTRAINTS):
            return node
        name = naming.class_name(place)
        if node.get("type") == "integer" and set(node) - {"format", "description"} == {
            "type", "minimum", "maximum",
        }:  # fmt: skip
            name = _KIND_RANGES.get((node["minimum"], node["maximum"]), name)
        if name not in lifted:
            namer.claim(name, place, location)
            lifted[name] = {"title": name, **node}
        return {"$ref": f"#/$defs/{name}"}

    def nested(node: dict[str, Any], place: str, location: Location) -> None:
        if "items" in node:
            node["items"] = lift(node["items"], f"{place}_item", location)
        if isinstance(node.get("additionalProperties"), dict):
            node["additionalProperties"] = lift(
                node["additionalProperties"], f"{place}_value", location
            )
        if "anyOf" in node:
            node["anyOf"] = [
                m if m.get("type") == "null" else lift(m, f"{place}_value", location)
                for m in node["anyOf"]
            ]

    for decl in schema.types:
        cls = names[decl.name]
        definition = defs[cls]
        if isinstance(decl, Record):
            # WireModel's config ignores unknown fields; datamodel-codegen would make it extra="allow".
            definition.pop("additionalProperties", None)
            for f in decl.fields:
                nested(definition["properties"][f.name], f"{cls}_{f.name}", f.location)
                if _is_float32(f.type):
                    definition["properties"][f.name]["x-float32"] = True
        elif isinstance(decl, Enum_):
            definition["x-enum-varnames"] = [naming.member_name(v.value) for v in decl.values]
        else:
            nested(definition, cls, decl.location)
    defs.update(sorted(lifted.items()))
    _drop_integer_formats(doc)
    return doc, sorted(lifted)


def _is_float32(node: TypeNode) -> bool:
    """A field of format `float`, nullable or not (WireModel then checks its range and rounds it)."""
    inner = node.inner if isinstance(node, Nullable) else node
    return isinstance(inner, Primitive) and inner.kind is PrimitiveKind.FLOAT32


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
    document: dict[str, Any],
    fields: dict[str, str],
    defined: set[str],
    base_class: str,
    ctx: RenderContext,
) -> str:
    """models.py's body: datamodel-codegen's output for `document`, checked to define exactly `defined`."""
    options = {**_OPTIONS, "aliases": fields, "base_class": base_class}
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
                # Keep our class names exactly; without this it strips `Field_` to `Field` and renames.
                custom_class_name_generator=_same_name,
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
    source = _drop_rebuilds(escape_invisible("\n".join(lines).strip() + "\n"))
    _check_names(source, defined)
    return source


def _drop_rebuilds(source: str) -> str:
    """Remove datamodel-codegen's module-level `Model.model_rebuild()` calls.

    They force every validator to be built at import, which WireModel defers to first use (defer_build);
    pydantic resolves the postponed annotations then, when the module is complete, so they are not needed.
    """
    tree = ast.parse(source)
    drop: set[int] = set()
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "model_rebuild"
            and isinstance(call.func.value, ast.Name)
        ):
            drop.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    if not drop:
        return source
    lines = source.split("\n")
    return (
        "\n".join(line for number, line in enumerate(lines, 1) if number not in drop).rstrip()
        + "\n"
    )


def _same_name(name: str) -> str:
    return name


def _check_names(source: str, expected: set[str]) -> None:
    """Every name naming.py chose is defined, and nothing else: datamodel-codegen must never rename."""
    tree = ast.parse(source)
    defined = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    defined |= {
        t.id
        for n in tree.body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    if defined != expected:
        raise RuntimeError(
            "datamodel-codegen did not keep the Python names: "
            f"missing {sorted(expected - defined)}, unexpected {sorted(defined - expected)}"
        )
