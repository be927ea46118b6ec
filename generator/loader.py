"""Stage 1, load: YAML into plain data plus a table of where every node stands.

The data is ordinary dicts, lists and scalars (what jsonschema and the IR builder want); beside it a
`Locations` table maps each node's path (a tuple of keys and indexes) to its line and column, and each
mapping key's path to the key's own position, so any later stage can point at the exact spot.
Duplicate keys are errors here: YAML would silently keep the last one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Collector, Diagnostic, Location, SchemaError

PathKey = tuple[str | int, ...]

# libyaml's parser (when PyYAML was built with it) is several times faster on large schemas and gives the
# same nodes with the same line and column marks; scalars are resolved by the pure-Python constructor.
_COMPOSER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)


@dataclass
class Locations:
    file: str
    nodes: dict[PathKey, Location] = field(default_factory=dict)
    keys: dict[PathKey, Location] = field(default_factory=dict)

    def of(self, path: Sequence[str | int]) -> Location:
        """The position of the node at `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.nodes:
                return self.nodes[p]
            p = p[:-1]
        return self.nodes.get((), Location(self.file, 1, 1))

    def of_key(self, path: Sequence[str | int]) -> Location:
        """The position of the mapping key that names the node at `path` (for "unknown key" errors)."""
        return self.keys.get(tuple(path)) or self.of(path)


@dataclass
class Loaded:
    data: Any
    locations: Locations


def _loc(file: str, node: yaml.Node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


class _Walker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.locations = Locations(file)
        self.problems = Collector()
        self.constructor = yaml.SafeLoader("")

    def walk(self, node: yaml.Node, path: PathKey) -> Any:
        self.locations.nodes[path] = _loc(self.file, node)
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    self.problems.error(
                        _loc(self.file, key_node), f"keys must be strings, not {key!r}"
                    )
                    key = str(key)
                if key in out:
                    self.problems.error(_loc(self.file, key_node), f"duplicate key {key!r}")
                    continue
                self.locations.keys[(*path, key)] = _loc(self.file, key_node)
                out[key] = self.walk(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.constructor.construct_object(node, deep=True)


def load_text(text: str, file: str) -> Loaded:
    """Parse `text`; raise SchemaError with positions for YAML syntax errors and duplicate keys."""
    try:
        root = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SchemaError(
            [Diagnostic(Location(file, line, col), f"invalid YAML: {exc.problem or exc}")]
        ) from None
    if root is None:
        raise SchemaError([Diagnostic(Location(file, 1, 1), "the schema is empty")])
    walker = _Walker(file)
    data = walker.walk(root, ())
    walker.problems.raise_if_any()
    return Loaded(data, walker.locations)


def load_file(path: Path, display: str | None = None) -> Loaded:
    """Load a schema file; `display` is the name used in messages (defaults to the path as given)."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(
            [Diagnostic(Location(name, 1, 1), f"cannot read schema: {exc}")]
        ) from None
    return load_text(text, name)
