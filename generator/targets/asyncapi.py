"""The AsyncAPI target: the schema's WebSocket protocol as one AsyncAPI 3.0 document (JSON).

One channel at the socket's address carries every message of the client union and of the server union; the
document describes the server application, so it has two operations: it receives the client's messages and
sends its own. Each message is named by its type and its payload is the type's schema; component schemas are
the IR's JSON Schema export with AsyncAPI's discriminator (the property name). A schema without a `websocket`
section gets no document.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from generator.ir.jsonschema import Exporter
from generator.ir.model import Schema, Union
from generator.targets.context import RenderContext
from generator.targets.documents import json_document

ROOT = PurePosixPath("asyncapi")


def render(schema: Schema, ctx: RenderContext) -> dict[PurePosixPath, str]:
    if schema.websocket is None:
        return {}
    return json_document(ROOT / f"{schema.name}.asyncapi.json", ctx.header_line, build(schema))


def build(schema: Schema) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of `schema` (which has a `websocket` section)."""
    ws = schema.websocket
    assert ws is not None
    exporter = Exporter(schema, ref_base="#/components/schemas/", discriminator_object=False)
    base = schema.http.base_path if schema.http is not None else ""
    # the channel is named by the socket path's last segment (`/ws/memory` is `memory`), in AsyncAPI's id set
    channel_id = re.sub(r"[^\w.-]", "_", ws.path.rstrip("/").rsplit("/", 1)[-1]) or "socket"
    client, server = schema.decl(ws.client), schema.decl(ws.server)
    assert isinstance(client, Union) and isinstance(server, Union)
    records = [v.record for v in client.variants] + [
        v.record for v in server.variants if v.record not in {c.record for c in client.variants}
    ]
    channel_messages = {name: {"$ref": f"#/components/messages/{name}"} for name in records}

    def operation(action: str, union: Union, description: str) -> dict[str, Any]:
        return {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "description": description,
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{v.record}"} for v in union.variants
            ],
        }

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": schema.title,
            "version": schema.version,
            "description": schema.description,
        },
        "defaultContentType": "application/json",
        "channels": {
            channel_id: {
                "address": base + ws.path,
                **({"description": ws.description} if ws.description else {}),
                "messages": channel_messages,
            }
        },
        "operations": {
            "receiveClientMessage": operation(
                "receive", client, f"The server receives the client's messages ({client.name})."
            ),
            "sendServerMessage": operation(
                "send", server, f"The server sends its messages ({server.name})."
            ),
        },
        "components": {
            "schemas": exporter.definitions(),
            "messages": {
                name: {
                    "name": name,
                    "title": name,
                    "summary": schema.decl(name).description,
                    "payload": exporter.ref(name),
                }
                for name in records
            },
        },
    }
