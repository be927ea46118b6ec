"""Assign every Python name of a schema at once, reporting collisions: classes, fields, enum members, and
the aliases lifted out of nested positions (see models.json_schema_for_models).

The rules are in naming.py; this module applies them scope by scope (the models module, each class, each
enum), so `validate` reports collisions without rendering anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.errors import Collector
from generator.ir.model import Enum_, Record, Schema
from generator.targets.python import naming
from generator.targets.python.models import json_schema_for_models


@dataclass(frozen=True)
class PythonNames:
    classes: dict[str, str]  # schema type name -> class (or alias) name
    fields: dict[str, str]  # "Class.wire_name" -> Python field name
    lifted: list[str]  # alias names the target made for nested constrained types
    models_document: dict[str, Any]  # what datamodel-codegen reads

    @property
    def defined(self) -> set[str]:
        """Every name models.py defines."""
        return set(self.classes.values()) | set(self.lifted)


def class_names(schema: Schema, namer: naming.Namer) -> dict[str, str]:
    """Schema type name -> Python class name."""
    return {
        d.name: namer.claim(naming.class_name(d.name), d.name, d.location) for d in schema.types
    }


def field_names(schema: Schema, classes: dict[str, str], problems: Collector) -> dict[str, str]:
    """`Class.wire_name` -> Python field name for every field; enum members are checked too."""
    fields = {}
    for decl in schema.types:
        if isinstance(decl, Record):
            namer = naming.Namer(f"class {classes[decl.name]}", problems)
            for f in decl.fields:
                python = namer.claim(naming.field_name(f.name), f.name, f.location)
                fields[f"{classes[decl.name]}.{f.name}"] = python
        elif isinstance(decl, Enum_):
            namer = naming.Namer(f"enum {classes[decl.name]}", problems)
            for v in decl.values:
                namer.claim(naming.member_name(v.value), v.value, v.location)
    return fields


def assign(schema: Schema) -> PythonNames:
    """All Python names of `schema`; raises SchemaError listing every collision."""
    problems = Collector()
    module = naming.Namer("module models", problems)
    classes = class_names(schema, module)
    fields = field_names(schema, classes, problems)
    problems.raise_if_any()  # with two types of one name there is no document to build
    document, lifted = json_schema_for_models(schema, classes, module)
    problems.raise_if_any()
    return PythonNames(classes, fields, lifted, document)


def check(schema: Schema) -> None:
    assign(schema)
