"""Build the IR from validated schema data, and run the checks the meta-schema cannot express.

Every problem is collected and reported together, each at its file:line:col: unresolved references,
keywords that do not apply to a type, discriminators that do not discriminate, reference cycles that no
value could satisfy, path parameters that do not match their path, error codes without a status, constants
whose value does not fit their type.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from generator.errors import Collector, Location
from generator.ir.model import (
    Alias,
    Constant,
    Constraints,
    Decl,
    Endpoint,
    Enum_,
    EnumValue,
    ErrorCode,
    Errors,
    Field,
    Http,
    HttpMethod,
    ListOf,
    MapOf,
    Nullable,
    Packages,
    Param,
    Primitive,
    PrimitiveKind,
    Record,
    Ref,
    Schema,
    TypeNode,
    Union,
    Variant,
    WebSocket,
)
from generator.ir.values import check_value
from generator.loader import Loaded, PathKey

_INTEGER_FORMATS = {k.value: k for k in PrimitiveKind if k.is_integer}
_FLOAT_FORMATS = {k.value: k for k in PrimitiveKind if k.is_float}
_PARAM = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

# Which keywords apply to which JSON type; anything else on a schema of that type is an error.
_COMMON = {"type", "description", "deprecated", "default"}
_APPLIES = {
    "string": _COMMON | {"pattern", "minLength", "maxLength", "enum", "const"},
    "boolean": _COMMON,
    "integer": _COMMON | {"format", "minimum", "maximum"},
    "number": _COMMON | {"format", "minimum", "maximum"},
    "array": _COMMON | {"items", "minItems", "maxItems"},
    "object": _COMMON | {"properties", "required", "additionalProperties"},
}
_REF_SIBLINGS = {"$ref", "description", "deprecated", "default"}


def _ref_name(ref: str) -> str:
    return ref.removeprefix("#/types/")


class _Builder:
    def __init__(self, loaded: Loaded) -> None:
        self.data: dict[str, Any] = loaded.data
        self.loc = loaded.locations
        self.problems = Collector()
        self.refs: list[tuple[str, Location]] = []  # every reference, checked once all types exist

    # -- type expressions -------------------------------------------------------------------------

    def type_node(self, schema: dict[str, Any], path: PathKey) -> TypeNode:
        """A type used inside another (a field, an item, a parameter): no inline records or enums."""
        at = self.loc.of(path)
        if "$ref" in schema:
            self._only(schema, _REF_SIBLINGS, path, "beside $ref")
            name = _ref_name(schema["$ref"])
            self.refs.append((name, self.loc.of((*path, "$ref"))))
            return Ref(name)
        if "anyOf" in schema:
            self._only(
                schema, {"anyOf", "description", "deprecated", "default"}, path, "beside anyOf"
            )
            return Nullable(self.type_node(schema["anyOf"][0], (*path, "anyOf", 0)))
        if "oneOf" in schema:
            self.problems.error(at, "a union (oneOf) must be a named type under `types`")
            return Primitive(PrimitiveKind.STRING)
        json_type = schema.get("type")
        if json_type is None:
            self.problems.error(at, "missing `type` (or `$ref`)")
            return Primitive(PrimitiveKind.STRING)
        if isinstance(json_type, list):
            return Nullable(self._typed(schema, json_type[0], path))
        return self._typed(schema, json_type, path)

    def _typed(self, schema: dict[str, Any], json_type: str, path: PathKey) -> TypeNode:
        at = self.loc.of(path)
        self._only(schema, _APPLIES[json_type], path, f"to type {json_type}")
        if json_type == "array":
            if "items" not in schema:
                self.problems.error(at, "an array needs `items`")
                return ListOf(Primitive(PrimitiveKind.STRING))
            item = self.type_node(schema["items"], (*path, "items"))
            return ListOf(item, self._constraints(schema, path, None))
        if json_type == "object":
            if "properties" in schema or "additionalProperties" not in schema:
                self.problems.error(
                    at,
                    "an object with properties must be a named type under `types` "
                    "(reference it with $ref); a map needs `additionalProperties`",
                )
                return MapOf(Primitive(PrimitiveKind.STRING))
            return MapOf(
                self.type_node(schema["additionalProperties"], (*path, "additionalProperties"))
            )
        if "enum" in schema:
            self.problems.error(at, "an enum must be a named type under `types`")
        if "const" in schema:
            self.problems.error(at, "`const` is only for a union variant's discriminator field")
        kind = self._kind(schema, json_type, path)
        return Primitive(kind, self._constraints(schema, path, kind))

    def _kind(self, schema: dict[str, Any], json_type: str, path: PathKey) -> PrimitiveKind:
        if json_type == "string":
            return PrimitiveKind.STRING
        if json_type == "boolean":
            return PrimitiveKind.BOOL
        formats = _INTEGER_FORMATS if json_type == "integer" else _FLOAT_FORMATS
        fmt = schema.get("format")
        if fmt not in formats:
            where = self.loc.of((*path, "format")) if fmt else self.loc.of(path)
            self.problems.error(
                where,
                f"{json_type} needs `format`, one of: {', '.join(formats)}"
                + (f" (not {fmt!r})" if fmt else ""),
            )
            return next(iter(formats.values()))
        return formats[fmt]

    def _constraints(
        self, schema: dict[str, Any], path: PathKey, kind: PrimitiveKind | None
    ) -> Constraints:
        c = Constraints(
            pattern=schema.get("pattern"),
            min_length=schema.get("minLength"),
            max_length=schema.get("maxLength"),
            minimum=schema.get("minimum"),
            maximum=schema.get("maximum"),
            min_items=schema.get("minItems"),
            max_items=schema.get("maxItems"),
        )
        if c.pattern is not None:
            try:
                re.compile(c.pattern)
            except re.error as exc:
                self.problems.error(self.loc.of((*path, "pattern")), f"invalid pattern: {exc}")
        for low, high, lo_key, hi_key in (
            (c.min_length, c.max_length, "minLength", "maxLength"),
            (c.minimum, c.maximum, "minimum", "maximum"),
            (c.min_items, c.max_items, "minItems", "maxItems"),
        ):
            if low is not None and high is not None and low > high:
                self.problems.error(
                    self.loc.of((*path, lo_key)), f"{lo_key} is greater than {hi_key}"
                )
        if kind is not None and kind.is_integer:
            lo, hi = kind.range
            for key, bound in (("minimum", c.minimum), ("maximum", c.maximum)):
                if bound is not None and not (isinstance(bound, int) and lo <= bound <= hi):
                    self.problems.error(
                        self.loc.of((*path, key)),
                        f"{key} {bound} is not an integer within {kind.value} [{lo}, {hi}]",
                    )
        return c

    def _only(self, schema: dict[str, Any], allowed: set[str], path: PathKey, where: str) -> None:
        for key in schema:
            if key not in allowed:
                self.problems.error(
                    self.loc.of_key((*path, key)), f"keyword {key!r} does not apply {where}"
                )

    # -- named types ------------------------------------------------------------------------------

    def decl(self, name: str, schema: dict[str, Any]) -> Decl:
        path: PathKey = ("types", name)
        at = self.loc.of_key(path)
        description = self._description(schema, path, f"type {name}")
        deprecated = bool(schema.get("deprecated", False))
        if "default" in schema:
            self.problems.error(self.loc.of_key((*path, "default")), "`default` belongs on a field")
        if "oneOf" in schema:
            self._only(
                schema, {"oneOf", "discriminator", "description", "deprecated"}, path, "to a union"
            )
            if "discriminator" not in schema:
                self.problems.error(at, "a union needs `discriminator: {propertyName: ...}`")
            discriminator = schema.get("discriminator", {}).get("propertyName", "type")
            variants = []
            for i, item in enumerate(schema["oneOf"]):
                record = _ref_name(item["$ref"])
                self.refs.append((record, self.loc.of((*path, "oneOf", i, "$ref"))))
                variants.append(Variant(tag="", record=record))  # tags are read once records exist
            return Union(name, description, discriminator, tuple(variants), at, deprecated)
        if schema.get("type") == "object" and "properties" in schema:
            if "additionalProperties" in schema:
                self.problems.error(
                    self.loc.of_key((*path, "additionalProperties")),
                    "a record cannot also be a map; readers always ignore unknown fields",
                )
            return Record(name, description, self._fields(schema, path), at, deprecated)
        if "enum" in schema:
            self._only(schema, {"type", "enum", "description", "deprecated"}, path, "to an enum")
            if schema.get("type") != "string":
                self.problems.error(at, "an enum needs `type: string`")
            values = []
            seen: set[str] = set()
            for i, value in enumerate(schema["enum"]):
                vloc = self.loc.of((*path, "enum", i))
                if value in seen:
                    self.problems.error(vloc, f"duplicate enum value {value!r}")
                seen.add(value)
                values.append(EnumValue(value, vloc))
            return Enum_(name, description, tuple(values), at, deprecated)
        target = self.type_node(
            {k: v for k, v in schema.items() if k not in ("description", "deprecated")}, path
        )
        return Alias(name, description, target, at, deprecated)

    def _fields(self, schema: dict[str, Any], path: PathKey) -> tuple[Field, ...]:
        required = schema.get("required", [])
        properties: dict[str, Any] = schema["properties"]
        for i, name in enumerate(required):
            if name not in properties:
                self.problems.error(
                    self.loc.of((*path, "required", i)),
                    f"required field {name!r} is not in properties",
                )
        fields = []
        for name, prop in properties.items():
            fpath = (*path, "properties", name)
            description = self._description(prop, fpath, f"field {name}")
            if "const" in prop:
                self._only(
                    prop, {"const", "description", "type"}, fpath, "to a discriminator field"
                )
                ftype: TypeNode = Primitive(PrimitiveKind.STRING)
            else:
                ftype = self.type_node(prop, fpath)
            fields.append(
                Field(
                    name=name,
                    type=ftype,
                    required=name in required,
                    description=description,
                    location=self.loc.of_key(fpath),
                    default=prop.get("default"),
                    has_default="default" in prop,
                    const=prop.get("const"),
                    deprecated=bool(prop.get("deprecated", False)),
                )
            )
        return tuple(fields)

    def _description(self, schema: dict[str, Any], path: PathKey, what: str) -> str:
        text = schema.get("description")
        if not isinstance(text, str) or not text.strip():
            self.problems.error(self.loc.of_key(path), f"{what} needs a description")
            return ""
        return text

    # -- sections ---------------------------------------------------------------------------------

    def errors(self, types: dict[str, Decl]) -> Errors | None:
        section = self.data.get("errors")
        if section is None:
            return None
        path: PathKey = ("errors",)
        record, enum = types.get(section["type"]), types.get(section["code_type"])
        if not isinstance(record, Record):
            self.problems.error(
                self.loc.of((*path, "type")),
                f"errors.type {section['type']!r} is not a record type",
            )
        if not isinstance(enum, Enum_):
            self.problems.error(
                self.loc.of((*path, "code_type")),
                f"errors.code_type {section['code_type']!r} is not an enum type",
            )
        codes = tuple(
            ErrorCode(
                code, entry["status"], entry["message"], self.loc.of_key((*path, "codes", code))
            )
            for code, entry in section["codes"].items()
        )
        if isinstance(record, Record) and not any(
            f.name == "code" and f.type == Ref(section["code_type"]) for f in record.fields
        ):
            self.problems.error(
                record.location,
                f"the error record needs a field `code` of type {section['code_type']}",
            )
        if isinstance(enum, Enum_):
            declared = {v.value for v in enum.values}
            for code in codes:
                if code.code not in declared:
                    self.problems.error(
                        code.location, f"error code {code.code!r} is not a value of {enum.name}"
                    )
            for value in enum.values:
                if value.value not in section["codes"]:
                    self.problems.error(
                        value.location, f"error code {value.value!r} has no entry in errors.codes"
                    )
        return Errors(section["type"], section["code_type"], codes)

    def constants(self) -> list[tuple[Constant, PathKey]]:
        out = []
        for name, entry in self.data.get("constants", {}).items():
            path: PathKey = ("constants", name)
            schema = {k: v for k, v in entry.items() if k not in ("value", "description")}
            node = self.type_node(schema, path)
            out.append(
                (
                    Constant(
                        name, entry["description"], node, entry["value"], self.loc.of_key(path)
                    ),
                    path,
                )
            )
        return out

    def http(self, codes: set[str] | None) -> Http | None:
        section = self.data.get("http")
        if section is None:
            return None
        endpoints = []
        seen_routes: dict[tuple[str, str], str] = {}
        for name, entry in section["endpoints"].items():
            path: PathKey = ("http", "endpoints", name)
            at = self.loc.of_key(path)
            in_path = _PARAM.findall(entry["path"])
            declared = entry.get("params", {})
            for p in in_path:
                if p not in declared:
                    self.problems.error(
                        self.loc.of((*path, "path")),
                        f"path parameter {{{p}}} has no entry in params",
                    )
            for p in declared:
                if p not in in_path:
                    self.problems.error(
                        self.loc.of_key((*path, "params", p)),
                        f"parameter {p!r} does not appear in the path",
                    )
            route = (entry["method"], _PARAM.sub("{}", entry["path"]))
            if route in seen_routes:
                self.problems.error(
                    at, f"{route[0]} {entry['path']} is also endpoint {seen_routes[route]!r}"
                )
            seen_routes[route] = name
            params = tuple(
                Param(
                    p,
                    self.type_node(s, (*path, "params", p)),
                    self._description(s, (*path, "params", p), f"parameter {p}"),
                )
                for p, s in declared.items()
            )
            for i, code in enumerate(entry.get("errors", [])):
                if codes is None:
                    self.problems.error(
                        self.loc.of((*path, "errors", i)),
                        "endpoint errors need an `errors` section",
                    )
                elif code not in codes:
                    self.problems.error(
                        self.loc.of((*path, "errors", i)), f"unknown error code {code!r}"
                    )
            request = (
                self.type_node(entry["request"], (*path, "request")) if "request" in entry else None
            )
            if request is not None and entry["method"] == "GET":
                self.problems.error(
                    self.loc.of_key((*path, "request")), "a GET endpoint cannot have a request body"
                )
            endpoints.append(
                Endpoint(
                    name=name,
                    description=entry["description"],
                    method=HttpMethod(entry["method"]),
                    path=entry["path"],
                    params=params,
                    request=request,
                    response=self.type_node(entry["response"], (*path, "response")),
                    status=entry.get("status", 200),
                    errors=tuple(entry.get("errors", [])),
                    location=at,
                )
            )
        return Http(section["base_path"], tuple(endpoints))

    def websocket(self, types: dict[str, Decl]) -> WebSocket | None:
        section = self.data.get("websocket")
        if section is None:
            return None
        names = []
        for side in ("client", "server"):
            node = self.type_node(section[side], ("websocket", side))
            decl = types.get(node.name) if isinstance(node, Ref) else None
            if not isinstance(decl, Union):
                self.problems.error(
                    self.loc.of(("websocket", side)),
                    f"websocket.{side} must reference a union of messages",
                )
            names.append(node.name if isinstance(node, Ref) else "")
        return WebSocket(section["path"], section.get("description", ""), names[0], names[1])


def _type_refs(node: TypeNode) -> Iterator[tuple[str, bool]]:
    """Yield (referenced name, reached without a list, map or null in between) for a type expression."""
    if isinstance(node, Ref):
        yield node.name, True
    elif isinstance(node, ListOf):
        yield from ((n, False) for n, _ in _type_refs(node.item))
    elif isinstance(node, MapOf):
        yield from ((n, False) for n, _ in _type_refs(node.value))
    elif isinstance(node, Nullable):
        yield from ((n, False) for n, _ in _type_refs(node.inner))


def _check_cycles(types: dict[str, Decl], problems: Collector) -> None:
    """A cycle of aliases, or of required non-null references, has no finite value: reject it."""
    edges: dict[str, list[str]] = {}
    for decl in types.values():
        if isinstance(decl, Alias):
            edges[decl.name] = [n for n, direct in _type_refs(decl.target) if direct]
        elif isinstance(decl, Record):
            edges[decl.name] = [
                n for f in decl.fields if f.required for n, direct in _type_refs(f.type) if direct
            ]
        elif isinstance(decl, Union):
            # A union is satisfiable if any variant is; a cycle only counts when every variant cycles.
            edges[decl.name] = []
    # Depth-first search with an explicit stack: a chain of thousands of references must not hit
    # Python's recursion limit (the benchmark's 1000-deep chain did).
    on_path: dict[str, int] = {}  # name -> its index in `path`
    done: set[str] = set()
    reported: set[frozenset[str]] = set()
    for root in types:
        if root in done:
            continue
        path: list[str] = [root]
        on_path[root] = 0
        pending: list[list[str]] = [[n for n in reversed(edges.get(root, [])) if n in types]]
        while pending:
            if not pending[-1]:
                pending.pop()
                finished = path.pop()
                del on_path[finished]
                done.add(finished)
                continue
            nxt = pending[-1].pop()
            if nxt in on_path:
                cycle = path[on_path[nxt] :]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    problems.error(
                        types[nxt].location,
                        "reference cycle with no finite value: "
                        + " -> ".join([*cycle, nxt])
                        + " (make one field optional, nullable or a list)",
                    )
            elif nxt not in done:
                on_path[nxt] = len(path)
                path.append(nxt)
                pending.append([n for n in reversed(edges.get(nxt, [])) if n in types])


def _resolve_unions(types: dict[str, Decl], problems: Collector) -> None:
    """Fill in each variant's tag from its record's discriminator const, checking it along the way."""
    for name, decl in list(types.items()):
        if not isinstance(decl, Union):
            continue
        variants = []
        tags: dict[str, str] = {}
        for variant in decl.variants:
            record = types.get(variant.record)
            if record is None:
                continue  # reported as an unresolved reference
            if not isinstance(record, Record):
                problems.error(decl.location, f"variant {variant.record} of {name} is not a record")
                continue
            field = next((f for f in record.fields if f.name == decl.discriminator), None)
            if field is None or field.const is None or not field.required:
                problems.error(
                    record.location,
                    f"variant {record.name} of union {name} needs a required field "
                    f"{decl.discriminator!r} with `const`",
                )
                continue
            if field.const in tags:
                problems.error(
                    field.location,
                    f"tag {field.const!r} of {record.name} is also the tag of {tags[field.const]} in union {name}",
                )
            tags[field.const] = record.name
            variants.append(Variant(field.const, record.name))
        types[name] = Union(
            decl.name,
            decl.description,
            decl.discriminator,
            tuple(variants),
            decl.location,
            decl.deprecated,
        )
    for decl in types.values():
        if isinstance(decl, Record):
            for f in decl.fields:
                if f.const is not None and not any(
                    isinstance(u, Union) and any(v.record == decl.name for v in u.variants)
                    for u in types.values()
                ):
                    problems.error(
                        f.location,
                        f"`const` field {f.name!r}: {decl.name} is not a variant of any union",
                    )


def build(loaded: Loaded) -> Schema:
    """Turn validated data into the IR; raise SchemaError with every semantic problem found."""
    b = _Builder(loaded)
    data = b.data
    types: dict[str, Decl] = {name: b.decl(name, schema) for name, schema in data["types"].items()}
    errors = b.errors(types)
    constants = b.constants()
    http = b.http({c.code for c in errors.codes} if errors else None)
    websocket = b.websocket(types)
    for name, location in b.refs:
        if name not in types:
            close = difflib.get_close_matches(name, types, n=1)
            hint = f"; did you mean #/types/{close[0]}?" if close else ""
            b.problems.error(location, f"unresolved reference #/types/{name}{hint}")
    b.problems.raise_if_any()  # the checks below assume every reference resolves

    _resolve_unions(types, b.problems)
    _check_cycles(types, b.problems)
    for decl in types.values():
        if isinstance(decl, Record):
            for f in decl.fields:
                if f.has_default:
                    check_value(
                        f.type,
                        f.default,
                        ("types", decl.name, "properties", f.name, "default"),
                        types,
                        b.loc,
                        b.problems,
                    )
    for constant, path in constants:
        check_value(constant.type, constant.value, (*path, "value"), types, b.loc, b.problems)
    b.problems.raise_if_any()

    packages = data.get("packages", {})
    default_python = data["name"].replace("-", "_")
    return Schema(
        file=b.loc.file,
        name=data["name"],
        title=data["title"],
        version=data["version"],
        description=data["description"],
        packages=Packages(
            python=packages.get("python", default_python),
            typescript=packages.get("typescript", data["name"]),
            go_module=packages.get("go", {}).get("module", f"example.com/{data['name']}"),
            go_package=packages.get("go", {}).get("package", default_python.replace("_", "")),
        ),
        types=tuple(types.values()),
        errors=errors,
        constants=tuple(c for c, _ in constants),
        http=http,
        websocket=websocket,
    )
