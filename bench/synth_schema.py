"""Write a synthetic v6r-codegen schema of N named types to stdout, for the generation benchmark.

    python bench/synth_schema.py N            # a mixed schema of N types
    python bench/synth_schema.py N --chain    # N records, each with a required $ref to the next: a chain N deep
    python bench/synth_schema.py N --linked   # the mixed schema, but every record's optional `next` is the next
                                              # record: a nullable forward chain through all N/2 records

The output is deterministic (no randomness): the same N and mode always give the same bytes. Every mode adds
one constant, `type_count` (not counted in N); `--no-constants` leaves it out.

Mixed mode repeats a block of 20 types, so every construct appears as soon as N >= 10:

    position  0 2 4 6 10 12 14 16 18   record of 8 fields
    position  1 11                     enum of 5 kebab-case values
    position  3 13                     map alias (string -> primitive or -> earlier record)
    position  5 15                     list alias (bounded list of an earlier type or of a primitive)
    position  7 8                      union variant records (discriminator `kind`, const tag)
    position  9                        tagged union (oneOf of 7 and 8, discriminator `kind`)
    position 17 19                     constrained string / integer aliases

A record's 8 fields cycle through all 12 primitive formats (string, boolean, int8..uint64, float, double)
across records, and include a list, a map, a required reference to an earlier type, an optional nullable
reference to a later record of the same block (a forward reference, so the graph has cycles), a nullable
primitive and a field with a default. Every type and field has a description, as the schema language
requires.

Chain mode makes records Link0 .. Link{N-1}; Link{i} has a required `next: $ref Link{i+1}` and three more
fields; the last link ends the chain. This is the deep-reference case DESIGN.md calls out as hard for
pydantic (model_rebuild recursion) and for quicktype (stack overflow at ~175). It has no cycles, so the
models can be emitted last link first; --linked is the deep case with cycles, where they cannot.
"""

from __future__ import annotations

import argparse
import json
import sys

# (json type, format) for every primitive the schema language has.
PRIMITIVES: list[tuple[str, str | None]] = [
    ("string", None),
    ("boolean", None),
    ("integer", "int8"),
    ("integer", "int16"),
    ("integer", "int32"),
    ("integer", "int64"),
    ("integer", "uint8"),
    ("integer", "uint16"),
    ("integer", "uint32"),
    ("integer", "uint64"),
    ("number", "float"),
    ("number", "double"),
]

BLOCK = 20
RECORD_POS = {0, 2, 4, 6, 10, 12, 14, 16, 18}
ENUM_POS = {1, 11}
MAP_POS = {3, 13}
LIST_POS = {5, 15}
VARIANT_POS = {7, 8}
UNION_POS = {9}
STRING_ALIAS_POS = {17}
INT_ALIAS_POS = {19}


def kind_of(i: int) -> str:
    p = i % BLOCK
    for kind, positions in (
        ("record", RECORD_POS),
        ("enum", ENUM_POS),
        ("map", MAP_POS),
        ("list", LIST_POS),
        ("variant", VARIANT_POS),
        ("union", UNION_POS),
        ("string_alias", STRING_ALIAS_POS),
        ("int_alias", INT_ALIAS_POS),
    ):
        if p in positions:
            return kind
    raise AssertionError(p)


NAMES = {
    "record": "Record",
    "enum": "Kind",
    "map": "Table",
    "list": "Series",
    "variant": "Variant",
    "union": "Choice",
    "string_alias": "Code",
    "int_alias": "Count",
}


def type_name(i: int) -> str:
    return f"{NAMES[kind_of(i)]}{i:04d}"


def ref(i: int) -> dict:
    return {"$ref": f"#/types/{type_name(i)}"}


def primitive(n: int, description: str, nullable: bool = False) -> dict:
    json_type, fmt = PRIMITIVES[n % len(PRIMITIVES)]
    node: dict = {
        "description": description,
        "type": [json_type, "null"] if nullable else json_type,
    }
    if fmt is not None:
        node["format"] = fmt
    return node


def bare_primitive(n: int) -> dict:
    node = primitive(n, "x")
    del node["description"]
    return node


def earlier(i: int, kinds: set[str]) -> int | None:
    """The nearest earlier type of one of `kinds`, or None."""
    for j in range(i - 1, -1, -1):
        if kind_of(j) in kinds:
            return j
    return None


def later(i: int, n: int, kinds: set[str], limit: int | None = None) -> int | None:
    """The nearest later type of one of `kinds` below `limit` (default: the end of the schema), or None."""
    for j in range(i + 1, n if limit is None else min(n, limit)):
        if kind_of(j) in kinds:
            return j
    return None


def record(i: int, n: int, linked: bool = False) -> dict:
    props: dict = {}
    base = i * 3  # rotates the formats so every record uses a different slice of PRIMITIVES
    props["id"] = {
        "description": f"The identifier of this Record{i:04d}, unique among its kind.",
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^[a-z0-9-]+$",
    }
    props["primary"] = primitive(
        base, "A required primitive value; its format rotates from record to record."
    )
    props["secondary"] = primitive(base + 1, "An optional primitive value; absent means unknown.")
    props["maybe"] = primitive(
        base + 2, "A nullable primitive value, which may be sent as null.", nullable=True
    )
    props["tags"] = {
        "description": "Free-form tags, in the order they were added.",
        "type": "array",
        "items": bare_primitive(base + 4),
        "maxItems": 32,
    }
    props["attributes"] = {
        "description": "Named attributes of the record.",
        "type": "object",
        "additionalProperties": bare_primitive(base + 5),
    }
    back = earlier(i, {"record", "enum", "union", "map", "list", "string_alias", "int_alias"})
    if back is not None:
        props["parent"] = {
            "description": f"The {type_name(back)} this record belongs to.",
            **ref(back),
        }
    else:
        props["parent"] = {
            "description": "How many times the record was revised; 0 when it never was.",
            "type": "integer",
            "format": "uint32",
            "default": 0,
        }
    # The forward reference stays inside the block of 20 unless `linked`, so a mixed schema measures size,
    # not depth; linked makes every record point at the next one, one long nullable chain.
    forward = later(i, n, {"record"}, None if linked else (i // BLOCK + 1) * BLOCK)
    if forward is not None:
        props["next"] = {
            "description": f"The {type_name(forward)} that follows this one, or null at the end.",
            "anyOf": [ref(forward), {"type": "null"}],
        }
    else:
        props["next"] = {
            "description": "Whether the record is the last of its series.",
            "type": "boolean",
            "default": True,
        }
    required = ["id", "primary", "tags", "attributes", "parent"]
    return {
        "description": f"Synthetic record {i} with eight fields of mixed shapes.",
        "type": "object",
        "properties": props,
        "required": required,
    }


def enum(i: int) -> dict:
    return {
        "description": f"Synthetic enum {i} of five kebab-case values.",
        "type": "string",
        "enum": [f"{word}-{i}" for word in ("alpha", "beta-gamma", "delta", "epsilon-zeta", "eta")],
    }


def map_alias(i: int) -> dict:
    target = earlier(i, {"record"})
    values = ref(target) if target is not None else bare_primitive(i)
    return {
        "description": f"Synthetic map {i}: string keys to values.",
        "type": "object",
        "additionalProperties": values,
    }


def list_alias(i: int) -> dict:
    target = earlier(i, {"record", "enum"})
    items = ref(target) if target is not None else bare_primitive(i)
    return {
        "description": f"Synthetic bounded list {i}.",
        "type": "array",
        "items": items,
        "minItems": 0,
        "maxItems": 100,
    }


def variant(i: int) -> dict:
    target = earlier(i, {"record"})
    payload = (
        {"description": "The variant's payload.", **ref(target)}
        if target is not None
        else primitive(i, "The variant's payload.")
    )
    return {
        "description": f"Variant {i} of a synthetic tagged union.",
        "type": "object",
        "properties": {
            "kind": {"description": "The variant tag.", "const": f"variant-{i}"},
            "payload": payload,
            "weight": primitive(i * 5, "A per-variant primitive."),
        },
        "required": ["kind", "payload"],
    }


def union(i: int) -> dict:
    variants = [j for j in (i - 2, i - 1) if j >= 0 and kind_of(j) == "variant"]
    return {
        "description": f"Synthetic tagged union {i}, discriminated by `kind`.",
        "oneOf": [ref(j) for j in variants],
        "discriminator": {"propertyName": "kind"},
    }


def string_alias(i: int) -> dict:
    return {
        "description": f"Synthetic constrained string {i}.",
        "type": "string",
        "minLength": 2,
        "maxLength": 40,
        "pattern": "^[A-Z][A-Z0-9_]*$",
    }


def int_alias(i: int) -> dict:
    return {
        "description": f"Synthetic bounded integer {i}.",
        "type": "integer",
        "format": "int32",
        "minimum": -1000,
        "maximum": 1000,
    }


def mixed_types(n: int, linked: bool = False) -> dict:
    makers = {
        "record": lambda i: record(i, n, linked),
        "enum": enum,
        "map": map_alias,
        "list": list_alias,
        "variant": variant,
        "union": union,
        "string_alias": string_alias,
        "int_alias": int_alias,
    }
    return {type_name(i): makers[kind_of(i)](i) for i in range(n)}


def chain_types(n: int) -> dict:
    types = {}
    for i in range(n):
        props: dict = {
            "depth": {
                "description": "How far this link is from the head of the chain.",
                "type": "integer",
                "format": "uint32",
            },
            "label": {"description": "A label for the link.", "type": "string"},
            "note": {"description": "An optional note.", "type": "string"},
        }
        required = ["depth", "label"]
        if i + 1 < n:
            props["next"] = {
                "description": f"The next link, Link{i + 1}.",
                "$ref": f"#/types/Link{i + 1}",
            }
            required.append("next")
        types[f"Link{i}"] = {
            "description": f"Link {i} of a chain of {n} required references.",
            "type": "object",
            "properties": props,
            "required": required,
        }
    return types


def schema(n: int, chain: bool, constants: bool = True, linked: bool = False) -> dict:
    kind = "chain" if chain else ("linked" if linked else "mixed")
    data = {
        "v6r": 1,
        "name": f"bench-{kind}-{n}",
        "title": f"Benchmark schema ({kind}, {n} types)",
        "version": "1.0.0",
        "description": f"A synthetic {kind} schema of {n} named types, written by bench/synth_schema.py.",
        "packages": {"python": f"bench_{kind}_{n}"},
        "types": chain_types(n) if chain else mixed_types(n, linked),
    }
    if constants:
        # Not one of the N types. Without any constant (or errors section) the generator currently writes
        # `from .constants import ()` into __init__.py, which black rejects; see bench/README.md.
        data["constants"] = {
            "type_count": {
                "description": "How many named types the schema has.",
                "type": "integer",
                "format": "uint32",
                "value": n,
            }
        }
    return data


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, help="number of named types (>= 1)")
    p.add_argument(
        "--chain", action="store_true", help="a chain of N records, each requiring the next"
    )
    p.add_argument(
        "--linked",
        action="store_true",
        help="mixed schema whose records each have an optional `next` to the next record: one nullable "
        "forward chain through all records (with the backward `parent` references, a cyclic graph)",
    )
    p.add_argument(
        "--no-constants",
        action="store_true",
        help="omit the one `type_count` constant (reproduces the empty `from .constants import ()` bug)",
    )
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("N must be at least 1")
    if args.chain and args.linked:
        p.error("--chain and --linked are different schemas; pick one")
    data = schema(args.n, args.chain, constants=not args.no_constants, linked=args.linked)
    try:
        import yaml
    except ImportError:  # JSON is YAML too; only the look differs
        sys.stdout.write(json.dumps(data, indent=1) + "\n")
    else:
        # Block style, like a hand-written schema, so the loader is timed on realistic input.
        sys.stdout.write(yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=120))
    return 0


if __name__ == "__main__":
    sys.exit(main())
