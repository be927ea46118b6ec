"""TypeScript spellings of IR types and values: type expressions (types.ts), codec table entries (codec.ts)
and literals (constants, defaults). Every schema string goes through naming.string_literal."""

from __future__ import annotations

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
from generator.targets.typescript import naming

_WIDE = (PrimitiveKind.INT64, PrimitiveKind.UINT64)


def _number(value: float | int) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


class Printer:
    def __init__(
        self, schema: Schema, type_of: Callable[[str], str], field_of: Callable[[str, str], str]
    ) -> None:
        self.schema = schema
        self.type_of = type_of  # schema type name -> TypeScript type name
        self.field_of = field_of  # (schema type name, wire name) -> property name
        self.used: set[str] = set()  # type names the printed annotations refer to
        # what the printed codec specs use: their kinds ("str", "map", ...) and options ("pattern",
        # "str-bounds", "list-bounds", "num-bounds", "default", "dp"); codec.ts.j2 emits only these
        self.features: set[str] = set()

    # -- types.ts ---------------------------------------------------------------------------------------
    def type_expr(self, node: TypeNode) -> str:
        if isinstance(node, Primitive):
            if node.kind is PrimitiveKind.STRING:
                return "string"
            if node.kind is PrimitiveKind.BOOL:
                return "boolean"
            return "bigint" if node.kind in _WIDE else "number"
        if isinstance(node, Ref):
            name = self.type_of(node.name)
            self.used.add(name)
            return name
        if isinstance(node, ListOf):
            item = self.type_expr(node.item)
            return f"readonly ({item})[]" if " " in item else f"readonly {item}[]"
        if isinstance(node, MapOf):
            return f"Readonly<Record<string, {self.type_expr(node.value)}>>"
        return f"{self.type_expr(node.inner)} | null"

    # -- codec.ts ---------------------------------------------------------------------------------------
    def spec(self, node: TypeNode) -> str:
        """The codec table entry that reads and writes `node`."""
        if isinstance(node, Primitive):
            # Repeated specs (the u64 bounds) stay inline: named once as shared constants, they measured
            # 1 KB smaller minified but 11 B larger gzipped.
            return self._primitive_spec(node)
        if isinstance(node, Ref):
            return naming.string_literal(
                self.type_of(node.name)
            )  # a bare type name refers to its table entry
        if isinstance(node, ListOf):
            extra = self._bounds(node.constraints.min_items, node.constraints.max_items)
            self._uses("list", "list-bounds" if extra else None)
            return f'{{ k: "list", of: {self.spec(node.item)}{extra} }}'
        if isinstance(node, MapOf):
            self._uses("map")
            return f'{{ k: "map", of: {self.spec(node.value)} }}'
        self._uses("null")
        return f'{{ k: "null", of: {self.spec(node.inner)} }}'

    def _uses(self, kind: str, option: str | None = None) -> None:
        self.features.add(kind)
        if option is not None:
            self.features.add(option)

    @staticmethod
    def _bounds(low: int | float | None, high: int | float | None, wide: bool = False) -> str:
        suffix = "n" if wide else ""
        out = ""
        if low is not None:
            out += f", min: {int(low)}{suffix}" if wide else f", min: {_number(low)}"
        if high is not None:
            out += f", max: {int(high)}{suffix}" if wide else f", max: {_number(high)}"
        return out

    def _primitive_spec(self, node: Primitive) -> str:
        c: Constraints = node.constraints
        kind = node.kind
        if kind is PrimitiveKind.STRING:
            extra = self._bounds(c.min_length, c.max_length)
            self._uses("str", "str-bounds" if extra else None)
            if c.pattern is not None:
                self._uses("str", "pattern")
                extra += f", re: {naming.string_literal(c.pattern)}"
            return f'{{ k: "str"{extra} }}'
        if kind is PrimitiveKind.BOOL:
            self._uses("bool")
            return '{ k: "bool" }'
        if kind.is_integer:
            low, high = kind.range
            if c.minimum is not None:
                low = max(low, int(-(-c.minimum // 1)))  # the smallest integer >= minimum
            if c.maximum is not None:
                high = min(high, int(c.maximum // 1))
            unsigned = "true" if kind.range[0] == 0 else "false"
            if kind in _WIDE:
                self._uses("big")
                return f'{{ k: "big", u: {unsigned}, min: {low}n, max: {high}n }}'
            self._uses("int")
            return f'{{ k: "int", u: {unsigned}, min: {low}, max: {high} }}'
        tag = "f32" if kind is PrimitiveKind.FLOAT32 else "f64"
        extra = self._bounds(c.minimum, c.maximum)
        self._uses(tag, "num-bounds" if extra else None)
        return f'{{ k: "{tag}"{extra} }}'

    def decl_spec(self, name: str) -> str:
        decl = self.schema.decl(name)
        if isinstance(decl, Record):
            fields = []
            self._uses("rec")
            for f in decl.fields:
                if f.const is not None:
                    self._uses("const")
                spec = (
                    f'{{ k: "const", v: {naming.string_literal(f.const)} }}'
                    if f.const is not None
                    else self.spec(f.type)
                )
                # [wire name, spec, required (1) or not (0), property name, default]; the property name
                # only when the runtime's camelCase of the wire name (codec.ts `property`) is not it
                entry = f"[{naming.string_literal(f.name)}, {spec}, {1 if f.required else 0}"
                prop = self.field_of(name, f.name)
                if prop != naming.runtime_property(f.name) or f.has_default:
                    entry += f", {naming.string_literal(prop)}"
                if f.has_default:
                    self._uses("rec", "default")
                    entry += f", {self.literal(f.type, f.default)}"
                fields.append(entry + "]")
            return (
                '{ k: "rec", f: [\n    ' + ",\n    ".join(fields) + ",\n  ] }"
                if fields
                else '{ k: "rec", f: [] }'
            )
        if isinstance(decl, Enum_):
            self._uses("enum")
            values = ", ".join(naming.string_literal(v.value) for v in decl.values)
            return f'{{ k: "enum", v: [{values}] }}'
        if isinstance(decl, Union):
            first = self.schema.decl(decl.variants[0].record)
            assert isinstance(first, Record)
            prop = self.field_of(first.name, decl.discriminator)
            # the variants' type names only: each tag is the constant its record gives the discriminator
            variants = ", ".join(
                naming.string_literal(self.type_of(v.record)) for v in decl.variants
            )
            dp = "" if prop == decl.discriminator else f", dp: {naming.string_literal(prop)}"
            self._uses("union", "dp" if dp else None)
            return (
                f'{{ k: "union", d: {naming.string_literal(decl.discriminator)}{dp}, '
                f"v: [{variants}] }}"
            )
        assert isinstance(decl, Alias)
        return self.spec(decl.target)

    # -- literals ---------------------------------------------------------------------------------------
    def literal(self, node: TypeNode, value: JSON) -> str:
        if value is None:
            return "null"
        if isinstance(node, Nullable):
            return self.literal(node.inner, value)
        if isinstance(node, Primitive):
            if node.kind is PrimitiveKind.STRING:
                return naming.string_literal(value)
            if node.kind is PrimitiveKind.BOOL:
                return "true" if value else "false"
            if node.kind in _WIDE:
                return f"{int(value)}n"
            return str(int(value)) if node.kind.is_integer else _number(value)
        if isinstance(node, ListOf):
            return "[" + ", ".join(self.literal(node.item, v) for v in value) + "]"
        if isinstance(node, MapOf):
            return self._object([(k, self.literal(node.value, v)) for k, v in value.items()])
        assert isinstance(node, Ref)
        decl = self.schema.decl(node.name)
        if isinstance(decl, Alias):
            return self.literal(decl.target, value)
        if isinstance(decl, Enum_):
            return naming.string_literal(value)
        if isinstance(decl, Union):
            tag = value[decl.discriminator]
            record = next(v.record for v in decl.variants if v.tag == tag)
            return self.literal(Ref(record), value)
        assert isinstance(decl, Record)
        pairs = []
        for f in decl.fields:
            if f.name in value:
                if f.const is not None:
                    pairs.append((self.field_of(decl.name, f.name), naming.string_literal(f.const)))
                else:
                    pairs.append(
                        (self.field_of(decl.name, f.name), self.literal(f.type, value[f.name]))
                    )
        return self._object(pairs)

    @staticmethod
    def _object(pairs: list[tuple[str, str]]) -> str:
        if not pairs:
            return "{}"
        # A key "__proto__" written plainly would set the prototype; the computed form defines a property.
        items = [
            (
                f"[{naming.string_literal(k)}]: {v}"
                if k == "__proto__"
                else f"{naming.string_literal(k)}: {v}"
            )
            for k, v in pairs
        ]
        return "{ " + ", ".join(items) + " }"
