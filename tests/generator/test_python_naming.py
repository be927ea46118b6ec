"""The Python naming module: names are valid and unreserved, escapes read back exactly, lists stay complete."""

from __future__ import annotations

import ast
import keyword
import re
import tomllib
import unicodedata

import pydantic
from hypothesis import given
from hypothesis import strategies as st

from generator import resources
from generator.targets.python import naming
from generator.targets.python.literals import escape_invisible

HOSTILE = [
    '"""',
    "'''",
    "*/",
    "\n",
    "\r",
    "\\",
    "${",
    "`",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\x00",
    "\t",
]
text = st.lists(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(HOSTILE), max_size=30
).map("".join)


def visible(source: str) -> bool:
    return not any(naming._invisible(ch) for ch in source)


@given(text)
def test_string_literal_reads_back_exactly_and_shows_nothing_invisible(value: str) -> None:
    literal = naming.string_literal(value)
    assert ast.literal_eval(literal) == value
    assert visible(literal)
    assert "\n" not in literal


@given(text)
def test_docstring_is_one_valid_string_with_nothing_invisible(value: str) -> None:
    source = f"def f() -> None:\n    {naming.docstring(value)}\n"
    tree = ast.parse(source)
    assert isinstance(tree.body[0], ast.FunctionDef)
    assert ast.get_docstring(tree.body[0]) is not None or not naming.doc_text(value)
    assert visible(source.replace("\n", ""))


@given(text)
def test_comment_cannot_break_out_of_its_lines(value: str) -> None:
    comment = naming.comment(value)
    tree = ast.parse(comment + "\nx = 1\n")
    assert len(tree.body) == 1  # everything but `x = 1` stayed a comment


@given(text)
def test_toml_string_reads_back_exactly(value: str) -> None:
    assert tomllib.loads(f"v = {naming.toml_string(value)}")["v"] == value


@given(st.lists(text, max_size=4))
def test_escape_invisible_keeps_every_value(values: list[str]) -> None:
    # Literals as datamodel-codegen prints them: repr-like, but with invisible characters left raw.
    source = "".join(f"x{i} = '{v.translate(_RAW_SINGLE)}'\n" for i, v in enumerate(values))
    escaped = escape_invisible(source)
    assert visible(escaped.replace("\n", ""))
    tree = ast.parse(escaped)
    assert [ast.literal_eval(node.value) for node in tree.body] == values  # type: ignore[attr-defined]


_RAW_SINGLE = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r"})


def test_names_are_identifiers_and_not_reserved() -> None:
    for wire in [
        "class",
        "from",
        "type",
        "float",
        "str",
        "list",
        "id",
        "self",
        "json",
        "model_config",
        "to_wire",
        "match",
        "sessionId",
        "HTTPCode",
        "9lives",
        "_private",
    ]:
        name = naming.field_name(wire)
        assert name.isidentifier() and not keyword.iskeyword(name), wire
        assert name not in naming.RESERVED_FIELDS, wire
    assert naming.field_name("type") == "type" and naming.field_name("id") == "id"
    assert naming.field_name("class") == "class_" and naming.field_name("float") == "float_"
    assert (
        naming.field_name("sessionId") == "session_id" and naming.field_name("9lives") == "f_9lives"
    )
    assert (
        naming.class_name("memory_size") == "MemorySize"
        and naming.class_name("V6RMemoryConfig") == "V6RMemoryConfig"
    )
    assert naming.class_name("Field") == "Field_" and naming.class_name("WireModel") == "WireModel_"
    assert naming.member_name("vm-heap") == "VM_HEAP" and naming.member_name("4k") == "V_4K"
    assert naming.member_name("*/") == "ASTERISK_SOLIDUS"
    assert naming.constant_name("size_units") == "SIZE_UNITS"


def test_reserved_fields_cover_every_public_basemodel_attribute() -> None:
    public = {name for name in dir(pydantic.BaseModel) if not name.startswith("_")}
    assert public <= naming.RESERVED_FIELDS, sorted(public - naming.RESERVED_FIELDS)


def test_generated_module_names_cover_the_templates_imports() -> None:
    imported = set()
    for template in (resources.templates_dir() / "python").glob("*.py.j2"):
        for match in re.finditer(
            r"^from \S+ import (.+)$|^import (\S+)$", template.read_text(), re.M
        ):
            names = (match.group(1) or match.group(2)).replace("(", "").split(",")
            imported |= {n.strip().split(" as ")[-1] for n in names if n.strip() and "{" not in n}
    # What datamodel-codegen itself imports into models.py.
    imported |= {
        "Annotated",
        "Literal",
        "Field",
        "TypeAliasType",
        "StrEnum",
        "annotations",
        "WireModel",
    }
    # Only CamelCase names can come out of class_name(); SCREAMING_CASE constants cannot collide.
    missing = {
        n
        for n in imported
        if n[0].isupper() and not n.isupper() and n not in naming.RESERVED_CLASSES
    }
    assert not missing, missing


def test_invisible_covers_separators_bidi_and_controls() -> None:
    for ch in "\u2028\u2029\u202a\u202e\u2066\u2069\u200e\x00\x7f\x1b\ufeff":
        assert naming._invisible(ch), unicodedata.name(ch, hex(ord(ch)))
    for ch in "aZ9 é漢😀":
        assert not naming._invisible(ch)
