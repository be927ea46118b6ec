"""The OpenAPI and AsyncAPI documents: valid by their specifications, and true to the running server.

The OpenAPI document is checked by openapi-spec-validator; then every operation is called on the generated
Python server on a real port, once to succeed and once to fail, and each answer must have a status the document
lists for that operation and a body its schema accepts. The AsyncAPI document is checked by the official
AsyncAPI parser in tests/typescript/asyncapi.test.mjs; here the seed's WebSocket examples and the messages a
real server sends must each match the payload schema of the message the document names for their type.
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.protocols import Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012
from v6r_memory.models import ConfigureRequest, VmSize
from v6r_memory.server import ServerSettings

from tests.python.server_fixtures import running_app
from tests.python.test_server_ws import SEED_SUBSCRIBE  # the seed's two WebSocket examples
from tests.python.test_wire import SEED_UPDATE

ROOT = Path(__file__).resolve().parents[2]
OPENAPI: dict[str, Any] = json.loads(
    (ROOT / "generated" / "openapi" / "v6r-memory.openapi.json").read_text()
)
ASYNCAPI: dict[str, Any] = json.loads(
    (ROOT / "generated" / "asyncapi" / "v6r-memory.asyncapi.json").read_text()
)
DOC_URI = "urn:document"


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 30))


# -- OpenAPI ---------------------------------------------------------------------------------------------


def test_openapi_document_is_valid() -> None:
    validate_openapi(OPENAPI)
    assert OPENAPI["openapi"] == "3.1.0"
    operations = {op["operationId"] for path in OPENAPI["paths"].values() for op in path.values()}
    assert len(operations) == 8 and "create_allocation" in operations


@pytest.mark.parametrize(
    "breakage",
    [
        "a parameter in no place",
        "a path parameter not declared",
        "a response without a description",
    ],
)
def test_openapi_validator_rejects_a_broken_document(breakage: str) -> None:
    """The validator really checks: each breakage of a copy of the document is refused."""
    broken = copy.deepcopy(OPENAPI)
    post = broken["paths"]["/memory/allocations"]["post"]
    if breakage == "a parameter in no place":
        broken["paths"]["/sessions/{session_id}/stats"]["get"]["parameters"][0]["in"] = "body"
    elif breakage == "a path parameter not declared":
        broken["paths"]["/sessions/{session_id}/stats"]["get"].pop("parameters")
    else:
        del post["responses"]["201"]["description"]
    with pytest.raises(Exception):  # noqa: B017 - the validator's error classes differ per breakage
        validate_openapi(broken)


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """A JSON Schema validator for `schema`, a part of `document` whose `#/components/...` references resolve
    in the document: draft 2020-12 for OpenAPI 3.1, draft 7 for AsyncAPI's schema format (a superset of it).
    """
    openapi = "openapi" in document
    resource = Resource.from_contents(
        document, default_specification=DRAFT202012 if openapi else DRAFT7
    )
    registry: Registry[Any] = Registry().with_resource(DOC_URI, resource)
    rebased = json.loads(json.dumps(schema).replace('"#/components/', f'"{DOC_URI}#/components/'))
    return (Draft202012Validator if openapi else Draft7Validator)(rebased, registry=registry)


def _check_answer(operation: dict[str, Any], status: int, body: Any) -> str:
    """Fails unless the status is listed for the operation (or falls to its default) and the body fits."""
    responses = operation["responses"]
    documented = responses.get(str(status)) or responses.get("default")
    assert documented is not None, f"{operation['operationId']}: status {status} is not documented"
    schema = documented["content"]["application/json"]["schema"]
    errors = [e.message for e in _validator(OPENAPI, schema).iter_errors(body)]
    assert errors == [], f"{operation['operationId']} {status}: {errors} in {body}"
    if "value" in body:
        return "value"
    # an error's code is named by the response of its status, or, answered as `default`, by no response
    code = f"`{body['error']['code']}`"
    named = [s for s, r in responses.items() if s != "default" and code in r["description"]]
    assert named == ([str(status)] if str(status) in responses else []), (
        operation["operationId"],
        status,
        code,
        named,
    )
    return str(body["error"]["code"])


def test_openapi_matches_the_python_server() -> None:
    """Every operation, called to succeed and called to fail, answers as the document says."""
    base = OPENAPI["servers"][0]["url"]
    by_id = {
        op["operationId"]: (path, method, op)
        for path, item in OPENAPI["paths"].items()
        for method, op in item.items()
    }
    seen: dict[str, set[str]] = {name: set() for name in by_id}

    async def call(
        http: aiohttp.ClientSession, url: str, name: str, params: dict[str, str], body: Any = None
    ) -> Any:
        path, method, operation = by_id[name]
        for key, value in params.items():
            path = path.replace("{" + key + "}", value)
        kwargs: dict[str, Any] = {} if body is None else {"json": body}
        async with http.request(method.upper(), url + base + path, **kwargs) as response:
            answer = await response.json()
            seen[name].add(_check_answer(operation, response.status, answer))
            return answer

    async def go() -> None:
        async with (
            running_app(settings=ServerSettings(update_interval=3600)) as server,
            aiohttp.ClientSession() as http,
        ):
            url = server.url
            configure = {"user_id": "u", "vm_size": "small"}
            await call(http, url, "configure_session", {"session_id": "docs-1"}, configure)
            await call(http, url, "configure_session", {"session_id": "docs-1"}, {"user_id": "u"})
            allocate = {"session_id": "docs-1", "size": {"bytes": 4096}, "purpose": "vm-heap"}
            allocation = await call(http, url, "create_allocation", {}, allocate)
            await call(http, url, "create_allocation", {}, {**allocate, "session_id": "nobody"})
            for name in ("get_snapshot", "get_stats", "list_allocations"):
                await call(http, url, name, {"session_id": "docs-1"})
                await call(http, url, name, {"session_id": "nobody"})
            await call(http, url, "free_allocation", {"id": allocation["value"]["id"]})
            await call(http, url, "free_allocation", {"id": allocation["value"]["id"]})
            await call(http, url, "get_health", {})
            await call(http, url, "get_status", {})

    run(go())
    assert all("value" in outcomes for outcomes in seen.values()), seen
    failing = {name for name, outcomes in seen.items() if outcomes - {"value"}}
    assert failing == set(by_id) - {"get_health", "get_status"}, seen


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _references(value)]
    if isinstance(node, list):
        return [r for value in node for r in _references(value)]
    return []


@pytest.mark.parametrize("name", ["openapi", "asyncapi"])
def test_every_reference_resolves(name: str) -> None:
    """Neither validator follows references inside schemas, so each one is looked up here."""
    document = OPENAPI if name == "openapi" else ASYNCAPI
    references = _references(document)
    assert len(references) > 50
    for reference in references:
        assert reference.startswith("#/"), reference
        node: Any = document
        for part in reference[2:].split("/"):
            assert isinstance(node, dict) and part in node, f"{name}: {reference} does not resolve"
            node = node[part]


# -- AsyncAPI --------------------------------------------------------------------------------------------


def _payload_validator(message: str) -> Validator:
    """The validator of the payload schema of a message the AsyncAPI document names."""
    return _validator(ASYNCAPI, ASYNCAPI["components"]["messages"][message]["payload"])


def _message_of(data: dict[str, Any], action: str) -> str:
    """The message the document's operation lists for this `type` (each payload's type is a const)."""
    operation = next(op for op in ASYNCAPI["operations"].values() if op["action"] == action)
    for ref in operation["messages"]:
        name = ref["$ref"].rsplit("/", 1)[1]
        schema = ASYNCAPI["components"]["schemas"][name]
        if schema["properties"]["type"].get("const") == data["type"]:
            return str(name)
    raise AssertionError(f"the document has no {action} message of type {data['type']!r}")


def test_asyncapi_names_every_message_of_both_unions() -> None:
    channel = ASYNCAPI["channels"]["memory"]
    assert channel["address"] == "/api/v1/ws/memory"
    received = {
        m["$ref"].rsplit("/", 1)[1]
        for m in ASYNCAPI["operations"]["receiveClientMessage"]["messages"]
    }
    sent = {
        m["$ref"].rsplit("/", 1)[1] for m in ASYNCAPI["operations"]["sendServerMessage"]["messages"]
    }
    assert received == {"MemorySubscribe", "MemoryUnsubscribe", "Ping"}
    assert sent == {
        "MemoryUpdate",
        "MemorySubscribed",
        "MemoryUnsubscribed",
        "Pong",
        "MemoryPressureAlert",
        "ErrorMessage",
    }
    assert set(channel["messages"]) == received | sent


def test_asyncapi_payloads_accept_the_seed_examples_and_refuse_broken_ones() -> None:
    for text, action in ((SEED_SUBSCRIBE, "receive"), (SEED_UPDATE, "send")):
        data = json.loads(text)
        validator = _payload_validator(_message_of(data, action))
        assert [e.message for e in validator.iter_errors(data)] == []
        broken = {**data, "timestamp": -1}
        assert list(validator.iter_errors(broken)), "a negative u64 timestamp was accepted"
        del broken["session_id"]
        assert len(list(validator.iter_errors(broken))) == 2


def test_asyncapi_matches_the_python_server() -> None:
    """Every message a real server sends on a subscription, a ping and a bad request fits its payload schema."""

    async def go() -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = []
        settings = ServerSettings(update_interval=0.05)
        async with running_app(settings=settings) as server, aiohttp.ClientSession() as http:
            server.pool.configure("docs-ws", ConfigureRequest(user_id="u", vm_size=VmSize.SMALL))
            async with http.ws_connect(
                server.api + ASYNCAPI["channels"]["memory"]["address"][len("/api/v1") :]
            ) as ws:
                for message in (
                    {"type": "memory_subscribe", "session_id": "docs-ws", "timestamp": 1},
                    {"type": "ping", "timestamp": 2},
                    {"type": "memory_subscribe", "session_id": "nobody", "timestamp": 3},
                    {"type": "memory_unsubscribe", "session_id": "docs-ws", "timestamp": 4},
                ):
                    _payload_validator(_message_of(message, "receive")).validate(message)
                    await ws.send_str(json.dumps(message))
                while {m["type"] for m in received} < {
                    "memory_subscribed",
                    "memory_update",
                    "pong",
                    "error",
                    "memory_unsubscribed",
                }:
                    received.append(json.loads((await ws.receive(timeout=10)).data))
        return received

    received = run(go())
    for data in received:
        errors = [
            e.message for e in _payload_validator(_message_of(data, "send")).iter_errors(data)
        ]
        assert errors == [], f"{data['type']}: {errors}"
