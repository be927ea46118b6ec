// The generated AsyncAPI document through the official AsyncAPI parser (@asyncapi/parser): it must parse and
// validate with no error and no warning, and the parser must really check (a broken copy is refused). Plain
// JavaScript run by node directly: the parser is a Node library, nothing here is bundled.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Parser } from "@asyncapi/parser";

const ROOT = process.env["V6R_ROOT"] ?? new URL("../../", import.meta.url).pathname;
const TEXT = readFileSync(join(ROOT, "generated/asyncapi/v6r-memory.asyncapi.json"), "utf8");
const ERROR = 0;
const WARNING = 1;

test("the AsyncAPI document parses and validates with no error or warning", async () => {
  const { document, diagnostics } = await new Parser().parse(TEXT);
  const serious = diagnostics.filter((d) => d.severity === ERROR || d.severity === WARNING);
  assert.deepEqual(serious.map((d) => `${d.code}: ${d.message} at ${d.path.join(".")}`), []);
  assert.ok(document !== undefined);
  assert.equal(document.version(), "3.0.0");
  const channel = document.channels().get("memory");
  assert.equal(channel.address(), "/api/v1/ws/memory");
  assert.equal(channel.messages().length, 9);
  const actions = document.operations().all().map((o) => `${o.action()} ${o.messages().length}`).sort();
  assert.deepEqual(actions, ["receive 3", "send 6"]);
});

for (const [name, breakage] of [
  ["an operation with an unknown action", (d) => (d.operations.sendServerMessage.action = "shout")],
  ["a channel message that references nothing", (d) => (d.channels.memory.messages.Ping = { $ref: "#/components/messages/Nope" })],
  ["a payload schema of a type that does not exist", (d) => (d.components.schemas.Ping.properties.timestamp.type = "bigint")],
]) {
  test(`the parser refuses ${name}`, async () => {
    const broken = JSON.parse(TEXT);
    breakage(broken);
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(broken));
    assert.equal(document, undefined);
    assert.ok(diagnostics.some((d) => d.severity === ERROR));
  });
}
