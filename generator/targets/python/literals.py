"""Python expressions for schema values (constants, defaults) and the invisible-character pass.

`literal(type, value)` prints a JSON value as the Python expression that builds it: strings through
naming.string_literal, enum values as members, records as constructor calls with Python field names,
union values wrapped so the result has the union's type.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Callable

from generator.ir.model import (
    JSON,
    Alias,
    Enum_,
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
from generator.targets.python import naming

_SCALARS = {PrimitiveKind.STRING: "str", PrimitiveKind.BOOL: "bool"}


class Printer:
    def __init__(
        self, schema: Schema, class_of: Callable[[str], str], field_of: Callable[[str, str], str]
    ):
        self.schema = schema
        self.class_of = class_of
        self.field_of = field_of
        self.used: set[str] = set()  # classes the printed expressions refer to, for the import list
        self.needs_mapping = False  # whether a printed expression uses Mapping / MappingProxyType

    def annotation(self, node: TypeNode) -> str:
        if isinstance(node, Primitive):
            if node.kind in _SCALARS:
                return _SCALARS[node.kind]
            return "int" if node.kind.is_integer else "float"
        if isinstance(node, Ref):
            return self.use(node.name)
        if isinstance(node, ListOf):
            return f"tuple[{self.annotation(node.item)}, ...]"  # constants are immutable
        if isinstance(node, MapOf):
            self.needs_mapping = True
            return f"Mapping[str, {self.annotation(node.value)}]"
        return f"{self.annotation(node.inner)} | None"

    def literal(self, node: TypeNode, value: JSON) -> str:
        if value is None:
            return "None"
        if isinstance(node, Nullable):
            return self.literal(node.inner, value)
        if isinstance(node, Primitive):
            if node.kind is PrimitiveKind.STRING:
                return naming.string_literal(value)
            if node.kind is PrimitiveKind.BOOL:
                return "True" if value else "False"
            return repr(int(value)) if node.kind.is_integer else repr(float(value))
        if isinstance(node, ListOf):
            items = [self.literal(node.item, v) for v in value]
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if isinstance(node, MapOf):
            pairs = ", ".join(
                f"{naming.string_literal(k)}: {self.literal(node.value, v)}"
                for k, v in value.items()
            )
            self.needs_mapping = True
            return "MappingProxyType({" + pairs + "})"
        assert isinstance(node, Ref)
        return self.decl_literal(node.name, value)

    def use(self, name: str) -> str:
        cls = self.class_of(name)
        self.used.add(cls)
        return cls

    def decl_literal(self, name: str, value: JSON) -> str:
        decl = self.schema.decl(name)
        if isinstance(decl, Alias):
            return self.literal(decl.target, value)
        if isinstance(decl, Union):
            variant = next(v for v in decl.variants if v.tag == value[decl.discriminator])
            return self.decl_literal(variant.record, value)
        cls = self.use(name)
        if isinstance(decl, Enum_):
            return f"{cls}.{naming.member_name(value)}"
        assert isinstance(decl, Record)
        args = []
        for f in decl.fields:
            if f.name in value and f.const is None:
                args.append(f"{self.field_of(name, f.name)}={self.literal(f.type, value[f.name])}")
        return f"{cls}({', '.join(args)})"


def escape_invisible(source: str) -> str:
    """Rewrite every string literal that holds an invisible character (see naming._invisible) with escapes.

    Works on tokens, not text, so it can only touch string literals; the value each reads back as is
    unchanged (a test checks that every rewritten literal evaluates to the original).
    """
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = io.StringIO(source).readlines()  # split as tokenize does: on \n only
    edits = []
    for tok in tokens:
        if tok.type != tokenize.STRING or not any(
            naming._invisible(ch) for ch in tok.string if ch != "\n"
        ):
            continue
        value = _evaluate(tok.string)
        if not isinstance(value, str):
            continue
        edits.append((tok.start, tok.end, naming.string_literal(value)))
    for (srow, scol), (erow, ecol), text in reversed(edits):
        head = lines[srow - 1][:scol]
        tail = lines[erow - 1][ecol:]
        lines[srow - 1 : erow] = [head + text + tail]
    return "".join(lines)


def _evaluate(literal: str) -> object:
    """ast.literal_eval, except that a raw NUL (which Python source may not contain) is tolerated."""
    if "\0" not in literal:
        return ast.literal_eval(literal)
    sentinel = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in literal)
    value = ast.literal_eval(literal.replace("\0", sentinel))
    return value.replace(sentinel, "\0") if isinstance(value, str) else value
