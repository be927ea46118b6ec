"""The IR's node classes: frozen dataclasses, typed all the way down.

A type is never a string to parse again: a field's type is a `TypeNode` (Primitive, Ref, ListOf, MapOf,
Nullable), and each named type is one `Decl` (Record, Enum, Union, Alias). Names are the schema's own; every
language's naming happens later, in its target module. Each node keeps the `Location` it came from, so a
target can report a collision at both places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from generator.errors import Location

JSON = Any  # a JSON value: None, bool, int, float, str, list, dict


class PrimitiveKind(Enum):
    STRING = "string"
    BOOL = "boolean"
    INT8 = "int8"
    INT16 = "int16"
    INT32 = "int32"
    INT64 = "int64"
    UINT8 = "uint8"
    UINT16 = "uint16"
    UINT32 = "uint32"
    UINT64 = "uint64"
    FLOAT32 = "float"
    FLOAT64 = "double"

    @property
    def is_integer(self) -> bool:
        return self in INTEGER_RANGES

    @property
    def is_float(self) -> bool:
        return self in (PrimitiveKind.FLOAT32, PrimitiveKind.FLOAT64)

    @property
    def range(self) -> tuple[int, int]:
        """The inclusive range of an integer kind."""
        return INTEGER_RANGES[self]


INTEGER_RANGES: dict[PrimitiveKind, tuple[int, int]] = {
    PrimitiveKind.INT8: (-(2**7), 2**7 - 1),
    PrimitiveKind.INT16: (-(2**15), 2**15 - 1),
    PrimitiveKind.INT32: (-(2**31), 2**31 - 1),
    PrimitiveKind.INT64: (-(2**63), 2**63 - 1),
    PrimitiveKind.UINT8: (0, 2**8 - 1),
    PrimitiveKind.UINT16: (0, 2**16 - 1),
    PrimitiveKind.UINT32: (0, 2**32 - 1),
    PrimitiveKind.UINT64: (0, 2**64 - 1),
}


@dataclass(frozen=True)
class Constraints:
    """Value constraints every binding's decoder checks; None means unconstrained."""

    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    min_items: int | None = None
    max_items: int | None = None


@dataclass(frozen=True)
class Primitive:
    kind: PrimitiveKind
    constraints: Constraints = Constraints()


@dataclass(frozen=True)
class Ref:
    """A reference to a named type (a Decl) by its schema name."""

    name: str


@dataclass(frozen=True)
class ListOf:
    item: TypeNode
    constraints: Constraints = Constraints()


@dataclass(frozen=True)
class MapOf:
    """A JSON object with string keys and values of one type."""

    value: TypeNode


@dataclass(frozen=True)
class Nullable:
    """A value that may be JSON null."""

    inner: TypeNode


TypeNode = Primitive | Ref | ListOf | MapOf | Nullable


@dataclass(frozen=True)
class Field:
    """A record field. `name` is the wire name; an optional field is one not in `required`."""

    name: str
    type: TypeNode
    required: bool
    description: str
    location: Location
    default: JSON = None
    has_default: bool = False
    const: str | None = None  # set only on a union variant's discriminator field
    deprecated: bool = False


@dataclass(frozen=True)
class Record:
    name: str
    description: str
    fields: tuple[Field, ...]
    location: Location
    deprecated: bool = False


@dataclass(frozen=True)
class EnumValue:
    value: str
    location: Location


@dataclass(frozen=True)
class Enum_:
    """A string enum (named `Enum_` so it does not shadow the standard library's Enum here)."""

    name: str
    description: str
    values: tuple[EnumValue, ...]
    location: Location
    deprecated: bool = False


@dataclass(frozen=True)
class Variant:
    tag: str
    record: str  # the name of the variant's Record


@dataclass(frozen=True)
class Union:
    """A tagged union of records; `discriminator` is the field whose const picks the variant."""

    name: str
    description: str
    discriminator: str
    variants: tuple[Variant, ...]
    location: Location
    deprecated: bool = False


@dataclass(frozen=True)
class Alias:
    name: str
    description: str
    target: TypeNode
    location: Location
    deprecated: bool = False


Decl = Record | Enum_ | Union | Alias


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    message: str
    location: Location


@dataclass(frozen=True)
class Errors:
    type: str  # the error record's name
    code_type: str  # the code enum's name
    codes: tuple[ErrorCode, ...]


@dataclass(frozen=True)
class Constant:
    name: str
    description: str
    type: TypeNode
    value: JSON
    location: Location


class HttpMethod(Enum):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"


@dataclass(frozen=True)
class Param:
    name: str
    type: TypeNode
    description: str


@dataclass(frozen=True)
class Endpoint:
    name: str
    description: str
    method: HttpMethod
    path: str  # relative to Http.base_path, with {param} placeholders
    params: tuple[Param, ...]
    request: TypeNode | None
    response: TypeNode
    status: int
    errors: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class Http:
    base_path: str
    endpoints: tuple[Endpoint, ...]


@dataclass(frozen=True)
class WebSocket:
    path: str  # relative to Http.base_path when there is one
    description: str
    client: str  # the name of the client-to-server Union
    server: str  # the name of the server-to-client Union


@dataclass(frozen=True)
class Packages:
    python: str
    typescript: str
    go_module: str
    go_package: str


@dataclass(frozen=True)
class Schema:
    file: str
    name: str
    title: str
    version: str
    description: str
    packages: Packages
    types: tuple[Decl, ...]
    errors: Errors | None = None
    constants: tuple[Constant, ...] = ()
    http: Http | None = None
    websocket: WebSocket | None = None
    _by_name: dict[str, Decl] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {d.name: d for d in self.types})

    def decl(self, name: str) -> Decl:
        return self._by_name[name]

    def constant(self, name: str) -> Constant | None:
        return next((c for c in self.constants if c.name == name), None)
