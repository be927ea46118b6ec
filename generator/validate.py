"""Stage 2, validate: check loaded data against schema/meta.schema.json and report every problem at once.

jsonschema's raw messages name JSON paths; here each becomes `FILE:LINE:COL: message` at the node (or, for an
unknown key, at the key itself), and the common cases get a message that says what to write instead.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from generator import resources
from generator.errors import Collector
from generator.loader import Loaded

_TYPE_KEYWORDS_REF = "#/$defs/typeKeywords"


@cache
def _meta() -> dict[str, Any]:
    meta: dict[str, Any] = json.loads(resources.meta_schema().read_text(encoding="utf-8"))
    return meta


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_meta())


def _resolve(ref: str) -> dict[str, Any]:
    node: Any = _meta()
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    result: dict[str, Any] = node
    return result


def _allowed_keys(schema: dict[str, Any]) -> set[str]:
    keys = set(schema.get("properties", {}))
    if "$ref" in schema:
        keys |= _allowed_keys(_resolve(schema["$ref"]))
    return keys


def check(loaded: Loaded) -> None:
    """Raise SchemaError listing every way `loaded` breaks the meta-schema."""
    problems = Collector()
    locations = loaded.locations
    for error in _validator().iter_errors(loaded.data):
        path = tuple(error.absolute_path)
        if error.validator in ("additionalProperties", "unevaluatedProperties"):
            allowed = _allowed_keys(error.schema)
            is_type_schema = error.schema.get("$ref") == _TYPE_KEYWORDS_REF
            for key in error.instance:
                if key in allowed:
                    continue
                what = "unsupported keyword" if is_type_schema else "unknown key"
                problems.error(
                    locations.of_key((*path, key)),
                    f"{what} {key!r}; allowed here: {', '.join(sorted(allowed))}",
                )
        elif "propertyNames" in error.absolute_schema_path:
            # jsonschema reports a bad key at its parent's path, with the key as the instance.
            problems.error(
                locations.of_key((*path, error.instance)),
                f"invalid name {error.instance!r}: must match {error.validator_value}",
            )
        elif error.validator == "oneOf" and path and path[-1] == "type":
            problems.error(
                locations.of(path),
                f"invalid type {json.dumps(error.instance)}: expected one of string, boolean, "
                'integer, number, array, object, or [T, "null"]',
            )
        elif error.validator == "pattern" and path and path[-1] == "$ref":
            problems.error(
                locations.of(path),
                f"invalid reference {error.instance!r}: write '#/types/Name'",
            )
        else:
            where = "/".join(str(p) for p in path) or "schema"
            problems.error(locations.of(path), f"{where}: {error.message}")
    problems.raise_if_any()
