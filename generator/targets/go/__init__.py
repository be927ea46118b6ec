"""The Go target: the module `generated/go` (types with strict codecs, constants, the result envelope,
size helpers and the TLSF memory pool).

`render` names everything first (naming.py), reports collisions, builds the view model the templates
print and returns the files; the output is gofmt-clean as rendered (tests run `gofmt -l` on it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from generator import render as jinja
from generator.errors import Collector, Diagnostic, SchemaError
from generator.ir.model import Alias, Enum_, Record, Ref, Schema, Union
from generator.targets.context import RenderContext
from generator.targets.go import naming
from generator.targets.go.gotypes import GoTypes
from generator.targets.service import SERVICE_TYPES, cors_methods

ROOT = PurePosixPath("go")
FILTERS = {
    "go_string": naming.string_literal,
    "go_comment": naming.comment,
    "go_field_comment": naming.indented_comment,
}

# The module's only dependencies, pinned by the seed; go.sum holds exactly their hashes.
REQUIREMENTS = (
    ("github.com/google/uuid", "v1.4.0"),
    ("github.com/gorilla/websocket", "v1.5.3"),
)
GO_SUM = (
    "github.com/google/uuid v1.4.0 h1:MtMxsa51/r9yyhkyLsVeVt0B+BGQZzpQiTQ4eHZ8bc4=\n"
    "github.com/google/uuid v1.4.0/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=\n"
    "github.com/gorilla/websocket v1.5.3 h1:saDtZ6Pbx/0u+bgYQ3q96pZgCzfhKXGPqt7kZ72aNNg=\n"
    "github.com/gorilla/websocket v1.5.3/go.mod h1:YR8l580nyteQvAITg2hZ9XVh4b55+EU/adAjf1fMHhE=\n"
)
GO_VERSION = "1.22"

RUNTIME_CONSTANTS = (
    "size_unit_base",
    "size_units",
    "size_decimals",
    "vm_size_bytes",
    "platform_prefix",
    "pressure_thresholds",
)
MAX_SIZE_DECIMALS = 19
# api.go, websocket.go and client.go also use these by name.
HTTP_TYPES = (
    "HealthStatus", "ServiceStatus", "MemorySubscribe", "MemoryUnsubscribe", "Ping", "MemoryUpdate",
    "MemorySubscribed", "MemoryUnsubscribed", "Pong", "MemoryPressureAlert", "ErrorMessage",
    "ClientMessage", "SessionId", "AllocationId",
)  # fmt: skip
# The endpoints api.go, client.go and the CLI implement, by schema name, with the Go call answering each
# (a *Server method; `s.pool` is its MemoryPool): it takes the path parameters, then the decoded body.
ENDPOINTS = {
    "create_allocation": "s.pool.Allocate",
    "free_allocation": "s.pool.Free",
    "get_snapshot": "s.pool.Snapshot",
    "configure_session": "s.pool.Configure",
    "get_stats": "s.pool.Stats",
    "list_allocations": "s.pool.Allocations",
    "get_health": "s.health",
    "get_status": "s.status",
}


@dataclass(frozen=True)
class GoField:
    name: str
    wire: str
    go_type: str  # the struct field's type
    tag: str  # the struct tag, a complete Go raw string
    doc: str
    const: str | None  # a union variant's tag: not a struct field, written and checked by the codec
    required: bool
    pointer: bool  # optional, held as a pointer to the decoded value
    omittable: bool  # written only when not nil
    default: str | None  # Go expression used when the field is absent
    decoder: str
    encoder: str


@dataclass(frozen=True)
class GoRecord:
    name: str
    doc: str
    deprecated: bool
    fields: tuple[GoField, ...]
    unions: tuple[str, ...]  # marker methods: the unions this record is a variant of


@dataclass(frozen=True)
class GoEnumValue:
    name: str
    value: str


@dataclass(frozen=True)
class GoEnum:
    name: str
    doc: str
    deprecated: bool
    values: tuple[GoEnumValue, ...]


@dataclass(frozen=True)
class GoVariant:
    tag: str
    record: str


@dataclass(frozen=True)
class GoUnion:
    name: str
    doc: str
    deprecated: bool
    discriminator: str
    variants: tuple[GoVariant, ...]


@dataclass(frozen=True)
class GoAlias:
    name: str
    doc: str
    deprecated: bool
    target: str
    decoder: str
    encoder: str


@dataclass(frozen=True)
class GoConstant:
    name: str
    doc: str
    keyword: str  # const or var
    go_type: str
    literal: str


@dataclass(frozen=True)
class GoErrorCode:
    constant: str
    status: int
    message: str


@dataclass(frozen=True)
class GoErrors:
    type_name: str
    code_type: str
    code_field: str
    message_field: str | None
    details_field: str | None  # an optional string field
    codes: tuple[GoErrorCode, ...]


@dataclass(frozen=True)
class GoParam:
    wire: str  # the placeholder's name in the route and the path of its decode errors
    var: str  # the Go variable holding it
    decoder: str  # the decoder of its schema type (read from a JSON string)


@dataclass(frozen=True)
class GoEndpoint:
    name: str  # the schema's name: create_allocation
    method_name: str  # the client's method: CreateAllocation
    handler: str  # the server's handler: handleCreateAllocation
    method: str  # GET, POST, ...
    route: str  # the full route, base path included: /api/v1/memory/allocations/{id}/free
    segments: tuple[str, ...]  # the route split on "/", "{id}" kept as a placeholder
    status: int
    request: str | None  # the request body's Go type
    request_decoder: str | None
    response: str  # the response value's Go type
    params: tuple[GoParam, ...]
    call: str  # the Go call answering it, given the params' variables then the decoded body
    args: str  # its arguments
    client_path: (
        str  # the Go expression of the path, parameters escaped: "/a/" + url.PathEscape(id)
    )
    doc: str


@dataclass(frozen=True)
class GoService:
    """What api.go, websocket.go, client.go and the CLI need from the schema's http and websocket
    sections; templates name an endpoint by its schema name (`v.http.endpoints.get_stats`)."""

    version: str
    endpoints: dict[str, GoEndpoint]
    ws_route: str
    cors_methods: str  # the API's methods, "GET, POST": what a browser's preflight may be allowed
    discriminator: str
    client_tags: tuple[str, ...]  # sorted, for the error naming the expected ones
    update_interval_ms: str | None  # the Go constant, if the schema has default_update_interval_ms


@dataclass(frozen=True)
class GoView:
    header: str
    module: str
    package: str
    go_version: str
    requirements: tuple[tuple[str, str], ...]
    title: str
    description: str
    records: tuple[GoRecord, ...]
    enums: tuple[GoEnum, ...]
    unions: tuple[GoUnion, ...]
    aliases: tuple[GoAlias, ...]
    constants: tuple[GoConstant, ...]
    patterns: tuple[tuple[str, str], ...]  # (variable, regex source)
    imports: tuple[str, ...]  # of types.go
    errors: GoErrors | None
    runtime: bool
    service: bool
    http: GoService | None


@dataclass(frozen=True)
class GoNames:
    types: dict[str, str]
    fields: dict[str, str]  # "Type.wire" -> Go field name
    enum_constants: dict[str, str]  # "Type.value" -> Go constant
    constants: dict[str, str]


def assign(schema: Schema) -> GoNames:
    """Every Go name of `schema`; raises SchemaError listing every collision."""
    problems = Collector()
    package = naming.Namer("package " + schema.packages.go_package, problems, naming.PACKAGE_NAMES)
    types = {
        d.name: package.claim(naming.exported(d.name), d.name, d.location) for d in schema.types
    }
    for d in schema.types:
        if isinstance(d, Union):
            package.claim("Decode" + types[d.name], d.name, d.location)
        elif isinstance(d, Alias):
            package.claim("Decode" + types[d.name], d.name, d.location)
            package.claim("Encode" + types[d.name], d.name, d.location)
    fields: dict[str, str] = {}
    enum_constants: dict[str, str] = {}
    for d in schema.types:
        if isinstance(d, Record):
            is_error = schema.errors is not None and schema.errors.type == d.name
            methods = naming.ERROR_METHODS if is_error else naming.RECORD_METHODS
            scope = naming.Namer(f"struct {types[d.name]}", problems, methods)
            for f in d.fields:
                fields[f"{d.name}.{f.name}"] = scope.claim(
                    naming.exported(f.name), f.name, f.location
                )
        elif isinstance(d, Enum_):
            for v in d.values:
                go = naming.enum_constant(types[d.name], v.value)
                enum_constants[f"{d.name}.{v.value}"] = package.claim(go, v.value, v.location)
    constants = {
        c.name: package.claim(naming.exported(c.name), c.name, c.location) for c in schema.constants
    }
    problems.raise_if_any()
    return GoNames(types, fields, enum_constants, constants)


def check(schema: Schema) -> None:
    """Go's naming alone: raises SchemaError listing every collision."""
    assign(schema)


def _struct_tag(wire: str, omit: bool) -> str:
    return (
        f'`json:"{wire}{",omitempty" if omit else ""}"`'  # wire names are identifiers (meta-schema)
    )


def _has_runtime(schema: Schema) -> bool:
    present = [c for c in RUNTIME_CONSTANTS if schema.constant(c) is not None]
    if present and len(present) != len(RUNTIME_CONSTANTS):
        first = schema.constant(present[0])
        assert first is not None
        missing = [c for c in RUNTIME_CONSTANTS if c not in present]
        raise SchemaError(
            [
                Diagnostic(
                    first.location, f"the size helpers also need constants: {', '.join(missing)}"
                )
            ]
        )
    if not present:
        return False
    decimals = schema.constant("size_decimals")
    assert decimals is not None
    if not isinstance(decimals.value, int) or not 0 <= decimals.value <= MAX_SIZE_DECIMALS:
        # HumanReadable scales the remainder by 10^size_decimals in 64 bits (a 128-bit product)
        message = f"size_decimals must be an integer from 0 to {MAX_SIZE_DECIMALS} (10^size_decimals fits 64 bits)"
        raise SchemaError([Diagnostic(decimals.location, message)])
    names = {d.name for d in schema.types}
    return {
        "MemorySize",
        "MemoryPressure",
        "VmSize",
        "PressureThreshold",
        "V6RMemoryConfig",
    } <= names


def build_view(schema: Schema, names: GoNames, ctx: RenderContext) -> GoView:
    t = GoTypes(
        schema,
        names.types.__getitem__,
        lambda typ, wire: names.fields[f"{typ}.{wire}"],
        lambda typ, value: names.enum_constants[f"{typ}.{value}"],
    )
    unions_of: dict[str, list[str]] = {}
    for d in schema.types:
        if isinstance(d, Union):
            for v in d.variants:
                unions_of.setdefault(v.record, []).append(names.types[d.name])
    records, enums, unions, aliases = [], [], [], []
    for d in schema.types:
        go = names.types[d.name]
        doc = naming.comment(d.description)
        if isinstance(d, Record):
            fields = []
            for f in d.fields:
                nil_able = t.nil_is_null(f.type)
                optional = not f.required and not f.has_default
                pointer = optional and not nil_able
                go_type = t.go_type(f.type)
                fields.append(
                    GoField(
                        name=names.fields[f"{d.name}.{f.name}"],
                        wire=f.name,
                        go_type=("*" + go_type) if pointer else go_type,
                        tag=_struct_tag(f.name, optional),
                        doc=naming.indented_comment(f.description),
                        const=f.const,
                        required=f.required,
                        pointer=pointer,
                        omittable=optional,
                        default=t.literal(f.type, f.default) if f.has_default else None,
                        decoder=t.decoder(f.type),
                        encoder=t.encoder(f.type),
                    )
                )
            records.append(
                GoRecord(go, doc, d.deprecated, tuple(fields), tuple(unions_of.get(d.name, ())))
            )
        elif isinstance(d, Enum_):
            values = tuple(
                GoEnumValue(names.enum_constants[f"{d.name}.{v.value}"], v.value) for v in d.values
            )
            enums.append(GoEnum(go, doc, d.deprecated, values))
        elif isinstance(d, Union):
            variants = tuple(GoVariant(v.tag, names.types[v.record]) for v in d.variants)
            unions.append(GoUnion(go, doc, d.deprecated, d.discriminator, variants))
        else:
            assert isinstance(d, Alias)
            aliases.append(
                GoAlias(
                    go,
                    doc,
                    d.deprecated,
                    t.go_type(d.target),
                    t.decoder(d.target),
                    t.encoder(d.target),
                )
            )
    constants = []
    for c in schema.constants:
        node = t.resolve(c.type)
        scalar = not isinstance(node, Ref) and not t.nil_is_null(node)
        scalar = scalar or (isinstance(node, Ref) and isinstance(schema.decl(node.name), Enum_))
        constants.append(
            GoConstant(
                names.constants[c.name],
                naming.comment(c.description),
                "const" if scalar else "var",
                t.go_type(c.type),
                t.literal(c.type, c.value),
            )
        )
    errors = None
    if schema.errors is not None:
        record = schema.decl(schema.errors.type)
        assert isinstance(record, Record)
        by_wire = {f.name: f for f in record.fields}
        details = by_wire.get("details")
        errors = GoErrors(
            type_name=names.types[schema.errors.type],
            code_type=names.types[schema.errors.code_type],
            code_field=names.fields[f"{record.name}.code"],
            message_field=names.fields[f"{record.name}.message"] if "message" in by_wire else None,
            details_field=(
                names.fields[f"{record.name}.details"]
                if details is not None and not details.required and not details.has_default
                else None
            ),
            codes=tuple(
                GoErrorCode(
                    names.enum_constants[f"{schema.errors.code_type}.{c.code}"], c.status, c.message
                )
                for c in schema.errors.codes
            ),
        )
    runtime = _has_runtime(schema)
    service = (
        runtime
        and errors is not None
        and {*SERVICE_TYPES} <= {d.name for d in schema.types}
        and names.types["VmSize"] == "VMSize"
    )
    http = _http(schema, names, t) if service else None
    uses_regexp = bool(t.patterns)
    imports = (
        ("encoding/json",)
        + (("math",) if t.uses_math else ())
        + (("regexp",) if uses_regexp else ())
    )
    return GoView(
        header=ctx.header_line,
        module=schema.packages.go_module,
        package=naming.package_name(schema.packages.go_package),
        go_version=GO_VERSION,
        requirements=REQUIREMENTS,
        title=schema.title,
        description=schema.description,
        records=tuple(records),
        enums=tuple(enums),
        unions=tuple(unions),
        aliases=tuple(aliases),
        constants=tuple(constants),
        patterns=tuple((var, src) for src, var in t.patterns.items()),
        imports=tuple(sorted(imports)),
        errors=errors,
        runtime=runtime,
        service=bool(service),
        http=http,
    )


def _path_expression(route: str, variables: dict[str, str]) -> str:
    """The Go expression of a route with its `{param}` placeholders replaced by escaped variables."""
    parts = []
    for i, piece in enumerate(re.split(r"\{([^}]*)\}", route)):
        if i % 2:
            parts.append(f"url.PathEscape({variables[piece]})")
        elif piece:
            parts.append(naming.string_literal(piece))
    return "+".join(parts)  # gofmt's spacing of a binary expression in an argument list


def _handler_name(name: str) -> str:
    return "handle" + naming.exported(name)


def _http(schema: Schema, names: GoNames, t: GoTypes) -> GoService | None:
    """The REST and WebSocket view, when the schema has both sections and the endpoints they implement."""
    if schema.http is None or schema.websocket is None:
        return None
    if {e.name for e in schema.http.endpoints} != set(ENDPOINTS):
        return None
    if not {*HTTP_TYPES} <= {d.name for d in schema.types}:
        return None
    base = schema.http.base_path
    endpoints = {}
    for e in schema.http.endpoints:
        route = base + e.path
        params = tuple(GoParam(p.name, naming.local(p.name), t.decoder(p.type)) for p in e.params)
        endpoints[e.name] = GoEndpoint(
            name=e.name,
            method_name=naming.exported(e.name),
            handler=_handler_name(e.name),
            method=e.method.value,
            route=route,
            segments=tuple(s for s in route.split("/") if s),
            status=e.status,
            request=t.go_type(e.request) if e.request is not None else None,
            request_decoder=t.decoder(e.request) if e.request is not None else None,
            response=t.go_type(e.response),
            params=params,
            call=ENDPOINTS[e.name],
            client_path=_path_expression(route, {p.wire: p.var for p in params}),
            args=", ".join([p.var for p in params] + (["body"] if e.request is not None else [])),
            doc=naming.comment(e.description),
        )
    client = schema.decl(schema.websocket.client)
    assert isinstance(client, Union)
    interval = names.constants.get("default_update_interval_ms")
    return GoService(
        version=schema.version,
        endpoints=endpoints,
        ws_route=base + schema.websocket.path,
        cors_methods=cors_methods(schema),
        discriminator=client.discriminator,
        client_tags=tuple(sorted(v.tag for v in client.variants)),
        update_interval_ms=interval,
    )


def render(schema: Schema, ctx: RenderContext) -> dict[PurePosixPath, str]:
    names = assign(schema)
    view = build_view(schema, names, ctx)
    env = jinja.environment("go", FILTERS)

    def go(template: str) -> str:
        with ctx.timed("go.templates"):
            return jinja.render(env, template, v=view)

    files = {
        ROOT / "go.mod": go("go.mod.j2"),
        ROOT / "go.sum": GO_SUM,
        ROOT / "codec.go": go("codec.go.j2"),
        ROOT / "types.go": go("types.go.j2"),
    }
    if view.constants:
        files[ROOT / "constants.go"] = go("constants.go.j2")
    if view.errors is not None:
        files[ROOT / "result.go"] = go("result.go.j2")
    if view.runtime:
        files[ROOT / "utils.go"] = go("utils.go.j2")
    if view.service:
        files[ROOT / "pool.go"] = go("pool.go.j2")
        files[ROOT / "cmd" / "v6r-cli" / "main.go"] = go("cli.go.j2")
    if view.http is not None:
        files[ROOT / "api.go"] = go("api.go.j2")
        files[ROOT / "websocket.go"] = go("websocket.go.j2")
        files[ROOT / "client.go"] = go("client.go.j2")
    return files
