"""The OpenAPI target: the schema's REST API as one OpenAPI 3.1 document (JSON).

Every endpoint becomes an operation named by its schema name, with its path parameters, its request body and
its responses as the servers send them: the success status with the `{"value": ...}` envelope, one response per
status among the endpoint's declared error codes with the `{"error": ...}` envelope (the description names the
codes and their messages), and a `default` error envelope for any other status (a route that does not exist,
a method not allowed, an internal error). Component schemas are the IR's JSON Schema export, so the types are
the ones every binding reads and writes. A schema without an `http` section gets no document.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from generator.ir.jsonschema import Exporter
from generator.ir.model import Endpoint, Schema
from generator.targets.context import RenderContext
from generator.targets.documents import json_document

ROOT = PurePosixPath("openapi")
SCHEMAS = "#/components/schemas/"
JSON_MEDIA = "application/json"


def render(schema: Schema, ctx: RenderContext) -> dict[PurePosixPath, str]:
    if schema.http is None:
        return {}
    return json_document(ROOT / f"{schema.name}.openapi.json", ctx.header_line, build(schema))


def build(schema: Schema) -> dict[str, Any]:
    """The OpenAPI 3.1 document of `schema` (which has an `http` section)."""
    assert schema.http is not None
    exporter = Exporter(schema, ref_base=SCHEMAS)
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in schema.http.endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.value.lower()] = _operation(
            schema, exporter, endpoint
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": schema.title,
            "version": schema.version,
            "description": schema.description,
        },
        "servers": [
            {"url": schema.http.base_path or "/", "description": "relative to the service's origin"}
        ],
        "paths": paths,
        "components": {"schemas": exporter.definitions()},
    }


def _operation(schema: Schema, exporter: Exporter, endpoint: Endpoint) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "description": endpoint.description,
    }
    if endpoint.params:
        operation["parameters"] = [
            {
                "name": p.name,
                "in": "path",
                "required": True,
                "description": p.description,
                "schema": exporter.node(p.type),
            }
            for p in endpoint.params
        ]
    if endpoint.request is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {JSON_MEDIA: {"schema": exporter.node(endpoint.request)}},
        }
    responses: dict[str, Any] = {
        str(endpoint.status): {
            "description": "The result's value.",
            "content": {
                JSON_MEDIA: {"schema": _envelope("value", exporter.node(endpoint.response))}
            },
        }
    }
    if schema.errors is not None:
        error = exporter.ref(schema.errors.type)
        by_status: dict[int, list[str]] = {}
        codes = {c.code: c for c in schema.errors.codes}
        for name in endpoint.errors:
            by_status.setdefault(codes[name].status, []).append(name)
        for status in sorted(by_status):
            listed = "; ".join(f"`{c}`: {codes[c].message}" for c in by_status[status])
            responses[str(status)] = {
                "description": f"An error result: {listed}",
                "content": {JSON_MEDIA: {"schema": _envelope("error", error)}},
            }
        responses["default"] = {
            "description": "An error result with any other code (no such route, method not allowed, an"
            " internal error).",
            "content": {JSON_MEDIA: {"schema": _envelope("error", error)}},
        }
    operation["responses"] = responses
    return operation


def _envelope(key: str, inner: dict[str, Any]) -> dict[str, Any]:
    """The result envelope every response body is: `{"value": ...}` or `{"error": ...}`."""
    return {
        "type": "object",
        "properties": {key: inner},
        "required": [key],
        "additionalProperties": False,
    }
