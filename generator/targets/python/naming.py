"""Every Python name and every Python escape the generator produces comes from this module.

Class names are PascalCase, fields snake_case, enum members UPPER_SNAKE. A name that is a keyword, a name
the generated modules themselves define or import, or an attribute pydantic's BaseModel already has, gets a
trailing underscore; the wire name stays beside it as the alias. Two schema names that end up the same
Python name are an error naming both places; nothing is renamed silently to make room.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

from generator.targets import scope

# Names the generated modules define or import at module level; a class with one of these names would
# shadow it. Checked against the templates' imports by tests/generator/test_python_naming.py.
GENERATED_MODULE_NAMES = frozenset(
    {
        "AfterValidator", "Annotated", "Any", "Arena", "AsyncGenerator", "Awaitable", "BaseModel",
        "Callable", "ConfigDict", "Connection", "Enum", "ErrorDetails", "Field", "Final", "Fraction", "Generic",
        "Handler", "Hub", "Iterator", "Literal", "Mapping", "MappingProxyType", "Protocol", "RootModel",
        "PydanticCustomError", "Self", "Sequence", "SerializationInfo", "SerializerFunctionWrapHandler",
        "Session", "StrEnum", "TracebackType", "TypeAliasType", "TypeVar", "Union", "ValidationInfo",
        "WSCloseCode", "WSMsgType",
        "WireModel", "annotations", "constants", "model_serializer", "models", "sizes",
    }
)  # fmt: skip

# The service runtime's modules and what each exports through the package; a schema type of one of these
# names would collide with it in __init__.py, so they are reserved like the names above.
SERVICE_MODULES = {
    "result": ("MemoryResult",),
    "pool": ("MemoryPool", "PoolSettings", "SessionStore", "InMemorySessionStore"),
    "server": ("ServerSettings", "create_app"),
    "client": ("MemoryClient", "SubscriptionError"),
}

# Names a field must not take inside a model class: keywords, the builtin types our annotations use
# (a field named `str` would shadow `str` for the fields after it), and everything BaseModel defines.
ANNOTATION_BUILTINS = frozenset({"bool", "dict", "float", "int", "list", "str"})
BASEMODEL_ATTRIBUTES = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "fields",
        "from_orm",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "self",
    }
)
WIRE_MODEL_METHODS = frozenset({"from_wire", "to_wire", "from_data", "to_data"})
RESERVED_FIELDS = (
    frozenset(keyword.kwlist)
    | frozenset(keyword.softkwlist)
    | ANNOTATION_BUILTINS
    | BASEMODEL_ATTRIBUTES
    | WIRE_MODEL_METHODS
)
RESERVED_CLASSES = (
    frozenset(keyword.kwlist)
    | GENERATED_MODULE_NAMES
    | ANNOTATION_BUILTINS
    | frozenset(name for names in SERVICE_MODULES.values() for name in names)
)


def _words(name: str) -> list[str]:
    """Split on underscores, dashes and lower-to-upper case steps: `fooBar_baz` -> foo, Bar, baz."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def class_name(name: str) -> str:
    words = _words(name)
    out = "".join(w[0].upper() + w[1:] for w in words) or "Type"
    return out + "_" if out in RESERVED_CLASSES else out


def field_name(wire: str) -> str:
    out = "_".join(w.lower() for w in _words(wire)) or "field"
    if out[0].isdigit():
        out = "f_" + out
    return out + "_" if out in RESERVED_FIELDS or keyword.iskeyword(out) else out


def member_name(value: str) -> str:
    """An enum member for a wire value: `vm-heap` -> VM_HEAP; anything not alphanumeric separates words.
    A value with no letters or digits is spelled by its characters' names (`*/` -> ASTERISK_SOLIDUS).
    """
    words = [w.upper() for w in re.split(r"[^A-Za-z0-9]+", value) if w]
    if not words:
        words = [
            re.sub(r"[^A-Z0-9]+", "_", unicodedata.name(ch, f"U{ord(ch):04X}")) for ch in value
        ]
    out = "_".join(words) or "EMPTY"
    return "V_" + out if out[0].isdigit() else out


def constant_name(name: str) -> str:
    return "_".join(w.upper() for w in _words(name))


class Namer(scope.Namer):
    language = "Python"


# -- escaping: one function per output context -------------------------------------------------------


_invisible = scope.invisible


def string_literal(text: str) -> str:
    """A double-quoted Python literal that reads back as exactly `text`, with nothing invisible in it."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif _invisible(ch):
            code = ord(ch)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
            )
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def doc_text(text: str) -> str:
    """Text for a docstring body: line breaks normalised, invisible characters shown as \\uXXXX, and no
    run of three quotes. The caller's docstring quoting (datamodel-codegen's or a template's) escapes
    backslashes and quotes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch if ch == "\n" or not _invisible(ch) else f"\\u{ord(ch):04x}" for ch in text
    ).strip()


def docstring(text: str) -> str:
    """A complete triple-quoted docstring for a template."""
    body = doc_text(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if body.endswith('"'):
        body += " "
    return f'"""{body}"""' if "\n" not in body else f'"""\n{body}\n"""'


def comment(text: str) -> str:
    """One `#` comment line per line of text."""
    return "\n".join(f"# {line}".rstrip() for line in doc_text(text).split("\n"))


def toml_string(text: str) -> str:
    """A TOML basic string (for the generated pyproject.toml): JSON's escapes are TOML's, plus \\uXXXX
    for anything invisible that JSON would leave raw."""
    import json

    out = []
    for ch in json.dumps(text, ensure_ascii=False):
        if _invisible(ch):
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)
