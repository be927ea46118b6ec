"""Where the bundled schema, meta-schema and templates live: beside the package in a checkout, inside it
in an installed wheel (pyproject.toml's force-include puts them under generator/_data)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_root() -> Path:
    installed = _PACKAGE / "_data"
    return installed if installed.is_dir() else _PACKAGE.parent


def schema_dir() -> Path:
    return _data_root() / "schema"


def templates_dir() -> Path:
    return _data_root() / "templates"


def default_schema() -> Path:
    return schema_dir() / "v6r-memory.yaml"


def meta_schema() -> Path:
    return schema_dir() / "meta.schema.json"
