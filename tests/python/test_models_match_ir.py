"""Every IR type and field appears in the generated models with its wire name, for every generated package,
so the datamodel-codegen output and the schema can never drift apart."""

from __future__ import annotations

import enum
import importlib
import sys
import typing
from collections.abc import Iterator
from types import ModuleType

import pytest
from pydantic import BaseModel
from typing_extensions import TypeAliasType

from generator import pipeline
from generator.ir.model import Alias, Enum_, Record, Schema, Union
from generator.targets.python.names import assign
from tests.python.generated_packages import Package, packages

PACKAGES = packages()


def load(package: Package) -> tuple[Schema, ModuleType, ModuleType]:
    if str(package.source) not in sys.path:
        sys.path.insert(0, str(package.source))
    schema = pipeline.load_schema(package.schema, "schema.yaml")
    return (
        schema,
        importlib.import_module(package.name),
        importlib.import_module(f"{package.name}.models"),
    )


def union_members(alias: TypeAliasType) -> tuple[set[type], str | None]:
    annotated = alias.__value__
    inner, *metadata = typing.get_args(annotated)
    discriminator = next(
        (m.discriminator for m in metadata if getattr(m, "discriminator", None)), None
    )
    return set(typing.get_args(inner)) or {inner}, discriminator


def wire_fields(model: type[BaseModel]) -> Iterator[tuple[str, bool]]:
    for name, field in model.model_fields.items():
        yield field.alias or name, field.is_required()


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_every_type_and_field_is_in_the_models(package: Package) -> None:
    schema, top, models = load(package)
    names = assign(schema).classes
    for decl in schema.types:
        cls = getattr(models, names[decl.name])
        assert (
            getattr(top, names[decl.name]) is cls
        ), f"{decl.name} is not exported by {package.name}"
        if isinstance(decl, Record):
            assert issubclass(cls, BaseModel), decl.name
            expected = {
                (f.name, f.required and not f.has_default and f.const is None) for f in decl.fields
            }
            assert set(wire_fields(cls)) == expected, decl.name
        elif isinstance(decl, Enum_):
            assert issubclass(cls, enum.StrEnum), decl.name
            assert [m.value for m in cls] == [v.value for v in decl.values], decl.name
        elif isinstance(decl, Union):
            members, discriminator = union_members(cls)
            assert members == {getattr(models, names[v.record]) for v in decl.variants}, decl.name
            assert discriminator == decl.discriminator, decl.name
        else:
            assert isinstance(decl, Alias)
            assert isinstance(cls, TypeAliasType), decl.name


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_every_constant_is_exported(package: Package) -> None:
    schema, top, _ = load(package)
    for constant in schema.constants:
        assert hasattr(top, constant.name.upper()), constant.name
