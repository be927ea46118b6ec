"""Check a JSON value (a constant or a default) against an IR type, reporting where it does not fit."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from generator.errors import Collector
from generator.ir.model import (
    JSON,
    Alias,
    Constraints,
    Decl,
    Enum_,
    ListOf,
    MapOf,
    Nullable,
    Primitive,
    PrimitiveKind,
    Record,
    Ref,
    TypeNode,
    Union,
)
from generator.loader import Locations, PathKey

_Fail = Callable[[PathKey, str], None]


def check_value(
    node: TypeNode,
    value: JSON,
    path: PathKey,
    types: Mapping[str, Decl],
    locations: Locations,
    problems: Collector,
) -> None:
    def fail(at: PathKey, message: str) -> None:
        problems.error(locations.of(at), message)

    def walk(node: TypeNode, value: JSON, at: PathKey) -> None:
        if isinstance(node, Nullable):
            if value is not None:
                walk(node.inner, value, at)
        elif isinstance(node, Primitive):
            _primitive(node, value, at, fail)
        elif isinstance(node, ListOf):
            if not isinstance(value, list):
                fail(at, f"expected a list, got {_show(value)}")
                return
            _bounds(
                len(value),
                node.constraints.min_items,
                node.constraints.max_items,
                "items",
                at,
                fail,
            )
            for i, item in enumerate(value):
                walk(node.item, item, (*at, i))
        elif isinstance(node, MapOf):
            if not isinstance(value, dict):
                fail(at, f"expected a map, got {_show(value)}")
                return
            for key, item in value.items():
                walk(node.value, item, (*at, key))
        elif isinstance(node, Ref):
            decl(types[node.name], value, at)

    def decl(d: Decl, value: JSON, at: PathKey) -> None:
        if isinstance(d, Alias):
            walk(d.target, value, at)
        elif isinstance(d, Enum_):
            allowed = [v.value for v in d.values]
            if value not in allowed:
                fail(at, f"{_show(value)} is not a value of {d.name} ({', '.join(allowed)})")
        elif isinstance(d, Record):
            record(d, value, at)
        elif isinstance(d, Union):
            if not isinstance(value, dict):
                fail(at, f"expected a {d.name} object, got {_show(value)}")
                return
            tag = value.get(d.discriminator)
            variant = next((v for v in d.variants if v.tag == tag), None)
            if variant is None:
                tags = ", ".join(v.tag for v in d.variants)
                fail(at, f"{d.discriminator} {_show(tag)} is not a tag of {d.name} ({tags})")
                return
            decl(types[variant.record], value, at)

    def record(d: Record, value: JSON, at: PathKey) -> None:
        if not isinstance(value, dict):
            fail(at, f"expected a {d.name} object, got {_show(value)}")
            return
        names = {f.name for f in d.fields}
        for key in value:
            if key not in names:
                fail((*at, key), f"{d.name} has no field {key!r}")
        for f in d.fields:
            if f.name not in value:
                if f.required:
                    fail(at, f"{d.name} needs field {f.name!r}")
                continue
            if f.const is not None:
                if value[f.name] != f.const:
                    fail((*at, f.name), f"{f.name} must be {f.const!r}")
            elif value[f.name] is None and not f.required:
                continue
            else:
                walk(f.type, value[f.name], (*at, f.name))

    walk(node, value, path)


def _primitive(node: Primitive, value: JSON, at: PathKey, fail: _Fail) -> None:
    kind, c = node.kind, node.constraints
    if kind is PrimitiveKind.STRING:
        if not isinstance(value, str):
            fail(at, f"expected a string, got {_show(value)}")
            return
        _bounds(len(value), c.min_length, c.max_length, "characters", at, fail)
        if c.pattern is not None and re.search(c.pattern, value) is None:
            fail(at, f"{value!r} does not match pattern {c.pattern!r}")
    elif kind is PrimitiveKind.BOOL:
        if not isinstance(value, bool):
            fail(at, f"expected true or false, got {_show(value)}")
    elif kind.is_integer:
        if isinstance(value, bool) or not isinstance(value, int):
            fail(at, f"expected an integer, got {_show(value)}")
            return
        lo, hi = kind.range
        if not lo <= value <= hi:
            fail(at, f"{value} is out of range for {kind.value} [{lo}, {hi}]")
        _range(value, c, at, fail)
    else:
        if isinstance(value, bool) or not isinstance(value, int | float):
            fail(at, f"expected a number, got {_show(value)}")
            return
        _range(value, c, at, fail)


def _range(value: int | float, c: Constraints, at: PathKey, fail: _Fail) -> None:
    if c.minimum is not None and value < c.minimum:
        fail(at, f"{value} is below the minimum {c.minimum}")
    if c.maximum is not None and value > c.maximum:
        fail(at, f"{value} is above the maximum {c.maximum}")


def _bounds(n: int, low: int | None, high: int | None, unit: str, at: PathKey, fail: _Fail) -> None:
    if low is not None and n < low:
        fail(at, f"has {n} {unit}, fewer than the minimum {low}")
    if high is not None and n > high:
        fail(at, f"has {n} {unit}, more than the maximum {high}")


def _show(value: JSON) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return type(value).__name__ if isinstance(value, list | dict) else str(value)
