"""The Python target: the pip-installable package of models, constants and size helpers.

`render` computes every name first (naming.py), reports collisions, builds the view model the templates
print, and formats the result with black. Files land under `python/` in the output folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from generator import format as fmt
from generator import render as jinja
from generator.errors import Diagnostic, SchemaError
from generator.ir.model import Enum_, ListOf, Record, Ref, Schema, Union
from generator.targets.context import RenderContext
from generator.targets.python import naming
from generator.targets.python.literals import Printer
from generator.targets.python.models import render_models
from generator.targets.python.names import PythonNames, assign
from generator.targets.python.naming import SERVICE_MODULES
from generator.targets.service import SERVICE_TYPES, cors_methods

ROOT = PurePosixPath("python")
FILTERS = {
    "py_string": naming.string_literal,
    "py_docstring": naming.docstring,
    "py_comment": naming.comment,
    "toml_string": naming.toml_string,
}

# The size and pressure helpers (sizes.py) need these constants; a schema without them gets models only.
RUNTIME_CONSTANTS = (
    "size_unit_base",
    "size_units",
    "size_decimals",
    "vm_size_bytes",
    "platform_prefix",
    "pressure_thresholds",
)


# Templates written already formatted as black formats their output, so generation does not pay black for
# them (black is most of a cold run); tests/python/test_toolchain.py runs black --check on every generated
# package, so a template that drifts from black's style fails the tests. Modules shaped by the schema
# (models, constants, __init__, sizes) still go through black.
BLACK_STABLE_TEMPLATES = frozenset(
    {
        "_wire.py.j2",
        "_paths.py.j2",
        "result.py.j2",
        "pool.py.j2",
        "server.py.j2",
        "client.py.j2",
        "cli.py.j2",
        "__main__.py.j2",
    }
)


@dataclass(frozen=True)
class PyConstant:
    name: str
    annotation: str
    literal: str
    doc: str


@dataclass(frozen=True)
class PyErrorCode:
    member: str
    status: int
    message: str


@dataclass(frozen=True)
class PyErrors:
    code_class: str
    codes: tuple[PyErrorCode, ...]


@dataclass(frozen=True)
class PyRuntime:
    """Names sizes.py needs, resolved from the schema rather than assumed."""

    size_class: str  # the record with `bytes` and `human_readable`
    pressure_class: str  # the enum of pressure_thresholds' `level`
    vm_size_class: str | None  # the enum a V6RMemoryConfig's vm_size uses, if any


@dataclass(frozen=True)
class PyEndpoint:
    name: str
    method: str
    route: str  # the full aiohttp route, base path included: /api/v1/memory/allocations/{id}/free
    status: int
    request: str | None  # the request body's class
    response: str  # the response value's annotation
    params: tuple[str, ...]


@dataclass(frozen=True)
class PyMessage:
    tag: str
    cls: str


@dataclass(frozen=True)
class PyService:
    """What the server, client and CLI templates need from the schema's http, websocket and errors."""

    endpoints: dict[
        str, PyEndpoint
    ]  # by schema name, so a template names the endpoint it implements
    ws_route: str
    cors_methods: str  # the API's methods, "GET, POST": what a browser's preflight may be allowed
    discriminator: str  # the field that names a message's type
    client_union: str
    server_union: str
    client_messages: dict[str, PyMessage]  # by tag
    server_messages: dict[str, PyMessage]
    error_class: str
    error_code_class: str


@dataclass(frozen=True)
class PythonView:
    header: str
    package: str
    distribution: str
    version: str
    title: str
    description: str
    model_names: tuple[str, ...]
    constant_names: tuple[str, ...]
    helper_names: tuple[str, ...]
    constant_imports: tuple[str, ...]
    needs_mapping: bool
    constants: tuple[PyConstant, ...]
    errors: PyErrors | None
    runtime: PyRuntime | None
    service: PyService | None
    service_exports: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names) pairs for __init__
    dependencies: tuple[str, ...]
    exports: tuple[str, ...]


def _runtime(schema: Schema, names: dict[str, str]) -> PyRuntime | None:
    """The names sizes.py needs, or None when the schema has none of the runtime constants."""
    present = [c for c in RUNTIME_CONSTANTS if schema.constant(c) is not None]
    if not present:
        return None
    first = schema.constant(present[0])
    assert first is not None
    missing = [c for c in RUNTIME_CONSTANTS if c not in present]
    if missing:
        raise SchemaError(
            [
                Diagnostic(
                    first.location, f"the size helpers also need constants: {', '.join(missing)}"
                )
            ]
        )
    thresholds = schema.constant("pressure_thresholds")
    assert thresholds is not None
    level = None
    if isinstance(thresholds.type, ListOf) and isinstance(thresholds.type.item, Ref):
        record = schema.decl(thresholds.type.item.name)
        if isinstance(record, Record):
            level = next((f.type for f in record.fields if f.name == "level"), None)
    sizes = [
        d
        for d in schema.types
        if isinstance(d, Record) and {"bytes", "human_readable"} <= {f.name for f in d.fields}
    ]
    if not isinstance(level, Ref) or not sizes:
        message = (
            "the size helpers need pressure_thresholds to be a list of records with an enum `level`, "
            "and a record type with fields `bytes` and `human_readable`"
        )
        raise SchemaError([Diagnostic(thresholds.location, message)])
    vm = next((d for d in schema.types if d.name == "VmSize" and isinstance(d, Enum_)), None)
    return PyRuntime(names[sizes[0].name], names[level.name], names[vm.name] if vm else None)


# The runtime templates (pool, server, client, cli) implement the V6R memory service and use its types by
# name; a schema that has http and websocket sections must define them all.


def _service(schema: Schema, py: PythonNames, printer: Printer) -> PyService | None:
    """The service view, when the schema has errors, http and websocket sections."""
    if schema.http is None or schema.websocket is None or schema.errors is None:
        return None
    names = py.classes
    missing = [t for t in SERVICE_TYPES if names.get(t) != t]
    if missing:
        raise SchemaError(
            [
                Diagnostic(
                    (
                        schema.http.endpoints[0].location
                        if schema.http.endpoints
                        else schema.types[0].location
                    ),
                    f"the service runtime needs these types: {', '.join(missing)}",
                )
            ]
        )
    base = schema.http.base_path
    endpoints = {
        e.name: PyEndpoint(
            name=e.name,
            method=e.method.value,
            route=base + e.path,
            status=e.status,
            request=printer.annotation(e.request) if e.request is not None else None,
            response=printer.annotation(e.response)
            .replace("tuple[", "list[")
            .replace(", ...]", "]"),
            params=tuple(p.name for p in e.params),
        )
        for e in schema.http.endpoints
    }

    def messages(union_name: str) -> dict[str, PyMessage]:
        union = schema.decl(union_name)
        assert isinstance(union, Union)
        return {v.tag: PyMessage(v.tag, names[v.record]) for v in union.variants}

    client = schema.decl(schema.websocket.client)
    assert isinstance(client, Union)
    return PyService(
        endpoints=endpoints,
        ws_route=base + schema.websocket.path,
        cors_methods=cors_methods(schema),
        discriminator=client.discriminator,
        client_union=names[schema.websocket.client],
        server_union=names[schema.websocket.server],
        client_messages=messages(schema.websocket.client),
        server_messages=messages(schema.websocket.server),
        error_class=names[schema.errors.type],
        error_code_class=names[schema.errors.code_type],
    )


def build_view(schema: Schema, py: PythonNames, ctx: RenderContext) -> PythonView:
    names = py.classes
    printer = Printer(
        schema, names.__getitem__, lambda cls, wire: py.fields[f"{names[cls]}.{wire}"]
    )
    constants = tuple(
        PyConstant(
            naming.constant_name(c.name),
            printer.annotation(c.type),
            printer.literal(c.type, c.value),
            naming.docstring(c.description),
        )
        for c in schema.constants
    )
    errors = None
    if schema.errors is not None:
        code_class = printer.use(schema.errors.code_type)
        errors = PyErrors(
            code_class,
            tuple(
                PyErrorCode(naming.member_name(c.code), c.status, c.message)
                for c in schema.errors.codes
            ),
        )
    runtime = _runtime(schema, names)
    helper_names: tuple[str, ...] = ()
    if runtime is not None:
        helper_names = (
            "float32",
            "human_readable",
            "memory_size",
            "parse_size",
            "pressure_level",
            "usage_percentage",
        )
        if runtime.vm_size_class is not None:
            helper_names += ("default_memory_size", "platform_for", "vm_size_bytes")
    # The service's annotations get a printer of their own: constants.py imports only what its values use.
    service_printer = Printer(
        schema, names.__getitem__, lambda cls, wire: py.fields[f"{names[cls]}.{wire}"]
    )
    service = _service(schema, py, service_printer) if runtime is not None else None
    service_exports = tuple(SERVICE_MODULES.items()) if service is not None else ()
    constant_names = tuple(c.name for c in constants) + (
        ("ERROR_MESSAGES", "ERROR_STATUS") if errors else ()
    )
    model_names = tuple(sorted(py.defined))
    return PythonView(
        header=ctx.header_line,
        package=schema.packages.python,
        distribution=schema.packages.python.replace("_", "-"),
        version=schema.version,
        title=schema.title,
        description=schema.description,
        model_names=model_names,
        constant_names=constant_names,
        helper_names=tuple(sorted(helper_names)),
        constant_imports=tuple(sorted(printer.used)),
        needs_mapping=printer.needs_mapping or errors is not None,
        constants=constants,
        errors=errors,
        runtime=runtime,
        service=service,
        service_exports=service_exports,
        dependencies=("pydantic>=2.12,<3", "typing-extensions>=4.12")  # 2.12: Field.exclude_if
        + (("aiohttp>=3.11,<4",) if service is not None else ()),
        exports=tuple(
            sorted(
                {*model_names, *constant_names, *helper_names}
                | {name for _, names in service_exports for name in names}
            )
        ),
    )


def render(schema: Schema, ctx: RenderContext) -> dict[PurePosixPath, str]:
    names = assign(schema)
    view = build_view(schema, names, ctx)
    env = jinja.environment("python", FILTERS)
    package = ROOT / view.package

    def python(template: str, **extra: object) -> str:
        with ctx.timed("python.templates"):
            text = jinja.render(env, template, v=view, **extra)
        return text if template in BLACK_STABLE_TEMPLATES else fmt.black(text, ctx)

    models = render_models(
        names.models_document, names.fields, names.defined, f"{view.package}._wire.WireModel", ctx
    )
    files = {
        ROOT / "pyproject.toml": jinja.render(env, "pyproject.toml.j2", v=view),
        ROOT / "README.md": jinja.render(env, "README.md.j2", v=view),
        package / "__init__.py": python("__init__.py.j2"),
        package / "_wire.py": python("_wire.py.j2"),
        package / "_paths.py": python("_paths.py.j2"),
        package / "models.py": python("models.py.j2", body=models),
        package / "constants.py": python("constants.py.j2"),
        package / "py.typed": "",
    }
    if view.runtime is not None:
        files[package / "sizes.py"] = python("sizes.py.j2")
    if view.service is not None:
        for module in SERVICE_MODULES:
            files[package / f"{module}.py"] = python(f"{module}.py.j2")
        files[package / "cli.py"] = python("cli.py.j2")
        files[package / "__main__.py"] = python("__main__.py.j2")
    return files


def check(schema: Schema) -> None:
    """Python's naming alone: raises SchemaError listing every collision."""
    assign(schema)
