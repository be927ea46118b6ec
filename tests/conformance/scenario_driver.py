"""Run the scenario suite (tests/conformance/scenarios/*.yaml) against any server's base URL.

Run: .venv/bin/python tests/conformance/scenario_driver.py http://127.0.0.1:8080

A scenario file is {"name", "steps": [...]}. A step is one of
  REST:      {method, path, body?: <json> | raw?: <text>, expect: {status, body?: <subset>, json?: <exact>}}
             (path is relative to /api/v1 unless it starts with "//", which means from the server's root)
  WebSocket: {ws_send: <json, or a string sent as raw text>}   (the scenario's one connection opens lazily)
             {ws_expect: {type, ...subset}}                      (the next message whose type is `type`)
Matching: `body` and `ws_expect` are subsets (every expected key must be present and match; lists must
match element by element and have the same length); `json` is exact. In expected values:
  "<any-int>", "<any-number>", "<any-string>", "<any>" match any value of that kind (present);
  "<at:size.bytes>" matches a text that starts "size.bytes: " (a problem named by its place);
  "$name" captures the value the first time and must equal it afterwards.
"$name" inside a path, body or ws_send is replaced by the captured value.
While waiting for `ws_expect`, memory_update messages that do not match it are skipped (the periodic timer
and earlier changes send them at times a scenario cannot fix); any other message must match.

Sessions live as long as the server: each scenario uses session ids of its own.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
API = "/api/v1"
WS_TIMEOUT = 5.0
SKIPPABLE = {"memory_update"}


class Mismatch(AssertionError):
    pass


def load_scenarios() -> list[dict[str, Any]]:
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.setdefault("name", path.stem)
        out.append(data)
    return out


@dataclass
class Context:
    variables: dict[str, Any] = field(default_factory=dict)

    def substitute(self, value: Any) -> Any:
        if isinstance(value, str):
            if value.startswith("$") and value[1:] in self.variables:
                return self.variables[value[1:]]
            for name, bound in sorted(self.variables.items(), key=lambda kv: -len(kv[0])):
                value = value.replace(f"${name}", str(bound))
            return value
        if isinstance(value, dict):
            return {k: self.substitute(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.substitute(v) for v in value]
        return value

    def match(self, expected: Any, actual: Any, where: str, exact: bool) -> None:
        """Raise Mismatch naming the first difference."""
        if isinstance(expected, str) and expected.startswith("<any") and expected.endswith(">"):
            kind = expected[5:-1]
            ok = {
                "int": isinstance(actual, int) and not isinstance(actual, bool),
                "number": isinstance(actual, (int, float)) and not isinstance(actual, bool),
                "string": isinstance(actual, str),
                "": True,
            }.get(kind)
            if ok is None:
                raise ValueError(f"unknown placeholder {expected}")
            if not ok:
                raise Mismatch(f"{where}: expected {expected}, got {actual!r}")
            return
        if isinstance(expected, str) and expected.startswith("<at:") and expected.endswith(">"):
            # a problem's text that names its place first, as every server and binding writes it
            place = expected[4:-1]
            if not (isinstance(actual, str) and actual.startswith(f"{place}: ")):
                raise Mismatch(
                    f"{where}: expected a text starting {place + ': '!r}, got {actual!r}"
                )
            return
        if isinstance(expected, str) and expected.startswith("$") and len(expected) > 1:
            name = expected[1:]
            if name not in self.variables:
                self.variables[name] = actual
                return
            expected = self.variables[name]
        if isinstance(expected, dict):
            if not isinstance(actual, dict):
                raise Mismatch(f"{where}: expected an object, got {actual!r}")
            missing = [k for k in expected if k not in actual]
            if missing:
                raise Mismatch(f"{where}: missing keys {missing} in {actual!r}")
            if exact and set(actual) != set(expected):
                extra = sorted(set(actual) - set(expected))
                raise Mismatch(f"{where}: unexpected keys {extra} in {actual!r}")
            for key, value in expected.items():
                self.match(value, actual[key], f"{where}.{key}", exact)
            return
        if isinstance(expected, list):
            if not isinstance(actual, list) or len(actual) != len(expected):
                raise Mismatch(f"{where}: expected {expected!r}, got {actual!r}")
            for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
                self.match(e, a, f"{where}[{i}]", exact)
            return
        if type(expected) is not type(actual) and not (
            isinstance(expected, (int, float))
            and isinstance(actual, (int, float))
            and not isinstance(expected, bool)
            and not isinstance(actual, bool)
        ):
            raise Mismatch(f"{where}: expected {expected!r}, got {actual!r}")
        if expected != actual:
            raise Mismatch(f"{where}: expected {expected!r}, got {actual!r}")


async def _rest(http: aiohttp.ClientSession, base: str, ctx: Context, step: dict[str, Any]) -> None:
    path = ctx.substitute(step["path"])
    url = base + (path[1:] if path.startswith("//") else API + path)
    data: bytes | None = None
    if "raw" in step:
        data = str(step["raw"]).encode("utf-8")
    elif "body" in step:
        data = json.dumps(ctx.substitute(step["body"])).encode("utf-8")
    headers = {"Content-Type": "application/json"} if data is not None else {}
    async with http.request(step["method"], url, data=data, headers=headers) as response:
        status = response.status
        text = await response.text()
    expect = step["expect"]
    if status != expect["status"]:
        raise Mismatch(f"status: expected {expect['status']}, got {status}: {text[:500]}")
    if "body" in expect or "json" in expect:
        try:
            payload = json.loads(text)
        except ValueError as exc:
            raise Mismatch(f"body is not JSON ({exc}): {text[:500]!r}") from None
        if "json" in expect:
            ctx.match(expect["json"], payload, "body", exact=True)
        else:
            ctx.match(expect["body"], payload, "body", exact=False)


async def run_scenario(base: str, scenario: dict[str, Any]) -> None:
    """Run one scenario against `base`; raises Mismatch naming the step on the first difference."""
    ctx = Context()
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        ws: aiohttp.ClientWebSocketResponse | None = None
        try:
            for index, step in enumerate(scenario["steps"]):
                try:
                    if "method" in step:
                        await _rest(http, base, ctx, step)
                    elif "ws_send" in step:
                        if ws is None:
                            ws = await http.ws_connect(base + API + "/ws/memory")
                        message = ctx.substitute(step["ws_send"])
                        await ws.send_str(
                            message if isinstance(message, str) else json.dumps(message)
                        )
                    elif "ws_expect" in step:
                        if ws is None:
                            raise ValueError("ws_expect before any ws_send")
                        await _ws_expect(ws, ctx, step["ws_expect"])
                    else:
                        raise ValueError(f"unknown step {step!r}")
                except Mismatch as exc:
                    raise Mismatch(
                        f"scenario {scenario['name']} step {index} {_describe(step)}: {exc}"
                    ) from None
        finally:
            if ws is not None:
                await ws.close()


async def _ws_expect(
    ws: aiohttp.ClientWebSocketResponse, ctx: Context, expected: dict[str, Any]
) -> None:
    while True:
        try:
            frame = await ws.receive(WS_TIMEOUT)
        except TimeoutError:
            raise Mismatch(f"no message within {WS_TIMEOUT}s, expected {expected!r}") from None
        if frame.type is not aiohttp.WSMsgType.TEXT:
            raise Mismatch(
                f"expected a text message {expected!r}, got {frame.type!r} {frame.data!r}"
            )
        message = json.loads(frame.data)
        if message.get("type") in SKIPPABLE:
            trial = Context(dict(ctx.variables))
            try:
                trial.match(expected, message, "message", exact=False)
            except Mismatch:
                continue  # a periodic update, or one that came before the expected change
            ctx.variables = trial.variables
            return
        ctx.match(expected, message, "message", exact=False)
        return


def _describe(step: dict[str, Any]) -> str:
    if "method" in step:
        return f"({step['method']} {step['path']})"
    if "ws_send" in step:
        return f"(ws_send {json.dumps(step['ws_send'])[:80]})"
    return f"(ws_expect {json.dumps(step.get('ws_expect'))[:80]})"


async def run_all(base: str) -> list[str]:
    problems = []
    for scenario in load_scenarios():
        try:
            await run_scenario(base, scenario)
        except Mismatch as exc:
            problems.append(str(exc))
    return problems


if __name__ == "__main__":
    found = asyncio.run(run_all(sys.argv[1].rstrip("/")))
    print("\n".join(found) or "all scenarios pass")
    sys.exit(1 if found else 0)
