"""Go spellings of schema types: the Go type of a node, the decoder and encoder expressions the codec
templates call for it, and Go expressions for schema values (constants, defaults).

Decoders and encoders are values of codec.go's generic helpers (`listDecoder(decodePoint, 1, -1)`), so a
template prints one expression per field and never decides how a type is read or written.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from generator.ir.model import (
    JSON,
    Alias,
    Constraints,
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
from generator.targets.go import naming

GO_PRIMITIVES = {
    PrimitiveKind.STRING: "string",
    PrimitiveKind.BOOL: "bool",
    PrimitiveKind.INT8: "int8",
    PrimitiveKind.INT16: "int16",
    PrimitiveKind.INT32: "int32",
    PrimitiveKind.INT64: "int64",
    PrimitiveKind.UINT8: "uint8",
    PrimitiveKind.UINT16: "uint16",
    PrimitiveKind.UINT32: "uint32",
    PrimitiveKind.UINT64: "uint64",
    PrimitiveKind.FLOAT32: "float32",
    PrimitiveKind.FLOAT64: "float64",
}


def float_literal(value: float) -> str:
    if math.isinf(value) or math.isnan(value):
        raise ValueError(f"no Go literal for {value}")
    return repr(float(value))


class GoTypes:
    def __init__(
        self,
        schema: Schema,
        type_of: Callable[[str], str],
        field_of: Callable[[str, str], str],
        enum_constant_of: Callable[[str, str], str],
    ) -> None:
        self.schema = schema
        self.type_of = type_of
        self.field_of = field_of
        self.enum_constant_of = enum_constant_of
        self.patterns: dict[str, str] = {}  # regex source -> the package variable holding it
        self.uses_math = False  # whether a printed expression calls package math

    # -- what a node is -------------------------------------------------------------------------------

    def resolve(self, node: TypeNode) -> TypeNode:
        """The node behind any chain of aliases."""
        while isinstance(node, Ref):
            decl = self.schema.decl(node.name)
            if not isinstance(decl, Alias):
                return node
            node = decl.target
        return node

    def nil_is_null(self, node: TypeNode) -> bool:
        """Whether the node's Go type has nil (slices, maps, interfaces, pointers)."""
        node = self.resolve(node)
        if isinstance(node, ListOf | MapOf | Nullable):
            return True
        return isinstance(node, Ref) and isinstance(self.schema.decl(node.name), Union)

    # -- Go types ---------------------------------------------------------------------------------------

    def go_type(self, node: TypeNode) -> str:
        if isinstance(node, Primitive):
            return GO_PRIMITIVES[node.kind]
        if isinstance(node, Ref):
            return self.type_of(node.name)
        if isinstance(node, ListOf):
            return "[]" + self.go_type(node.item)
        if isinstance(node, MapOf):
            return "map[string]" + self.go_type(node.value)
        inner = self.go_type(node.inner)
        return inner if self.nil_is_null(node.inner) else "*" + inner

    # -- decoders ---------------------------------------------------------------------------------------

    def pattern_var(self, pattern: str) -> str:
        if pattern not in self.patterns:
            self.patterns[pattern] = f"pattern{len(self.patterns) + 1}"
        return self.patterns[pattern]

    def decoder(self, node: TypeNode) -> str:
        if isinstance(node, Primitive):
            return self._primitive_decoder(node.kind, node.constraints)
        if isinstance(node, Ref):
            return "decode" + self.type_of(node.name)
        if isinstance(node, ListOf):
            c = node.constraints
            low = c.min_items if c.min_items is not None else 0
            high = c.max_items if c.max_items is not None else -1
            return f"listDecoder({self.decoder(node.item)}, {low}, {high})"
        if isinstance(node, MapOf):
            return f"mapDecoder({self.decoder(node.value)})"
        if self.nil_is_null(node.inner):
            return f"nilDecoder({self.decoder(node.inner)})"
        return f"nullableDecoder({self.decoder(node.inner)})"

    def _primitive_decoder(self, kind: PrimitiveKind, c: Constraints) -> str:
        go = GO_PRIMITIVES[kind]
        if kind is PrimitiveKind.STRING:
            if c.min_length is None and c.max_length is None and c.pattern is None:
                return "decodeString"
            low = c.min_length if c.min_length is not None else 0
            high = c.max_length if c.max_length is not None else -1
            pattern = self.pattern_var(c.pattern) if c.pattern is not None else "nil"
            return f"stringDecoder({low}, {high}, {pattern})"
        if kind is PrimitiveKind.BOOL:
            return "decodeBool"
        if kind.is_integer:
            low, high = kind.range
            if c.minimum is not None:
                low = max(low, math.ceil(c.minimum))
            if c.maximum is not None:
                high = min(high, math.floor(c.maximum))
            helper = "uintDecoder" if kind.name.startswith("UINT") else "intDecoder"
            return f"{helper}[{go}]({low}, {high})"
        self.uses_math = self.uses_math or c.minimum is None or c.maximum is None
        low_f = float_literal(c.minimum) if c.minimum is not None else "math.Inf(-1)"
        high_f = float_literal(c.maximum) if c.maximum is not None else "math.Inf(1)"
        return f"floatDecoder[{go}]({low_f}, {high_f})"

    # -- encoders ---------------------------------------------------------------------------------------

    def encoder(self, node: TypeNode) -> str:
        if isinstance(node, Primitive):
            kind = node.kind
            if kind is PrimitiveKind.STRING:
                return "appendString"
            if kind is PrimitiveKind.BOOL:
                return "appendBool"
            go = GO_PRIMITIVES[kind]
            if kind.is_integer:
                return f"appendUint[{go}]" if kind.name.startswith("UINT") else f"appendInt[{go}]"
            return "appendFloat32" if kind is PrimitiveKind.FLOAT32 else "appendFloat64"
        if isinstance(node, Ref):
            return "append" + self.type_of(node.name)
        if isinstance(node, ListOf):
            return f"listEncoder({self.encoder(node.item)})"
        if isinstance(node, MapOf):
            return f"mapEncoder({self.encoder(node.value)})"
        inner = self.resolve(node.inner)
        if isinstance(inner, ListOf):
            return f"nullListEncoder({self.encoder(inner.item)})"
        if isinstance(inner, MapOf):
            return f"nullMapEncoder({self.encoder(inner.value)})"
        if self.nil_is_null(node.inner):
            return self.encoder(node.inner)  # a union or a pointer writes null for nil itself
        return f"nullableEncoder({self.encoder(node.inner)})"

    # -- literals ---------------------------------------------------------------------------------------

    def literal(self, node: TypeNode, value: JSON) -> str:
        """A Go expression of type go_type(node) for a schema value."""
        if value is None:
            return "nil"
        if isinstance(node, Nullable):
            inner = self.literal(node.inner, value)
            if self.nil_is_null(node.inner):
                return inner
            return f"ptrTo[{self.go_type(node.inner)}]({inner})"
        if isinstance(node, Primitive):
            if node.kind is PrimitiveKind.STRING:
                return naming.string_literal(value)
            if node.kind is PrimitiveKind.BOOL:
                return "true" if value else "false"
            if node.kind.is_integer:
                return str(int(value))
            return float_literal(float(value))
        if isinstance(node, ListOf):
            items = ", ".join(self.literal(node.item, v) for v in value)
            return f"{self.go_type(node)}{{{items}}}"
        if isinstance(node, MapOf):
            pairs = ", ".join(
                f"{naming.string_literal(k)}: {self.literal(node.value, v)}"
                for k, v in value.items()
            )
            return f"{self.go_type(node)}{{{pairs}}}"
        return self.decl_literal(node.name, value)

    def decl_literal(self, name: str, value: JSON) -> str:
        decl = self.schema.decl(name)
        if isinstance(decl, Alias):
            return self.literal(decl.target, value)
        if isinstance(decl, Union):
            variant = next(v for v in decl.variants if v.tag == value[decl.discriminator])
            return self.decl_literal(variant.record, value)
        if isinstance(decl, Enum_):
            return self.enum_constant_of(name, value)
        assert isinstance(decl, Record)
        parts = []
        for f in decl.fields:
            if f.name not in value or f.const is not None or value[f.name] is None:
                continue
            lit = self.literal(f.type, value[f.name])
            if not f.required and not f.has_default and not self.nil_is_null(f.type):
                lit = f"ptrTo[{self.go_type(f.type)}]({lit})"
            parts.append(f"{self.field_of(name, f.name)}: {lit}")
        return f"{self.type_of(name)}{{{', '.join(parts)}}}"
