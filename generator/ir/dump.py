"""The IR as JSON: what `v6r-codegen ir` prints, and a golden of its own.

Every node becomes an object with a `node` field naming its class, so the dump is explicit about kinds and
a reader never has to guess from shape. Locations are kept (`file:line:col`) because they are part of what
the IR promises later stages.
"""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any

from generator.errors import Location
from generator.ir.model import Schema


def to_data(value: Any) -> Any:
    if isinstance(value, Location):
        return f"{value.line}:{value.col}"
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"node": type(value).__name__.rstrip("_")}
        for f in dataclasses.fields(value):
            if f.name.startswith("_"):
                continue
            out[f.name] = to_data(getattr(value, f.name))
        return out
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    return value


def dump(schema: Schema) -> str:
    return json.dumps(to_data(schema), indent=2, ensure_ascii=True) + "\n"
