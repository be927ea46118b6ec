"""Every way a schema can be wrong gets a message at the right file:line:col (loader, validate, IR).

Each case is a small schema text; `@@` marks where the diagnostic must point (the marker is removed
before parsing, and its position is the expected line and column).
"""

from __future__ import annotations

import textwrap

import pytest

from generator import validate
from generator.errors import SchemaError
from generator.ir import build
from generator.loader import load_text
from generator.targets import check_names

HEAD = """\
v6r: 1
name: case
title: Case
version: 1.0.0
description: A test case.
"""


def problems(text: str) -> list[str]:
    loaded = load_text(text, "case.yaml")
    validate.check(loaded)
    check_names(build(loaded))
    return []


def expect(body: str, message: str) -> None:
    text = HEAD + textwrap.dedent(body)
    marker = text.index("@@")
    line = text.count("\n", 0, marker) + 1
    col = marker - (text.rfind("\n", 0, marker) + 1) + 1
    with pytest.raises(SchemaError) as info:
        problems(text.replace("@@", "", 1))
    rendered = [str(d) for d in info.value.diagnostics]
    assert any(
        r.startswith(f"case.yaml:{line}:{col}: ") and message in r for r in rendered
    ), rendered


RECORD = """\
types:
  Size:
    description: A size.
    type: object
    properties:
      bytes: {type: integer, format: uint64, description: Bytes.}
    required: [bytes]
"""

CASES = {
    "yaml syntax": ("types: [unclosed\n@@", "invalid YAML"),
    "duplicate key": (
        "types:\n  A: {description: a, type: string}\n  @@A: {description: b, type: string}\n",
        "duplicate key 'A'",
    ),
    "unknown top-level key": ("@@servers: []\n" + RECORD, "unknown key 'servers'"),
    "missing description": ("types:\n  @@A: {type: string}\n", "type A needs a description"),
    "bad type name": (
        "types:\n  @@9Lives: {description: x, type: string}\n",
        "invalid name '9Lives'",
    ),
    "integer without format": (
        "types:\n  N: @@{description: n, type: integer}\n",
        "integer needs `format`",
    ),
    "keyword not for type": (
        "types:\n  N: {description: n, type: string, @@minimum: 3}\n",
        "keyword 'minimum' does not apply to type string",
    ),
    "inline record": (
        "types:\n  R:\n    description: r\n    type: object\n    properties:\n      inner:\n"
        "        description: i\n        @@type: object\n        properties: {}\n",
        None,
    ),
    "min greater than max": (
        "types:\n  N: {description: n, type: string, minLength: @@5, maxLength: 2}\n",
        "minLength is greater than maxLength",
    ),
    "bound outside format": (
        "types:\n  N: {description: n, type: integer, format: uint8, maximum: @@300}\n",
        "maximum 300 is not an integer within uint8",
    ),
    "bad pattern": (
        'types:\n  N: {description: n, type: string, pattern: @@"([a-z"}\n',
        "invalid pattern",
    ),
    "duplicate enum value": (
        "types:\n  E: {description: e, type: string, enum: [a, @@a]}\n",
        "duplicate enum value 'a'",
    ),
    "required not a property": (
        RECORD.replace("required: [bytes]", "required: [bytes, @@size]"),
        "required field 'size' is not in properties",
    ),
    "union without discriminator": (
        RECORD + '  @@U:\n    description: u\n    oneOf: [{$ref: "#/types/Size"}]\n',
        "a union needs `discriminator",
    ),
    "bad constant value": (
        RECORD + 'constants:\n  c:\n    description: c\n    $ref: "#/types/Size"\n'
        "    value: {bytes: @@-1}\n",
        "-1 is out of range for uint64",
    ),
    "constant enum value": (
        "types:\n  E: {description: e, type: string, enum: [a, b]}\nconstants:\n  c:\n"
        '    description: c\n    $ref: "#/types/E"\n    value: @@z\n',
        "'z' is not a value of E",
    ),
    "default of wrong type": (
        "types:\n  R:\n    description: r\n    type: object\n    properties:\n"
        "      n: {type: integer, format: int8, default: @@x, description: n}\n",
        "expected an integer",
    ),
    "path param missing": (
        RECORD + "http:\n  base_path: /api\n  endpoints:\n    get:\n      description: g\n"
        '      method: GET\n      path: @@/sizes/{id}\n      response: {$ref: "#/types/Size"}\n',
        "path parameter {id} has no entry in params",
    ),
    "param not in path": (
        RECORD + "http:\n  base_path: /api\n  endpoints:\n    get:\n      description: g\n"
        "      method: GET\n      path: /sizes\n      params:\n        @@id: {type: string, "
        'description: i}\n      response: {$ref: "#/types/Size"}\n',
        "parameter 'id' does not appear in the path",
    ),
    "unknown error code": (
        "types:\n  C: {description: c, type: string, enum: [gone]}\n  E:\n    description: e\n"
        '    type: object\n    properties:\n      code: {$ref: "#/types/C", description: c}\n'
        "    required: [code]\nerrors:\n  type: E\n  code_type: C\n  codes:\n"
        "    gone: {status: 410, message: Gone.}\nhttp:\n  base_path: /api\n  endpoints:\n"
        "    get:\n      description: g\n      method: GET\n      path: /e\n"
        '      response: {$ref: "#/types/E"}\n      errors: [@@lost]\n',
        "unknown error code 'lost'",
    ),
    "error code without entry": (
        "types:\n  C: {description: c, type: string, enum: [gone, @@lost]}\n  E:\n"
        "    description: e\n    type: object\n    properties:\n"
        '      code: {$ref: "#/types/C", description: c}\n    required: [code]\n'
        "errors:\n  type: E\n  code_type: C\n  codes:\n"
        "    gone: {status: 410, message: Gone.}\n",
        "error code 'lost' has no entry in errors.codes",
    ),
    "websocket not a union": (
        RECORD + 'websocket:\n  path: /ws\n  client: @@{$ref: "#/types/Size"}\n'
        '  server: {$ref: "#/types/Size"}\n',
        "websocket.client must reference a union",
    ),
    "duplicate variant tag": (
        "types:\n  A:\n    description: a\n    type: object\n    properties:\n"
        "      t: {const: x, description: t}\n    required: [t]\n  B:\n    description: b\n"
        "    type: object\n    properties:\n      @@t: {const: x, description: t}\n"
        '    required: [t]\n  U:\n    description: u\n    oneOf: [{$ref: "#/types/A"}, '
        '{$ref: "#/types/B"}]\n    discriminator: {propertyName: t}\n',
        "tag 'x' of B is also the tag of A",
    ),
    "alias cycle": (
        'types:\n  @@A: {description: a, $ref: "#/types/B"}\n  B: {description: b, $ref: "#/types/A"}\n',
        "reference cycle",
    ),
    "field name collision": (
        RECORD.replace(
            "required: [bytes]",
            "  @@Bytes: {type: string, description: b}\n" "    required: [bytes]",
        ),
        "are both named 'bytes' in Python class Size",
    ),
}


@pytest.mark.parametrize("name", [n for n, (_, m) in CASES.items() if m is not None])
def test_located_error(name: str) -> None:
    body, message = CASES[name]
    assert message is not None
    expect(body, message)


def test_inline_record_is_rejected_with_a_hint() -> None:
    body = CASES["inline record"][0]
    with pytest.raises(SchemaError) as info:
        problems(HEAD + body.replace("@@", ""))
    assert "must be a named type under `types`" in str(info.value)


def test_all_problems_are_reported_together() -> None:
    body = (
        "types:\n  A: {type: string}\n  B: {description: b, type: integer}\n"
        "  C: {description: c, type: string, minimum: 1}\n"
    )
    with pytest.raises(SchemaError) as info:
        problems(HEAD + body)
    assert len(info.value.diagnostics) == 3
    assert [d.location.line for d in info.value.diagnostics] == [7, 8, 9]


def test_valid_schema_builds() -> None:
    assert problems(HEAD + RECORD) == []
