"""The three bindings' codecs on the golden schemas at run time: Python, TypeScript and Go must agree.

The bundled schema has no booleans, maps, nullable fields, defaults, signed or bounded numbers, and the
conformance vectors only cover it; the golden schemas have all of them. For every text below, each golden
case's generated Python, TypeScript and Go packages must agree: all reject it, or all accept it and write the
same canonical text back. The three are independent implementations (pydantic, a table-driven reader,
generated per-type Go), so agreement is evidence for each; the Python package is the one printed as expected.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pydantic
import pytest

from generator import pipeline
from generator.ir.model import Alias, Enum_, Record
from generator.targets import go
from generator.targets.python import names
from tests.go.test_go_target import GO, _write_go
from tests.typescript.test_typescript_target import GOLDEN, run_ts, write_case

U64 = 2**64 - 1
I64 = 2**63

# A valid Everything (primitives case) with one field's raw text replaced: for number spellings
# json.dumps cannot produce.
EVERYTHING = {
    "s": "s", "b": True, "i8": 1, "i16": 1, "i32": 1, "i64": 1, "u8": 1, "u16": 1, "u32": 1, "u64": 1,
    "f32": 1.5, "f64": 2.5, "percent": 50, "code": "AB",
}  # fmt: skip
EDGES = [
    ("f32", "0.1"), ("f32", "0.3333333333333333"), ("f32", "3.4028235e38"), ("f32", "3.4028236e38"),
    ("f32", "3.5e38"), ("f32", "1e-46"), ("f32", "-0.0"), ("f32", "16777217"), ("f32", "1e-7"),
    ("f64", "1e16"), ("f64", "9999999999999998"), ("f64", "1e-5"), ("f64", "9.9e-6"), ("f64", "5e-324"),
    ("f64", "1.7976931348623157e308"), ("f64", "1e309"), ("f64", "-0"), ("f64", "0.1e1"), ("f64", "1E2"),
    ("f64", "123456789012345678901234567890"), ("percent", "100.0000000000000001"), ("percent", "-0.0"),
    ("percent", "100.00001"), ("percent", "-1e-300"),
    ("i8", "-129"), ("i8", "127"), ("i8", "-0"), ("i8", "1.0"), ("i8", "1e0"), ("u8", "256"),
    ("i64", "-9223372036854775809"), ("i64", "9223372036854775807"), ("u64", "18446744073709551616"),
    ("u64", "-1"), ("u64", "00"), ("u32", "4294967296"), ("b", "1"), ("b", "null"), ("b", '"true"'),
    ("s", '"\\u0000\\/\\u007f\\u2029\\ud83d\\ude00"'), ("s", '"\\ud800"'), ("s", "1"),
    ("code", '"AB\\n"'), ("code", '"A"'), ("code", '"ABCDEFGHI"'), ("code", '"ab"'), ("code", '"\\u0041B"'),
]  # fmt: skip


def nested(depth: int, via: str) -> str:
    """A Node whose `via` (children, by_key or next) holds another, `depth` levels deep."""
    open_, close = {
        "children": ('{"name": "n", "children": [', "]}"),
        "by_key": ('{"name": "n", "children": [], "by_key": {"k": ', "}}"),
        "next": ('{"name": "n", "children": [], "next": ', "}"),
    }[via]
    leaf = '{"name": "leaf", "children": []}'
    return open_ * depth + leaf + close * depth


def unknown_field(raw: str) -> str:
    """A valid Node with an unknown field `x` whose value is `raw` (inside the Node's object)."""
    return '{"name": "a", "children": [], "x": ' + raw + "}"


def everything(field: str, raw: str) -> str:
    """EVERYTHING as JSON text with `field`'s value written as `raw`."""
    text = json.dumps({**EVERYTHING, field: "@"})
    return text.replace('"@"', raw)


# case -> [(type name, JSON text)]: valid texts first, then what each constraint must refuse
TEXTS: dict[str, list[tuple[str, str]]] = {
    "primitives": [
        *(
            ("Everything", json.dumps(value, ensure_ascii=False))
            for value in (
                {
                    "s": "é\u2028",
                    "b": True,
                    "i8": -128,
                    "i16": 32767,
                    "i32": -2147483648,
                    "i64": -I64,
                    "u8": 255,
                    "u16": 0,
                    "u32": 4294967295,
                    "u64": U64,
                    "f32": 0.5,
                    "f64": -1.25e-7,
                    "percent": 100,
                    "code": "AB",
                },
                {
                    "s": "",
                    "b": False,
                    "i8": 0,
                    "i16": -1,
                    "i32": 7,
                    "i64": I64 - 1,
                    "u8": 1,
                    "u16": 65535,
                    "u32": 0,
                    "u64": 0,
                    "f32": -3.0,
                    "f64": 1e300,
                    "percent": 0.0,
                    "code": "ABCDEFGH",
                    "unknown": {"nested": [1, 2]},
                },
            )
        ),
        *(("Everything", everything(field, raw)) for field, raw in EDGES),
        ("Everything", json.dumps(EVERYTHING)[:-1] + ', "i8": 2, "i8": 3}'),
        ("Everything", json.dumps({k: v for k, v in EVERYTHING.items() if k != "b"})),
        ("Port", "1"),
        ("Port", "65535"),
        ("Port", "0"),
        ("Port", "65536"),
        ("Port", "1.0"),
        ("Port", "-1"),
        ("Port", '"80"'),
    ],
    "optional_nullable": [
        ("Holder", '{"required_plain": "a", "required_nullable": null, "nullable_ref": null}'),
        ("Holder", '{"required_plain": "a", "required_nullable": "b", "nullable_ref": {"n": -5}}'),
        (
            "Holder",
            '{"required_plain": "a", "optional_plain": null, "required_nullable": "x",'
            ' "optional_nullable": null, "nullable_ref": {"n": 1}, "optional_ref": null,'
            ' "with_default": null, "text_default": null}',
        ),
        (
            "Holder",
            '{"required_plain": "a", "optional_plain": "o", "required_nullable": null,'
            ' "optional_nullable": -9223372036854775808, "nullable_ref": null, "optional_ref": {"n": 2},'
            ' "with_default": 0, "text_default": ""}',
        ),
        ("Holder", '{"required_plain": "a", "nullable_ref": null}'),
        ("Holder", '{"required_plain": null, "required_nullable": null, "nullable_ref": null}'),
        ("Holder", '{"required_nullable": null, "nullable_ref": null}'),
        ("Holder", '{"required_plain": "a", "required_nullable": 1, "nullable_ref": null}'),
        ("Holder", '{"required_plain": "a", "required_nullable": null, "nullable_ref": {}}'),
        ("Holder", '{"required_plain": "a", "required_nullable": null, "nullable_ref": 1}'),
        (
            "Holder",
            '{"required_plain": "a", "required_nullable": null, "nullable_ref": null,'
            ' "with_default": -1}',
        ),
        ("Inner", '{"n": 2147483648}'),
        ("Inner", '{"n": -2147483648}'),
        (
            "Holder",
            '{"required_plain": "a", "required_nullable": null, "nullable_ref": {"n": null}}',
        ),
        ("Holder", '{"required_plain": "a", "required_nullable": null}'),
        (
            "Holder",
            '{"required_plain": "a", "required_nullable": null, "nullable_ref": null, "optional_ref": {}}',
        ),
        (
            "Holder",
            '{"required_plain": "a", "required_nullable": null, "nullable_ref": null, "text_default": 1}',
        ),
        (
            "Holder",
            '{"required_plain": "a", "required_nullable": null, "nullable_ref": null, "with_default": 4294967296}',
        ),
        (
            "Holder",
            '{"required_plain": "a", "required_nullable": null, "nullable_ref": null,'
            ' "optional_nullable": 9223372036854775808}',
        ),
    ],
    "nested_collections": [
        ("Grid", '{"matrix": [], "paths": {}}'),
        (
            "Grid",
            '{"matrix": [[1, -2], [], [2147483647]], "paths": {"a": [{"x": 1.5, "y": -0.0}],'
            ' "__proto__": [{"x": 0, "y": 1e-7}]}, "layers": [{"k": ["v", ""]}, {}],'
            ' "tags": ["x", "y", "z"]}',
        ),
        ("Grid", '{"matrix": [], "paths": {"a": [], "b": [{"x": 1, "y": 2}]}}'),
        ("Grid", '{"matrix": [], "paths": {}, "tags": []}'),
        ("Grid", '{"matrix": [], "paths": {}, "tags": ["a", "b", "c", "d"]}'),
        ("Grid", '{"matrix": [], "paths": {}, "layers": [' + ", ".join(["{}"] * 17) + "]}"),
        ("Grid", '{"matrix": [[1.5]], "paths": {}}'),
        ("Grid", '{"matrix": {}, "paths": {}}'),
        ("Grid", '{"matrix": [], "paths": []}'),
        ("Grid", '{"matrix": [], "paths": {"a": [{"x": 1}]}}'),
        ("PointList", '[{"x": 1, "y": 2}, {"x": -1e16, "y": 12345.678}]'),
        ("PointList", "[null]"),
    ],
    "tagged_union": [
        ("Machine", '{"profile": {"tag": "small", "val": {"bytes": 1}}}'),
        (
            "Machine",
            '{"profile": {"val": {"bytes": 18446744073709551615}, "tag": "custom", "note": "n"},'
            ' "history": [{"tag": "large", "val": {"bytes": 0}}],'
            ' "named": {"a": {"tag": "small", "val": {"bytes": 2}}}}',
        ),
        ("Profile", '{"tag": "custom", "val": {"bytes": 3}}'),
        ("Profile", '{"tag": "medium", "val": {"bytes": 3}}'),
        ("Profile", '{"val": {"bytes": 3}}'),
        ("Profile", '{"tag": "small"}'),
        ("Machine", '{"profile": {"tag": "small", "val": {"bytes": 1}}, "named": {"a": 1}}'),
        ("Machine", '{"profile": {"tag": "small", "val": {"bytes": 18446744073709551616}}}'),
        ("Profile", '{"tag": 1, "val": {"bytes": 3}}'),
        ("Profile", '{"tag": null, "val": {"bytes": 3}}'),
        ("Profile", '{"tag": "SMALL", "val": {"bytes": 3}}'),
        ("Profile", '{"tag": "large", "tag": "small", "val": {"bytes": 3}}'),
        ("Profile", '{"tag": "small", "val": {"bytes": 3}, "note": "not in small"}'),
        ("Profile", '{"tag": "custom", "val": {"bytes": 3}, "note": null}'),
        ("Profile", '{"tag": "custom", "val": {"bytes": 3}, "note": 5}'),
        ("Profile", '[{"tag": "small", "val": {"bytes": 3}}]'),
        ("Profile", '"small"'),
        ("ProfileSmall", '{"tag": "small", "val": {"bytes": 3}}'),
        ("ProfileSmall", '{"tag": "large", "val": {"bytes": 3}}'),
        ("ProfileSmall", '{"val": {"bytes": 3}}'),
        (
            "Machine",
            '{"profile": {"tag": "small", "val": {"bytes": 1}}, "history": null, "named": null}',
        ),
        ("Machine", '{"profile": {"tag": "small", "val": {"bytes": 1}}, "history": [null]}'),
        ("Machine", '{"profile": null}'),
    ],
    "enums": [
        ("Screen", '{"resolution": "1080p", "supported": []}'),
        (
            "Screen",
            '{"resolution": "ultra.wide", "supported": ["4k", "low_light"],'
            ' "level_by_name": {"a": "high", "b": "low"}, "fallback": "critical"}',
        ),
        # map keys are written in code point order: U+FFFF before U+1F600, though UTF-16 sorts it after
        (
            "Screen",
            '{"resolution": "4k", "supported": [], "level_by_name":'
            ' {"b": "low", "\\ud83d\\ude00": "high", "\\uffff": "low", "a": "medium", "": "low"}}',
        ),
        ("Screen", '{"resolution": "1080P", "supported": []}'),
        ("Screen", '{"resolution": "4k", "supported": ["8k"]}'),
        ("Screen", '{"resolution": "4k", "supported": [], "level_by_name": {"a": "none"}}'),
        ("Screen", '{"resolution": "4k", "supported": [], "fallback": null}'),
        ("Level", '"medium"'),
        ("Resolution", '"hd-ready"'),
        ("Level", '"Medium"'),
    ],
    "reserved_names": [
        (
            "WireModel",
            '{"field": {"class": "c", "from": "f", "type": "t", "float": 1.5, "str": "s",'
            ' "list": ["l"], "id": "i", "self": "me", "json": "j", "model_config": "m",'
            ' "to_wire": "w", "match": "x", "bytes": 5, "dict": false}, "literal": "None"}',
        ),
        ("Literal", '"true"'),
        ("Literal", "true"),
        ("WireModel", '{"field": {"class": "c"}, "literal": "self"}'),
    ],
    "minimal": [
        ("Greeting", '{"text": "hi", "extra": null}'),
        ("Greeting", '{"text": ""}'),
        ("Greeting", "{}"),
        ("Greeting", '{"text": null}'),
        ("Greeting", '["hi"]'),
        # the text around the value: JSON whitespace only, nothing after it, no byte order mark
        ("Greeting", ' \t\r\n{"text": "hi"}\n '),
        ("Greeting", '\ufeff{"text": "hi"}'),
        ("Greeting", '{"text": "hi"} x'),
        ("Greeting", '{"text": "hi"}{}'),
        ("Greeting", '\u00a0{"text": "hi"}'),
        ("Greeting", ""),
        ("Greeting", '{"text": "hi",}'),
        ("Greeting", "{'text': 'hi'}"),
        ("Greeting", '{"text": "a\u0000b\u001f"}'),
        ("Greeting", '{"text": "tab\there"}'),
        ("Greeting", '{"text": "\\u0000\\u001f\\u007f\\b\\f\\n\\r\\t\\/\\""}'),
        ("Greeting", '{"text": "\\ud83d\\ude00 \\uD83D\\uDE00"}'),
        ("Greeting", '{"text": "\\u00e9\\u2028\\\\"}'),
        ("Greeting", '{"text": "hi", "text": 1}'),
        ("Greeting", '{"text": 1, "text": "hi"}'),
    ],
    "service": [
        ("Item", '{"id": "a", "count": 4294967295}'),
        ("ItemId", '"x"'),
        ("ItemId", '""'),
        ("Item", '{"id": "", "count": 1}'),
        ("Item", '{"id": "a", "count": -1}'),
        ("ClientMessage", '{"type": "watch", "id": "a"}'),
        ("ServerMessage", '{"type": "changed", "item": {"id": "a", "count": 0}}'),
        ("ServerMessage", '{"type": "watch", "id": "a"}'),
        ("Problem", '{"code": "not-found", "message": "m"}'),
        ("Problem", '{"code": "gone", "message": "m"}'),
    ],
    "recursive": [
        ("Node", '{"name": "a", "children": [{"name": "b", "children": []}], "next": null}'),
        ("Forest", '[{"name": "a", "children": []}, {"name": "b", "children": [], "by_key": {}}]'),
        ("Node", '{"name": "a", "children": [{"name": "b"}]}'),
        ("Node", '{"name": "a", "children": [], "next": {"children": []}}'),
        # Python's parser refuses a value inside more than 200 arrays and objects; every binding holds to it
        *(
            ("Node", nested(depth, via))
            for depth in (10, 99, 100)
            for via in ("children", "by_key")
        ),
        *(("Node", nested(depth, "next")) for depth in (10, 198, 199, 1000)),
        *(("Node", unknown_field("[" * n + "]" * n)) for n in (199, 200, 201)),
        *(("Node", unknown_field("[" * n + "1" + "]" * n)) for n in (199, 200)),
        *(("Node", unknown_field("[" * n + '"x"' + "]" * n)) for n in (199, 200)),
        ("Node", '{"name": "a", "children": [], "x": ' + '{"a":' * 199 + '"]]]"' + "}" * 199 + "}"),
        ("Node", '{"name": "a", "children": [], "x": ' + '{"a":' * 200 + '"]]]"' + "}" * 200 + "}"),
        ("Node", '{"name": "a", "children": [], "x": ' + '{"a":' * 199 + "{}" + "}" * 199 + "}"),
        ("Node", '{"name": "a", "children": [], "x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        ("Node", nested(100, "children").replace('"leaf"', "1")),
    ],
    "hostile_strings": [
        ("Holder", '{"choice": "${x}"}'),
        ("Holder", '{"choice": "line\\u2028sep", "text": "", "matched": "\\"\\"\\"${`\\u2028"}'),
        ("Holder", '{"choice": "plain", "matched": "x"}'),
        ("Holder", '{"choice": "rtl\\u202Eltr!"}'),
    ],
}


@cache
def _python_classes(case: str) -> dict[str, str]:
    """Schema type name -> the Python class name the target gave it (`Literal` is `Literal_`)."""
    return names.assign(pipeline.load_schema(GOLDEN / case / "schema.yaml", "schema.yaml")).classes


def _python(case: str, type_name: str, text: str) -> str | None:
    """What the case's generated Python package writes back, or None when it refuses the text."""
    outcome = _python_outcome(case, type_name, text)
    return outcome.get("ok")


def _python_outcome(case: str, type_name: str, text: str) -> dict[str, Any]:
    """{"ok": text written back} or {"err": message, "path": where, as the package's wire_path names it}."""
    folder = GOLDEN / case / "expected" / "python"
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    package = next(p.name for p in folder.iterdir() if (p / "__init__.py").exists())
    models = importlib.import_module(f"{package}.models")
    paths = importlib.import_module(f"{package}._paths")
    target = getattr(models, _python_classes(case)[type_name])
    try:
        if hasattr(target, "from_wire"):
            return {"ok": str(target.from_wire(text).to_wire())}
        # an alias or enum has no from_wire; strict as inside a model (no "80" for 80)
        adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(target)
        value = adapter.validate_json(text, strict=True)
        return {"ok": adapter.dump_json(value, by_alias=True).decode()}
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":  # the text is not JSON: no place in a value to name
            return {"err": first["msg"], "path": None}
        return {"err": first["msg"], "path": paths.wire_path(target, first)}


def _typescript(case: str, texts: list[tuple[str, str]], tmp_path: Path) -> list[dict[str, Any]]:
    """Each text decoded and, when accepted, encoded again by the case's generated TypeScript package."""
    package = write_case(GOLDEN / case / "schema.yaml", tmp_path)
    source = (
        f'import {{ decode, encode }} from "{(package / "src/index.ts").as_posix()}";\n'
        'import { readFileSync } from "node:fs";\n'
        "const texts: [string, string][] = JSON.parse(readFileSync(0, 'utf8'));\n"
        "console.log(JSON.stringify(texts.map(([type, text]) => {\n"
        "  const r = decode(type as never, text);\n"
        "  if (r.tag === 'ok') return { ok: encode(type as never, r.val as never) };\n"
        "  const located = 'path' in r.val && !r.val.message.startsWith('$: invalid JSON');\n"
        "  return { err: r.val.message, path: located ? r.val.path : null };\n"
        "})));\n"
    )
    results: list[dict[str, Any]] = json.loads(run_ts(source, tmp_path, json.dumps(texts)))
    return results


# A Go test in the generated package: each text through the package's own API (json.Unmarshal and the value's
# MarshalJSON for records and enums, DecodeX/EncodeX for aliases, DecodeX and the variant's MarshalJSON for
# unions). MarshalJSON is called directly: json.Marshal would re-escape <, >, & and U+2028.
GO_RUNNER = """package {package}

import (
\t"encoding/json"
\t"errors"
\t"os"
\t"strings"
\t"testing"
)

func roundtrip(name string, data []byte) ([]byte, error) {{
\tswitch name {{
{cases}
\t}}
\tpanic("no case for " + name)
}}

func TestRoundtrip(t *testing.T) {{
\tvar texts [][2]string
\tinput, err := os.ReadFile(os.Getenv("TEXTS"))
\tif err != nil {{
\t\tt.Fatal(err)
\t}}
\tif err := json.Unmarshal(input, &texts); err != nil {{
\t\tt.Fatal(err)
\t}}
\tout := make([]map[string]any, len(texts))
\tfor i, text := range texts {{
\t\tb, err := roundtrip(text[0], []byte(text[1]))
\t\tvar decodeError *DecodeError
\t\tswitch {{
\t\tcase errors.As(err, &decodeError) && !strings.HasPrefix(decodeError.Message, "invalid JSON"):
\t\t\tout[i] = map[string]any{{"err": err.Error(), "path": decodeError.Path}}
\t\tcase err != nil: // encoding/json refused the text before the package saw it
\t\t\tout[i] = map[string]any{{"err": err.Error(), "path": nil}}
\t\tdefault:
\t\t\tout[i] = map[string]any{{"ok": string(b)}}
\t\t}}
\t}}
\tresult, _ := json.Marshal(out)
\tif err := os.WriteFile(os.Getenv("OUT"), result, 0o644); err != nil {{
\t\tt.Fatal(err)
\t}}
}}
"""


def _go_case(decl: object, name: str) -> str:
    """The runner's switch case for one schema type, by what kind of Go type the target made of it."""
    if isinstance(decl, (Record, Enum_)):
        body = (
            f"var v {name}\n\t\tif err := json.Unmarshal(data, &v); err != nil {{\n\t\t\treturn nil, err\n"
            "\t\t}\n\t\treturn v.MarshalJSON()"
        )
    else:
        encode = (
            f"Encode{name}(v), nil"
            if isinstance(decl, Alias)
            else "v.(json.Marshaler).MarshalJSON()"
        )
        body = (
            f"v, err := Decode{name}(data)\n\t\tif err != nil {{\n\t\t\treturn nil, err\n\t\t}}\n"
            f"\t\treturn {encode}"
        )
    return f"\tcase {json.dumps(decl.name)}:  // {name}\n\t\t{body}"  # type: ignore[attr-defined]


def _go(case: str, texts: list[tuple[str, str]], tmp_path: Path) -> list[dict[str, Any]]:
    """Each text decoded and, when accepted, encoded again by the case's generated Go package."""
    schema_file = GOLDEN / case / "schema.yaml"
    schema = pipeline.load_schema(schema_file, "schema.yaml")
    names = go.assign(schema).types
    folder = tmp_path / "go"
    _write_go(schema_file, folder)
    cases = "\n".join(_go_case(schema.decl(t), names[t]) for t in sorted({t for t, _ in texts}))
    runner = GO_RUNNER.format(package=schema.packages.go_package, cases=cases)
    (folder / "roundtrip_test.go").write_text(runner, encoding="utf-8")
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    env = {**os.environ, "TEXTS": str(tmp_path / "texts.json"), "OUT": str(tmp_path / "go.json")}
    run = subprocess.run(
        [GO, "test", "-count=1", "-run", "TestRoundtrip", "."],
        cwd=folder, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    results: list[dict[str, Any]] = json.loads((tmp_path / "go.json").read_text(encoding="utf-8"))
    return results


@pytest.mark.parametrize("case", sorted(TEXTS))
def test_bindings_agree_on_golden_texts(case: str, tmp_path: Path, node_modules: Path) -> None:
    texts = TEXTS[case]
    results = {
        "typescript": _typescript(case, texts, tmp_path),
        "go": _go(case, texts, tmp_path),
    }
    disagreements = []
    for index, (type_name, text) in enumerate(texts):
        python = _python_outcome(case, type_name, text)
        for language, outcomes in results.items():
            theirs = outcomes[index]
            if theirs.get("ok") != python.get("ok"):
                disagreements.append(
                    f"{language}: {type_name} {text}\n  python: {python.get('ok')}\n"
                    f"  {language}: {theirs.get('ok') or theirs['err']}"
                )
            elif (
                None not in (python.get("path"), theirs.get("path"))
                and theirs["path"] != python["path"]
            ):
                # both refuse a JSON value: they must name the same place in it
                disagreements.append(
                    f"{language}: {type_name} {text}\n  python path: {python['path']!r} ({python['err']})\n"
                    f"  {language} path: {theirs['path']!r} ({theirs['err']})"
                )
    assert not disagreements, "\n".join(disagreements)


def test_every_case_has_accepted_and_refused_texts() -> None:
    """Each case's list exercises both sides, so agreement cannot come from a codec that accepts or refuses
    everything."""
    for case, texts in TEXTS.items():
        outcomes = {_python(case, t, text) is None for t, text in texts}
        assert outcomes == {True, False}, case


# JSON Schema's "integer" is any number with a zero fraction, 1.0 and 1e0 included; the bindings read only
# the integer spelling. json.loads gives a float for those, so an integer must be an int here.
StrictIntegers = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)


def _beyond_json_schema(text: str) -> str | None:
    """Why a JSON Schema validator cannot decide `text` as the bindings do, judged from the text alone
    (so it cannot excuse a document that lacks a constraint), or None."""
    numbers: list[str] = []

    def number(token: str) -> float:
        numbers.append(token)
        return float(token)

    try:
        json.loads(text, parse_float=number, parse_int=number, parse_constant=number)
    except ValueError:
        return "not JSON"
    except RecursionError:
        return "nesting past the 200 levels the bindings read"
    if any(t in ("NaN", "Infinity", "-Infinity") or abs(float(t)) == float("inf") for t in numbers):
        return "a number no double holds"
    if re.search(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])", text):
        return "a lone surrogate"
    if '\\n"' in text:
        return "a string ending in a newline (jsonschema's pattern is Python's re.search, where $ matches before it)"
    depth, deepest = 0, 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(token, 0)
        deepest = max(deepest, depth)
    if deepest > 200:
        return "nesting past the 200 levels the bindings read"
    return None


@pytest.mark.parametrize("case", sorted(TEXTS))
def test_the_json_schema_document_agrees_with_the_bindings(case: str) -> None:
    """The published JSON Schema (tests/golden/<case>/expected/jsonschema) accepts exactly what the bindings
    accept, where JSON Schema can say it at all: a document that lost a constraint fails here."""
    [document_file] = (GOLDEN / case / "expected" / "jsonschema").glob("*.schema.json")
    document = json.loads(document_file.read_text(encoding="utf-8"))
    disagreements = []
    for type_name, text in TEXTS[case]:
        beyond = _beyond_json_schema(text)
        if beyond in ("not JSON", "nesting past the 200 levels the bindings read"):
            continue  # nothing to validate, or nothing Python's json module reads
        schema = {"$ref": f"#/$defs/{type_name}", "$defs": document["$defs"]}
        validator = StrictIntegers(schema)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(
            20_000
        )  # the validator recurses some frames a level; trees go 200 deep
        try:
            valid = not list(validator.iter_errors(json.loads(text)))
        finally:
            sys.setrecursionlimit(limit)
        accepted = _python(case, type_name, text) is not None
        # what JSON Schema cannot say only ever makes the document the more lenient one
        if valid != accepted and not (valid and beyond is not None):
            disagreements.append(f"{type_name} {text[:200]}: bindings {accepted}, document {valid}")
    assert not disagreements, "\n".join(disagreements)


def test_the_bundled_json_schema_agrees_with_the_conformance_vectors() -> None:
    """The same check on the document users of the bundled schema get, against every conformance vector
    (whose verdicts all three bindings already pass)."""
    root = Path(__file__).resolve().parents[2]
    document = json.loads((root / "generated/jsonschema/v6r-memory.schema.json").read_text("utf-8"))
    checked, disagreements = 0, []
    for vectors in sorted((root / "tests/conformance/vectors").glob("*.json")):
        for case in json.loads(vectors.read_text(encoding="utf-8")):
            beyond = _beyond_json_schema(case["input"])
            if beyond in ("not JSON", "nesting past the 200 levels the bindings read"):
                continue
            validator = StrictIntegers(
                {"$ref": f"#/$defs/{case['type']}", "$defs": document["$defs"]}
            )
            valid = not list(validator.iter_errors(json.loads(case["input"])))
            checked += 1
            if valid != case["valid"] and not (valid and beyond is not None):
                disagreements.append(f"{case['name']}: vector {case['valid']}, document {valid}")
    assert checked > 600, checked
    assert not disagreements, "\n".join(disagreements)
