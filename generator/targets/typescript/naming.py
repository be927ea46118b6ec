"""Every TypeScript name and every TypeScript escape the generator produces comes from this module.

Types are PascalCase, fields camelCase (the wire name stays beside each one in the codec's tables), values
(codec functions, constants) camelCase or UPPER_SNAKE. A type name that is a keyword, a global the generated
code uses (`Array`, `Record`, `Error`, `Promise`, ...) or a name the generated modules themselves define gets a
trailing underscore, as in the Python target. Two schema names that end up the same TypeScript name are an
error naming both places; nothing is renamed silently to make room.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from generator.targets import scope

KEYWORDS = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "implements",
        "interface",
        "let",
        "package",
        "private",
        "protected",
        "public",
        "static",
        "yield",
        "await",
        "async",
        "of",
        "as",
        "any",
        "boolean",
        "bigint",
        "never",
        "number",
        "object",
        "string",
        "symbol",
        "undefined",
        "unknown",
        "type",
        "declare",
        "namespace",
        "module",
        "require",
        "global",
        "keyof",
        "readonly",
        "infer",
        "is",
        "asserts",
        "satisfies",
        "abstract",
        "accessor",
        "constructor",
        "get",
        "set",
        "out",
        "arguments",
        "eval",
    ]
)

# Globals the generated code uses by name; a type or value with one of these names would shadow it.
GLOBALS = frozenset(
    [
        "Array",
        "ReadonlyArray",
        "Readonly",
        "Record",
        "Partial",
        "Required",
        "Pick",
        "Omit",
        "Exclude",
        "Extract",
        "NonNullable",
        "ReturnType",
        "Parameters",
        "Awaited",
        "Object",
        "String",
        "Number",
        "Boolean",
        "BigInt",
        "Symbol",
        "Date",
        "Error",
        "RangeError",
        "TypeError",
        "SyntaxError",
        "Promise",
        "PromiseLike",
        "RegExp",
        "JSON",
        "Math",
        "Map",
        "ReadonlyMap",
        "Set",
        "ReadonlySet",
        "WeakMap",
        "Function",
        "Iterable",
        "WebSocket",
        "AbortSignal",
        "AbortController",
        "Response",
        "Request",
        "Headers",
        "HeadersInit",
        "RequestInit",
        "URL",
        "Event",
        "MessageEvent",
        "CloseEvent",
        "EventTarget",
        "globalThis",
        "console",
        "setTimeout",
        "clearTimeout",
        "setInterval",
        "clearInterval",
        "fetch",
        "encodeURIComponent",
        "isFinite",
        "isNaN",
        "Infinity",
        "NaN",
        "React",
    ]
)

# Names the generated modules define or import themselves (types.ts, codec.ts, client.ts, ws.ts, utils,
# react); a schema name that lands on one of them would collide in index.ts or shadow it in its module.
GENERATED_NAMES = frozenset(
    [
        "Result",
        "MemoryResult",
        "DecodeError",
        "JsonValue",
        "Json",
        "Spec",
        "Field",
        "WireTypes",
        "MemoryClient",
        "MemoryClientOptions",
        "CallOptions",
        "MemorySocket",
        "MemorySocketOptions",
        "MemorySocketEvents",
        "ReconnectOptions",
        "WebSocketLike",
        "WebSocketConstructor",
        "MemoryEventEmitter",
        "Listener",
        "MemoryMonitor",
        "MemoryMonitorOptions",
        "MemoryHookOptions",
        "FetchState",
        "SessionConfigState",
        "MemoryWebSocketState",
        "ok",
        "err",
        "fail",
    ]
)

RESERVED_TYPES = KEYWORDS | GLOBALS | GENERATED_NAMES


def words(name: str) -> list[str]:
    """Split on anything not a letter or digit and on lower-to-upper case steps: `fooBar_baz` -> foo, Bar, baz."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def type_name(name: str) -> str:
    out = "".join(w[0].upper() + w[1:] for w in words(name)) or "Type"
    if out[0].isdigit():
        out = "T" + out
    return out + "_" if out in RESERVED_TYPES else out


def runtime_property(wire: str) -> str:
    """The property name codec.ts's `property` derives from a wire name when the codec table gives none:
    `_x` becomes `X` for every lower-case letter x. The table spells out every name this does not give.
    """
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), wire)


def field_name(wire: str) -> str:
    """A property name: camelCase (`human_readable` -> humanReadable). Keywords are legal property names in
    TypeScript, so they stay; a leading digit gets an `f`."""
    parts = words(wire)
    out = "".join(
        (w.lower() if i == 0 else w[0].upper() + w[1:].lower()) for i, w in enumerate(parts)
    )
    out = out or "field"
    return "f" + out if out[0].isdigit() else out


def value_name(*parts: str) -> str:
    """A lowerCamel value name made of parts (`decode`, `MemorySize`) -> decodeMemorySize."""
    joined = [w for p in parts for w in words(p)]
    out = "".join((w.lower() if i == 0 else w[0].upper() + w[1:]) for i, w in enumerate(joined))
    out = out or "value"
    if out[0].isdigit():
        out = "v" + out
    return out + "_" if out in KEYWORDS or out in GLOBALS else out


def constant_name(name: str) -> str:
    out = "_".join(w.upper() for w in words(name)) or "CONSTANT"
    return "C_" + out if out[0].isdigit() else out


class Namer(scope.Namer):
    language = "TypeScript"


# -- escaping: one function per output context -------------------------------------------------------


_invisible = scope.invisible


def _u(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def path_template(path: str, param_name: Callable[[str], str]) -> str:
    """The TypeScript expression of an endpoint path such as `/sessions/{session_id}/stats`: a template literal
    in which each parameter is URI-encoded (`${encodeURIComponent(sessionId)}`), or a plain string literal when
    the path has no parameter."""
    pieces = path.split("{")
    if len(pieces) == 1:
        return string_literal(path)
    out = [_template_text(pieces[0])]
    for piece in pieces[1:]:
        param, rest = piece.split("}", 1)
        out.append(f"${{encodeURIComponent({param_name(param)})}}{_template_text(rest)}")
    return "`" + "".join(out) + "`"


def _template_text(text: str) -> str:
    # string_literal escapes backticks and "$" (as \x60 and \x24), so its body is safe inside a template too
    return string_literal(text)[1:-1]


def string_literal(text: str) -> str:
    """A double-quoted TypeScript string literal that evaluates to exactly `text`; nothing invisible,
    no line terminator, and no backtick or `${` (harmless here, escaped so no context can misread them).
    """
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
        elif ch == "`":
            out.append("\\x60")
        elif ch == "$":
            out.append("\\x24")
        elif _invisible(ch):
            out.append(_u(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def comment_text(text: str) -> str:
    """Text safe inside any comment: line breaks normalised to \\n, invisible characters shown as \\uXXXX,
    and no `*/` that would end a block comment."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch if ch == "\n" or not _invisible(ch) else _u(ch) for ch in text)
    return text.replace("*/", "*\\/").strip()


def doc_comment(text: str, indent: str = "") -> str:
    """A complete `/** ... */` block for a declaration at `indent` (the first line carries no indent)."""
    lines = [line.rstrip() for line in comment_text(text).split("\n")]
    if len(lines) == 1:
        return f"/** {lines[0]} */" if lines[0] else "/** */"
    body = "\n".join(f"{indent} * {line}".rstrip() for line in lines)
    return f"/**\n{body}\n{indent} */"


def line_comment(text: str) -> str:
    """One `//` comment line per line of text."""
    return "\n".join(f"// {line}".rstrip() for line in comment_text(text).split("\n"))


def json_string(text: str) -> str:
    """A JSON string (for package.json) with nothing invisible left raw."""
    import json

    return "".join(_u(ch) if _invisible(ch) else ch for ch in json.dumps(text, ensure_ascii=False))
