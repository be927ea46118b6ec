"""Assign every Python class, field and enum-member name of a schema, reporting collisions.

The rules are in naming.py; this module applies them to a whole schema, scope by scope (the models
module, each class, each enum), so `validate` can report collisions without rendering anything.
"""

from __future__ import annotations

from generator.errors import Collector
from generator.ir.model import Enum_, Record, Schema
from generator.targets.python import naming


def class_names(schema: Schema, problems: Collector) -> dict[str, str]:
    """Schema type name -> Python class name."""
    namer = naming.Namer("module models", problems)
    return {
        d.name: namer.claim(naming.class_name(d.name), d.name, d.location) for d in schema.types
    }


def field_aliases(schema: Schema, names: dict[str, str], problems: Collector) -> dict[str, str]:
    """`Class.wire_name` -> Python field name for every field; enum members are checked too."""
    aliases = {}
    for decl in schema.types:
        if isinstance(decl, Record):
            namer = naming.Namer(f"class {names[decl.name]}", problems)
            for f in decl.fields:
                python = namer.claim(naming.field_name(f.name), f.name, f.location)
                aliases[f"{names[decl.name]}.{f.name}"] = python
        elif isinstance(decl, Enum_):
            namer = naming.Namer(f"enum {names[decl.name]}", problems)
            for v in decl.values:
                namer.claim(naming.member_name(v.value), v.value, v.location)
    return aliases


def check(schema: Schema) -> None:
    problems = Collector()
    field_aliases(schema, class_names(schema, problems), problems)
    problems.raise_if_any()
