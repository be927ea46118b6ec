"""Writes schema.yaml: hostile strings are easier to get exactly right from Python than by hand in YAML."""
import json
hostile = 'q """ t \'\'\' c */ n\nr\rb \\ d ${x} bt ` ls \u2028 ps \u2029 bidi \u202e end \u2066 nul \x00 tab\t'
yq = json.dumps  # a JSON string is a YAML double-quoted string
Q3 = "'" * 3
pieces = ['"""', Q3, "*/", "\n", "\r", "\\", "${", "`", "\u2028", "\u202e", "\x00"]
pattern = '^(?:[^"\\\\]|\\\\.)*"""\\$\\{`\u2028$'
lines = [
    "v6r: 1",
    "name: hostile-strings",
    "title: " + yq("Hostile " + hostile),
    "version: 1.0.0",
    "description: " + yq(hostile),
    "types:",
    "  Hostile:",
    "    description: " + yq(hostile),
    "    type: string",
    "    enum:",
    "      - plain",
    *["      - " + yq(v) for v in [hostile, '"""', Q3, "*/", "${x}", "back`tick", "line\u2028sep", "rtl\u202eltr"]],
    "  Holder:",
    "    description: " + yq(hostile),
    "    type: object",
    "    properties:",
    "      choice:",
    '        $ref: "#/types/Hostile"',
    "        description: " + yq(hostile),
    "      text:",
    "        type: string",
    "        default: " + yq(hostile),
    "        description: " + yq(hostile),
    "      matched:",
    "        type: string",
    "        pattern: " + yq(pattern),
    "        description: A pattern full of quotes, backslashes and a line separator.",
    "    required: [choice]",
    "constants:",
    "  hostile_text:",
    "    description: " + yq(hostile),
    "    type: string",
    "    value: " + yq(hostile),
    "  hostile_list:",
    "    description: Each hostile piece alone.",
    "    type: array",
    "    items: {type: string}",
    "    value: [" + ", ".join(yq(p) for p in pieces) + "]",
]
open("hostile_strings/schema.yaml", "w", encoding="utf-8").write(
    "# Written by tests/golden/hostile_strings/make_schema.py; every string here is hostile on purpose.\n"
    + "\n".join(lines) + "\n")
