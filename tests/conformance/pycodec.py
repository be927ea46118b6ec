"""Decode and re-encode JSON text with the generated Python binding, by schema type name."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "generated" / "python") not in sys.path:
    sys.path.insert(0, str(ROOT / "generated" / "python"))

import pydantic  # noqa: E402
from v6r_memory import models  # noqa: E402
from v6r_memory._wire import WireModel  # noqa: E402


@cache
def _adapter(type_name: str) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(getattr(models, type_name))


def roundtrip(type_name: str, text: str) -> str:
    """Decode `text` as `type_name` and encode it again; raises on invalid input."""
    target = getattr(models, type_name)
    if isinstance(target, type) and issubclass(target, WireModel):
        return target.from_wire(text).to_wire()
    adapter = _adapter(type_name)
    return adapter.dump_json(adapter.validate_json(text), by_alias=True).decode()
