"""The hostile case's generated Python imports and gives back every schema string byte for byte.

Expected values come from parsing schema.yaml with plain PyYAML, not from the generator under test.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import yaml

CASE = Path(__file__).resolve().parents[1] / "golden" / "hostile_strings"


def test_hostile_values_read_back_exactly() -> None:
    schema = yaml.safe_load((CASE / "schema.yaml").read_text(encoding="utf-8"))
    sys.path.insert(0, str(CASE / "expected" / "python"))
    try:
        package = importlib.import_module("hostile_strings")
    finally:
        sys.path.remove(str(CASE / "expected" / "python"))

    assert [m.value for m in package.Hostile] == schema["types"]["Hostile"]["enum"]
    holder = schema["types"]["Holder"]["properties"]
    fields = package.Holder.model_fields
    assert fields["text"].default == holder["text"]["default"]
    patterns = [m.pattern for m in fields["matched"].metadata if hasattr(m, "pattern")]
    assert patterns == [holder["matched"]["pattern"]]
    assert schema["constants"]["hostile_text"]["value"] == package.HOSTILE_TEXT
    assert list(package.HOSTILE_LIST) == schema["constants"]["hostile_list"]["value"]

    # And they survive the wire in both directions.
    value = package.Holder(choice=package.Hostile(schema["types"]["Hostile"]["enum"][1]))
    again = package.Holder.from_wire(value.to_wire())
    assert again == value and again.text == holder["text"]["default"]


def test_hostile_source_has_nothing_invisible() -> None:
    for path in (CASE / "expected").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for bad in ["\u2028", "\u2029", "\u202e", "\u2066", "\x00", "\r"]:
                assert bad not in text, f"{path.name} holds U+{ord(bad):04X}"
