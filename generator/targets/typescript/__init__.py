"""The TypeScript target: the npm package `@flight/v6r-memory-types` (types, exact codecs, constants and, for
the V6R memory service, a REST client, a WebSocket client, utilities and React hooks).

`render` names everything first (naming.py, collisions are SchemaErrors), builds the view model the
templates print and renders one template per file. The output is formatted as emitted: no formatter runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from generator import render as jinja
from generator.errors import Collector, Diagnostic, SchemaError
from generator.ir.model import Alias, Constant, Enum_, Record, Ref, Schema, Union
from generator.targets.context import RenderContext
from generator.targets.service import SERVICE_TYPES
from generator.targets.typescript import naming
from generator.targets.typescript.printer import Printer

ROOT = PurePosixPath("typescript")
FILTERS = {
    "ts_string": naming.string_literal,
    "ts_doc": naming.doc_comment,
    "ts_comment": naming.line_comment,
    "json_string": naming.json_string,
}

# What the service runtime (client, socket, utilities, hooks) needs; the same shape as the Python target's.
RUNTIME_CONSTANTS = (
    "size_unit_base", "size_units", "size_decimals", "vm_size_bytes", "platform_prefix", "pressure_thresholds",
)  # fmt: skip

# Values the generated runtime modules export; schema-derived values must not take these names.
RUNTIME_VALUES = (
    "parseJson", "readJson", "writeJson", "decode", "encode", "JsonNumber", "humanReadable", "parseSize", "float32",
    "memorySize", "usagePercentage", "pressureLevel", "pressureColor", "vmSizeBytes", "defaultMemorySize",
    "platformFor", "validateV6RConfig", "MemoryEventEmitter", "MemoryClient", "MemorySocket", "memorySocketUrl",
    "PRESSURE_COLORS",
)  # fmt: skip

# Colours of the pressure levels, highest level first; the lowest level is always the last one.
PRESSURE_PALETTE = ("#F44336", "#FF9800", "#FFC107")
LOW_PRESSURE_COLOR = "#4CAF50"


@dataclass(frozen=True)
class TsField:
    name: str
    type: str
    optional: bool
    doc: str


@dataclass(frozen=True)
class TsDecl:
    kind: str  # record, enum, union, alias
    name: str
    doc: str
    fields: tuple[TsField, ...] = ()
    expr: str = ""  # the right-hand side of an enum, union or alias
    values_name: str = ""  # enums: the exported array of values
    values: tuple[str, ...] = ()  # enums: value literals


@dataclass(frozen=True)
class TsConstant:
    name: str
    annotation: str
    literal: str
    doc: str


@dataclass(frozen=True)
class TsEndpoint:
    method_name: str
    doc: str
    http_method: str
    path: str  # the TypeScript expression of the path, parameters URI-encoded
    params: tuple[tuple[str, str], ...]  # (name, type)
    body_type: str | None
    body_spec: str | None
    body_encoder: str
    response_type: str
    response_spec: str


@dataclass(frozen=True)
class TsMessage:
    tag: str
    type: str


@dataclass(frozen=True)
class TsService:
    endpoints: tuple[TsEndpoint, ...]
    base_path: str
    ws_path: str
    discriminator: str
    server_union: str
    server_spec: str
    server_messages: tuple[TsMessage, ...]
    client_tags: dict[str, str]  # subscribe, unsubscribe, ping -> tag literal
    client_union: str  # the union of the messages a client sends
    error_code_invalid: str
    error_code_internal: str
    pressure_colors: tuple[tuple[str, str], ...]  # (level literal, colour literal)
    lowest_pressure: str
    vm_sizes: tuple[str, ...]
    imports: tuple[str, ...]  # types client.ts names directly
    codec_imports: tuple[str, ...]  # what client.ts imports from codec.ts
    server_tags: dict[str, str]  # update, alert, error -> tag literal
    discriminator_prop: str


@dataclass(frozen=True)
class TypeScriptView:
    header: str
    package: str  # JSON string, for package.json
    package_name: (
        str  # the bare name, for the README's heading (the meta-schema allows no markup in it)
    )
    # TypeScript string literals of the three entries, for the README's examples
    package_import: str
    react_import: str
    constants_import: str
    # up to two names the ./constants entry exports, for the README (may be empty)
    constant_example: str
    version: str
    description: str
    title: str
    decls: tuple[TsDecl, ...]
    type_names: tuple[str, ...]  # every schema type's TypeScript name: the keys of WireTypes
    example_type: (
        str  # the type the README's codec example decodes: the first record, else the first type
    )
    specs: tuple[tuple[str, str], ...]  # (type name literal, spec)
    # the spec kinds and options the table uses: the runtime handles only these
    codec: frozenset[str]
    # the ./constants entry's own: every constant the core does not apply
    constants: tuple[TsConstant, ...]
    # rules.ts: the constants the utilities apply (a service schema only)
    rules: tuple[TsConstant, ...]
    rule_imports: tuple[str, ...]
    constant_imports: tuple[str, ...]
    result_type: str  # what decoders return: MemoryResult or DecodeResult
    error_type: str
    has_errors_result: bool
    service: TsService | None


def _names(schema: Schema) -> tuple[dict[str, str], dict[tuple[str, str], str], dict[str, str]]:
    """Type names, property names and the names of schema-derived values, with every collision reported."""
    problems = Collector()
    types = naming.Namer("types", problems)
    for name in naming.GENERATED_NAMES:
        types.reserve(name, name)
    values = naming.Namer("values", problems)
    for name in RUNTIME_VALUES:
        values.reserve(name, name)
    type_names = {
        d.name: types.claim(naming.type_name(d.name), d.name, d.location) for d in schema.types
    }
    fields: dict[tuple[str, str], str] = {}
    value_names: dict[str, str] = {}
    for d in schema.types:
        ts = type_names[d.name]
        if isinstance(d, Enum_):
            value_names["values:" + d.name] = values.claim(
                naming.value_name(ts, "values"), d.name, d.location
            )
        if isinstance(d, Record):
            scope = naming.Namer(f"interface {ts}", problems)
            for f in d.fields:
                fields[(d.name, f.name)] = scope.claim(
                    naming.field_name(f.name), f.name, f.location
                )
    for c in schema.constants:
        value_names["const:" + c.name] = values.claim(
            naming.constant_name(c.name), c.name, c.location
        )
    problems.raise_if_any()
    return type_names, fields, value_names


def _decls(schema: Schema, printer: Printer, type_names: dict[str, str], fields, values) -> tuple[TsDecl, ...]:  # type: ignore[no-untyped-def]
    out = []
    for d in schema.types:
        ts = type_names[d.name]
        text = d.description + ("\n@deprecated" if d.deprecated else "")
        if isinstance(d, Record):
            members = tuple(
                TsField(
                    fields[(d.name, f.name)],
                    (
                        naming.string_literal(f.const)
                        if f.const is not None
                        else printer.type_expr(f.type)
                    ),
                    not f.required,
                    naming.doc_comment(
                        f.description + ("\n@deprecated" if f.deprecated else ""), "  "
                    ),
                )
                for f in d.fields
            )
            out.append(TsDecl("record", ts, naming.doc_comment(text), fields=members))
        elif isinstance(d, Enum_):
            literals = tuple(naming.string_literal(v.value) for v in d.values)
            out.append(
                TsDecl(
                    "enum", ts, naming.doc_comment(text), expr=" | ".join(literals) or "never",
                    values_name=values["values:" + d.name], values=literals,
                )
            )  # fmt: skip
        elif isinstance(d, Union):
            expr = " | ".join(type_names[v.record] for v in d.variants)
            out.append(TsDecl("union", ts, naming.doc_comment(text), expr=expr))
        else:
            assert isinstance(d, Alias)
            out.append(
                TsDecl("alias", ts, naming.doc_comment(text), expr=printer.type_expr(d.target))
            )
    return tuple(out)


def _service(schema: Schema, printer: Printer, type_names: dict[str, str]) -> TsService | None:
    if schema.http is None or schema.websocket is None or schema.errors is None:
        return None
    present = [c for c in RUNTIME_CONSTANTS if schema.constant(c) is not None]
    missing_types = [t for t in SERVICE_TYPES if type_names.get(t) != t]
    if not present and missing_types:
        return None  # another service: its types and codecs only
    missing = [c for c in RUNTIME_CONSTANTS if c not in present] + missing_types
    codes = {c.code for c in schema.errors.codes}
    missing += [f"error code {c}" for c in ("invalid-request", "internal-error") if c not in codes]
    if missing:
        location = (
            schema.http.endpoints[0].location if schema.http.endpoints else schema.types[0].location
        )
        message = f"the TypeScript service runtime also needs: {', '.join(missing)}"
        raise SchemaError([Diagnostic(location, message)])
    endpoints = []
    for e in schema.http.endpoints:
        endpoints.append(
            TsEndpoint(
                method_name=naming.value_name(e.name),
                doc=naming.doc_comment(e.description, "  "),
                http_method=naming.string_literal(e.method.value),
                path=naming.path_template(e.path, naming.field_name),
                params=tuple((naming.field_name(p.name), "string") for p in e.params),
                body_type=printer.type_expr(e.request) if e.request is not None else None,
                body_spec=printer.spec(e.request) if e.request is not None else None,
                # a named type's body goes through the typed encode, an inline one through writeJson
                body_encoder="encode" if isinstance(e.request, Ref) else "writeJson",
                response_type=printer.type_expr(e.response),
                response_spec=printer.spec(e.response),
            )
        )
    server = schema.decl(schema.websocket.server)
    client = schema.decl(schema.websocket.client)
    assert isinstance(server, Union) and isinstance(client, Union)
    client_tags = {v.record: naming.string_literal(v.tag) for v in client.variants}
    server_tags = {v.record: naming.string_literal(v.tag) for v in server.variants}
    wanted = {"subscribe": "MemorySubscribe", "unsubscribe": "MemoryUnsubscribe", "ping": "Ping"}
    absent = [record for record in wanted.values() if record not in client_tags]
    if absent:
        raise SchemaError(
            [
                Diagnostic(
                    client.location, f"the WebSocket client needs messages: {', '.join(absent)}"
                )
            ]
        )
    thresholds = schema.constant("pressure_thresholds")
    assert thresholds is not None
    levels = [t["level"] for t in thresholds.value]
    colors = tuple(
        (naming.string_literal(level), naming.string_literal(
            LOW_PRESSURE_COLOR if i == len(levels) - 1 else PRESSURE_PALETTE[min(i, len(PRESSURE_PALETTE) - 1)]
        ))
        for i, level in enumerate(levels)
    )  # fmt: skip
    vm = schema.decl("VmSize")
    assert isinstance(vm, Enum_)
    return TsService(
        endpoints=tuple(endpoints),
        base_path=naming.string_literal(schema.http.base_path),
        ws_path=naming.string_literal(schema.http.base_path + schema.websocket.path),
        discriminator=naming.string_literal(server.discriminator),
        server_union=type_names[server.name],
        server_spec=printer.decl_spec(server.name),
        server_messages=tuple(
            TsMessage(naming.string_literal(v.tag), type_names[v.record]) for v in server.variants
        ),
        client_tags={key: client_tags[record] for key, record in wanted.items()},
        client_union=type_names[client.name],
        error_code_invalid=naming.string_literal("invalid-request"),
        error_code_internal=naming.string_literal("internal-error"),
        pressure_colors=colors,
        lowest_pressure=naming.string_literal(levels[-1]),
        vm_sizes=tuple(naming.string_literal(v.value) for v in vm.values),
        imports=tuple(sorted(printer.used)),
        codec_imports=tuple(
            sorted({"parseJson", "readJson"} | {e.body_encoder for e in endpoints if e.body_spec})
        ),
        server_tags={
            key: server_tags[record]
            for key, record in (
                ("update", "MemoryUpdate"),
                ("alert", "MemoryPressureAlert"),
                ("error", "ErrorMessage"),
            )
        },
        discriminator_prop=naming.field_name(server.discriminator),
    )


def build_view(schema: Schema, ctx: RenderContext) -> TypeScriptView:
    type_names, fields, values = _names(schema)
    printer = Printer(schema, type_names.__getitem__, lambda t, w: fields[(t, w)])
    decls = _decls(schema, printer, type_names, fields, values)
    specs = tuple(
        (naming.string_literal(type_names[d.name]), printer.decl_spec(d.name)) for d in schema.types
    )
    service_printer = Printer(schema, type_names.__getitem__, lambda t, w: fields[(t, w)])
    service = _service(schema, service_printer, type_names)
    # The constants the utilities apply are in rules.ts, which the core exports; the rest of the schema's
    # constants and the enums' value lists are only in the ./constants entry (which re-exports the rules
    # too), so an application that does not import them loads none of them, even with Metro.
    applied = set(RUNTIME_CONSTANTS) if service is not None else set()
    rule_printer = Printer(schema, type_names.__getitem__, lambda t, w: fields[(t, w)])
    constant_printer = Printer(schema, type_names.__getitem__, lambda t, w: fields[(t, w)])

    def constant(c: Constant, p: Printer) -> TsConstant:
        return TsConstant(
            values["const:" + c.name],
            p.type_expr(c.type),
            p.literal(c.type, c.value),
            naming.doc_comment(c.description),
        )

    rules = tuple(constant(c, rule_printer) for c in schema.constants if c.name in applied)
    constants = tuple(
        constant(c, constant_printer) for c in schema.constants if c.name not in applied
    )
    return TypeScriptView(
        header=ctx.header_line,
        package=naming.json_string(schema.packages.typescript),
        package_name=schema.packages.typescript,
        package_import=naming.string_literal(schema.packages.typescript),
        react_import=naming.string_literal(schema.packages.typescript + "/react"),
        constants_import=naming.string_literal(schema.packages.typescript + "/constants"),
        constant_example=", ".join(
            [d.values_name for d in decls if d.kind == "enum"][:1] + [c.name for c in constants][:1]
        ),
        version=naming.json_string(schema.version),
        description=naming.json_string(schema.description),
        title=naming.comment_text(schema.title),
        decls=decls,
        type_names=tuple(type_names[d.name] for d in schema.types),
        example_type=next((d.name for d in decls if d.kind == "record"), decls[0].name),
        specs=specs,
        codec=frozenset(printer.features | service_printer.features),
        constants=constants,
        rules=rules,
        rule_imports=tuple(sorted(rule_printer.used)),
        constant_imports=tuple(
            sorted(constant_printer.used | {d.name for d in decls if d.kind == "enum"})
        ),
        result_type="MemoryResult" if service is not None else "DecodeResult",
        error_type=(
            type_names[schema.errors.type]
            if service is not None and schema.errors
            else "DecodeError"
        ),
        has_errors_result=service is not None,
        service=service,
    )


def render(schema: Schema, ctx: RenderContext) -> dict[PurePosixPath, str]:
    view = build_view(schema, ctx)
    env = jinja.environment("typescript", FILTERS)

    def ts(template: str) -> str:
        with ctx.timed("typescript.templates"):
            return jinja.render(env, template, v=view)

    files = {
        ROOT / "package.json": ts("package.json.j2"),
        ROOT / "tsconfig.json": ts("tsconfig.json.j2"),
        ROOT / "README.md": ts("README.md.j2"),
        ROOT / "src/types.ts": ts("types.ts.j2"),
        ROOT / "src/codec.ts": ts("codec.ts.j2"),
        ROOT / "src/constants.ts": ts("constants.ts.j2"),
        ROOT / "src/index.ts": ts("index.ts.j2"),
    }
    if view.service is not None:
        files[ROOT / "src/rules.ts"] = ts("rules.ts.j2")
        files[ROOT / "src/client.ts"] = ts("client.ts.j2")
        files[ROOT / "src/ws.ts"] = ts("ws.ts.j2")
        files[ROOT / "src/utils/v6r-integration.ts"] = ts("v6r-integration.ts.j2")
        files[ROOT / "src/react/hooks.ts"] = ts("hooks.ts.j2")
        files[ROOT / "src/react/index.ts"] = ts("react-index.ts.j2")
    return files


def check(schema: Schema) -> None:
    """TypeScript's naming alone: raises SchemaError listing every collision."""
    _names(schema)
