"""Export the IR's types as one JSON Schema 2020-12 document (`$defs` per named type).

It feeds datamodel-code-generator for the Python models and is published as the `jsonschema` target.
Integer formats become explicit `minimum`/`maximum` so any consumer enforces the 64-bit ranges; records
keep `additionalProperties: true` because readers ignore unknown fields. `rename` lets a caller substitute
per-language class names without changing the wire shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.ir.model import (
    Alias,
    Constraints,
    Decl,
    Enum_,
    Field,
    ListOf,
    MapOf,
    Nullable,
    Primitive,
    PrimitiveKind,
    Record,
    Ref,
    Schema,
    TypeNode,
    Union,
)

Describe = Callable[[str], str]


def _same(text: str) -> str:
    return text


# The largest float32 plus half its last step: the least magnitude that rounds to infinity as a float32.
FLOAT32_ROUNDS_TO_INF = 3.4028234663852886e38 + 2.0**103


class Exporter:
    def __init__(
        self,
        schema: Schema,
        rename: Callable[[str], str] = _same,
        describe: Describe = _same,
        optional_accepts_null: bool = True,
        ref_base: str = "#/$defs/",
        discriminator_object: bool = True,
        float32_range: bool = True,
    ):
        self.schema = schema
        self.rename = rename
        self.describe = describe
        # where the named types live: `$defs` in a JSON Schema, `components/schemas` in OpenAPI and AsyncAPI
        self.ref_base = ref_base
        # OpenAPI's discriminator is an object (propertyName, mapping); AsyncAPI's is the property name alone
        self.discriminator_object = discriminator_object
        # Readers accept an absent optional field as null; say so in the document, unless the consumer
        # (datamodel-codegen) already makes every optional field nullable and would only invent names.
        self.optional_accepts_null = optional_accepts_null
        # A float32 field takes what does not round to infinity as a float32: say so as exclusive bounds,
        # unless the consumer (datamodel-codegen) gets the rule from the models' own float32 check.
        self.float32_range = float32_range

    def ref(self, name: str) -> dict[str, Any]:
        return {"$ref": f"{self.ref_base}{self.rename(name)}"}

    def node(self, node: TypeNode) -> dict[str, Any]:
        if isinstance(node, Ref):
            return self.ref(node.name)
        if isinstance(node, Nullable):
            return {"anyOf": [self.node(node.inner), {"type": "null"}]}
        if isinstance(node, ListOf):
            return {
                "type": "array",
                "items": self.node(node.item),
                **_constraints(node.constraints),
            }
        if isinstance(node, MapOf):
            return {"type": "object", "additionalProperties": self.node(node.value)}
        out = _primitive(node)
        if self.float32_range and node.kind is PrimitiveKind.FLOAT32:
            out.update(
                exclusiveMinimum=-FLOAT32_ROUNDS_TO_INF, exclusiveMaximum=FLOAT32_ROUNDS_TO_INF
            )
        return out

    def field(self, f: Field) -> dict[str, Any]:
        if f.const is not None:
            out: dict[str, Any] = {"type": "string", "const": f.const}
        else:
            out = self.node(f.type)
            if self.optional_accepts_null and not f.required and not isinstance(f.type, Nullable):
                out = {"anyOf": [out, {"type": "null"}]}
        if f.has_default:
            out["default"] = f.default
        if f.deprecated:
            out["deprecated"] = True
        out["description"] = self.describe(f.description)
        return out

    def decl(self, d: Decl) -> dict[str, Any]:
        if isinstance(d, Record):
            out: dict[str, Any] = {
                "type": "object",
                "properties": {f.name: self.field(f) for f in d.fields},
                "required": [f.name for f in d.fields if f.required],
                "additionalProperties": True,
            }
        elif isinstance(d, Enum_):
            out = {"type": "string", "enum": [v.value for v in d.values]}
        elif isinstance(d, Union):
            out = {
                "oneOf": [self.ref(v.record) for v in d.variants],
                "discriminator": (
                    {
                        "propertyName": d.discriminator,
                        "mapping": {v.tag: self.ref(v.record)["$ref"] for v in d.variants},
                    }
                    if self.discriminator_object
                    else d.discriminator
                ),
            }
        else:
            assert isinstance(d, Alias)
            out = self.node(d.target)
        if d.deprecated:
            out["deprecated"] = True
        return {"title": self.rename(d.name), "description": self.describe(d.description), **out}

    def definitions(self) -> dict[str, Any]:
        """Every named type's schema, by its (renamed) name."""
        return {self.rename(d.name): self.decl(d) for d in self.schema.types}

    def document(self) -> dict[str, Any]:
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:v6r-codegen:{self.schema.name}:{self.schema.version}",
            "title": self.schema.title,
            "description": self.describe(self.schema.description),
            "$defs": self.definitions(),
        }


def _primitive(node: Primitive) -> dict[str, Any]:
    kind = node.kind
    if kind is PrimitiveKind.STRING:
        out: dict[str, Any] = {"type": "string"}
    elif kind is PrimitiveKind.BOOL:
        out = {"type": "boolean"}
    elif kind.is_integer:
        lo, hi = kind.range
        out = {"type": "integer", "format": kind.value, "minimum": lo, "maximum": hi}
    else:
        out = {"type": "number", "format": kind.value}
    out.update(_constraints(node.constraints))
    return out


def _constraints(c: Constraints) -> dict[str, Any]:
    pairs = {
        "pattern": c.pattern,
        "minLength": c.min_length,
        "maxLength": c.max_length,
        "minimum": c.minimum,
        "maximum": c.maximum,
        "minItems": c.min_items,
        "maxItems": c.max_items,
    }
    return {k: v for k, v in pairs.items() if v is not None}


def export(schema: Schema) -> dict[str, Any]:
    return Exporter(schema).document()
