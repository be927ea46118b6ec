"""Every Go name and every Go escape the generator produces comes from this module.

Types, fields, enum constants and schema constants are exported PascalCase with Go's initialisms kept in
capitals (`session_id` -> SessionID, `VmSize` -> VMSize). Exported names share one package scope: a schema
name that lands on a name the generated package defines itself, or on another schema name, is an error
naming both places; nothing is renamed silently. Struct fields must not take the names of the methods the
generated types define.
"""

from __future__ import annotations

import re
import unicodedata

from generator.targets import scope

# Go's keywords and predeclared identifiers: only an unexported name could clash with them, and the package
# name is the one lower-case name the schema chooses.
KEYWORDS = frozenset(
    [
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "type",
        "var",
    ]
)
PREDECLARED = frozenset(
    [
        "any",
        "bool",
        "byte",
        "comparable",
        "complex64",
        "complex128",
        "error",
        "float32",
        "float64",
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "rune",
        "string",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
        "true",
        "false",
        "iota",
        "nil",
        "append",
        "cap",
        "clear",
        "close",
        "complex",
        "copy",
        "delete",
        "imag",
        "len",
        "make",
        "max",
        "min",
        "new",
        "panic",
        "print",
        "println",
        "real",
        "recover",
    ]
)

# Exported names the generated package itself defines (codec.go, result.go, utils.go, pool.go, api.go,
# websocket.go, client.go); a schema name that becomes one of them is an error.
PACKAGE_NAMES = frozenset(
    [
        "DecodeError",
        "MemoryResult",
        "Ok",
        "Err",
        "V6RMemoryUtils",
        "HumanReadable",
        "ParseSize",
        "Float32",
        "NewMemorySize",
        "UsagePercentage",
        "PressureLevel",
        "MemoryPool",
        "NewMemoryPool",
        "NewMemoryPoolWith",
        "PoolSettings",
        "DefaultPoolSettings",
        "Arena",
        "NewArena",
        "SizeClass",
        "SearchClass",
        "Session",
        "ServerSettings",
        "DefaultServerSettings",
        "Server",
        "NewServer",
        "StartV6RServer",
        "V6RMemoryStreamer",
        "NewV6RMemoryStreamer",
        "Client",
        "NewClient",
        "Subscription",
        "ErrorStatus",
        "ErrorMessages",
        "AllocationPrefix",
        "SLBits",
        "SLClasses",
        "ServiceVersion",
        "ClientOption",
        "WithHTTPClient",
        "WithHeader",
    ]
)

# Methods generated types carry; a field of the same name would not compile.
RECORD_METHODS = frozenset({"MarshalJSON", "UnmarshalJSON"})
ERROR_METHODS = RECORD_METHODS | {"Error"}  # the error record is also an `error`

# golint's list of initialisms: a word that is one of these is written in capitals.
INITIALISMS = frozenset(
    [
        "ACL",
        "API",
        "ASCII",
        "CPU",
        "CSS",
        "DNS",
        "EOF",
        "GUID",
        "HTML",
        "HTTP",
        "HTTPS",
        "ID",
        "IP",
        "JSON",
        "LHS",
        "QPS",
        "RAM",
        "RHS",
        "RPC",
        "SLA",
        "SMTP",
        "SQL",
        "SSH",
        "TCP",
        "TLS",
        "TTL",
        "UDP",
        "UI",
        "UID",
        "UUID",
        "URI",
        "URL",
        "UTF8",
        "VM",
        "XML",
        "XMPP",
        "XSRF",
        "XSS",
    ]
)


def _words(name: str) -> list[str]:
    """Split on anything not alphanumeric and on lower-to-upper case steps: `fooBar_baz` -> foo, Bar, baz."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def _pascal(words: list[str]) -> str:
    out = []
    for w in words:
        out.append(w.upper() if w.upper() in INITIALISMS else w[0].upper() + w[1:])
    return "".join(out)


def exported(name: str) -> str:
    """An exported Go identifier for a schema name: `session_id` -> SessionID, `VmSize` -> VMSize."""
    out = _pascal(_words(name)) or "X"
    return "X" + out if out[0].isdigit() else out


def value_words(value: str) -> list[str]:
    """The words of an enum value; a value with no letters or digits is spelled by its characters' names."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", value) if w]
    if not words:
        words = [
            w
            for ch in value
            for w in re.split(r"[^A-Za-z0-9]+", unicodedata.name(ch, f"U{ord(ch):04X}"))
            if w
        ]
    return [w.lower() for w in words] or ["empty"]


def local(name: str) -> str:
    """An unexported Go identifier for a schema name: `session_id` -> sessionID, `id` -> id."""
    words = _words(name) or ["x"]
    first = words[0].lower()
    out = first + _pascal(words[1:])
    if out[0].isdigit():
        out = "x" + out
    return out + "_" if out in KEYWORDS or out in PREDECLARED else out


def enum_constant(type_name: str, value: str) -> str:
    """`VMSize` + `medium` -> VMSizeMedium; `Hostile` + `*/` -> HostileAsteriskSolidus."""
    return type_name + _pascal(value_words(value))


def package_name(name: str) -> str:
    return name + "_" if name in KEYWORDS or name in PREDECLARED else name


class Namer(scope.Namer):
    language = "Go"


# -- escaping: one function per output context -------------------------------------------------------


_invisible = scope.invisible

_SIMPLE = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def string_literal(text: str) -> str:
    """A double-quoted Go literal that reads back as exactly `text` (strconv.Quote's escapes for what is
    invisible, U+2028/2029, bidi controls and NUL included)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch in _SIMPLE:
            out.append(_SIMPLE[ch])
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\uFFFD")  # a lone surrogate has no UTF-8 form; Go reads it as U+FFFD too
        elif _invisible(ch):
            out.append(
                f"\\x{code:02x}"
                if code < 0x80
                else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
            )
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def comment_text(text: str) -> list[str]:
    """Lines of comment text: line breaks normalised, invisible characters shown as \\uXXXX, each line
    stripped of leading and trailing space (so gofmt never turns one into a code block or moves it).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    visible = "".join(
        ch if ch == "\n" or not _invisible(ch) else f"\\u{ord(ch):04x}" for ch in text
    )
    # gofmt turns '' and `` in a doc comment into typographic quotes; the second of each pair is escaped.
    visible = visible.replace("''", "'\\u0027").replace("``", "`\\u0060")
    lines = [line.strip() for line in visible.strip().split("\n")]
    # gofmt rewrites doc-comment lists and headings; a leading marker gets a zero-width-free escape.
    return [
        ("\\" + line) if re.match(r"^([-*+•#]|\d+[.)])(\s|$)", line) else line for line in lines
    ]


def comment(text: str) -> str:
    """One `//` comment line per line of text."""
    return "\n".join(f"// {line}".rstrip() for line in comment_text(text))


def indented_comment(text: str) -> str:
    """comment() for a line indented by one tab (a struct field or a constant in a block)."""
    return "\n\t".join(f"// {line}".rstrip() for line in comment_text(text))
