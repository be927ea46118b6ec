// The REST client and the WebSocket client against the real generated Python server, started here.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { after, test } from "node:test";
import { MemoryClient, MemorySocket, type MemoryUpdate } from "@flight/v6r-memory-types";

const ROOT = process.env["V6R_ROOT"] ?? new URL("../../../", import.meta.url).pathname; // run-tests.mjs sets it

async function startServer(port = 0, demo = false): Promise<{ url: string; port: number; child: ChildProcess }> {
  const child = spawn(`${ROOT}.venv/bin/python`, ["-m", "v6r_memory", "serve", "--port", String(port), "--interval", "0.05", ...(demo ? ["--demo"] : [])], {
    env: { ...process.env, PYTHONPATH: `${ROOT}generated/python` },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/[0-9.]+:[0-9]+)/.exec(seen);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
  });
  return { url, port: Number(new URL(url).port), child };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function waitFor<T>(what: string, register: (done: (value: T) => void) => () => void, ms = 10000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const off = register((value) => {
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

const servers: ChildProcess[] = [];
after(async () => {
  for (const child of servers) await stop(child);
});

test("REST: configure, allocate, snapshot, stats, list, free, error envelopes, network failure", async () => {
  const server = await startServer();
  servers.push(server.child);
  const client = new MemoryClient({ baseUrl: server.url, headers: { "x-test": "1" } });
  const configured = await client.configureSession("rest-1", { userId: "user-456", vmSize: "medium" });
  assert.equal(configured.tag, "ok");
  assert.equal(configured.tag === "ok" && configured.val.platform, "v6r-medium");
  assert.equal(configured.tag === "ok" && configured.val.total.bytes, 1073741824n);
  const allocated = await client.createAllocation({ sessionId: "rest-1", size: { bytes: 64n << 20n }, purpose: "vm-heap" });
  assert.equal(allocated.tag, "ok");
  if (allocated.tag !== "ok") return;
  assert.equal(allocated.val.size.humanReadable, "64.0MB");
  const snapshot = await client.getSnapshot("rest-1");
  assert.equal(snapshot.tag === "ok" && snapshot.val.used.humanReadable, "64.0MB");
  const stats = await client.getStats("rest-1");
  assert.equal(stats.tag === "ok" && stats.val.activeAllocations, 1n);
  const list = await client.listAllocations("rest-1");
  assert.equal(list.tag === "ok" && list.val.allocations.length, 1);
  const freed = await client.freeAllocation(allocated.val.id);
  assert.equal(freed.tag === "ok" && typeof freed.val.freedAt, "bigint");
  const again = await client.freeAllocation(allocated.val.id);
  assert.equal(again.tag === "err" && again.val.code, "already-freed");
  const missing = await client.getSnapshot("nobody");
  assert.equal(missing.tag === "err" && missing.val.code, "session-not-found");
  const tooBig = await client.createAllocation({ sessionId: "rest-1", size: { bytes: 18446744073709551615n }, purpose: "vm-heap" });
  assert.equal(tooBig.tag === "err" && tooBig.val.code, "invalid-size");
  const health = await client.getHealth();
  assert.equal(health.tag === "ok" && health.val.status, "ok");
  const status = await client.getStatus();
  assert.equal(status.tag === "ok" && status.val.sessions, 1);
  const aborted = new AbortController();
  aborted.abort();
  const cancelled = await client.getHealth({ signal: aborted.signal });
  assert.equal(cancelled.tag === "err" && cancelled.val.message, "the request was aborted");
  const down = await new MemoryClient("http://127.0.0.1:9").getHealth();
  assert.equal(down.tag === "err" && down.val.code, "internal-error");
});

test("REST: a server that never answers ends in a timeout result; a caller's abort stays an abort", { timeout: 10000 }, async () => {
  // A real listening socket that accepts connections and reads requests but never writes a byte.
  const { createServer } = await import("node:net");
  const held: import("node:net").Socket[] = [];
  const mute = createServer((connection) => {
    held.push(connection);
    connection.resume();
  });
  await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
  const { port } = mute.address() as { port: number };
  try {
    const client = new MemoryClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 100 });
    const late = await client.getHealth();
    assert.equal(late.tag === "err" && late.val.message, "no answer within 100 ms");
    assert.equal(late.tag === "err" && late.val.code, "internal-error");
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 20);
    const patient = new MemoryClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 0 });
    const cancelled = await patient.getHealth({ signal: caller.signal });
    assert.equal(cancelled.tag === "err" && cancelled.val.message, "the request was aborted");
  } finally {
    for (const connection of held) connection.destroy();
    await new Promise((resolve) => mute.close(resolve));
  }
});

test("WebSocket: subscribe, updates, unknown message types, unsubscribe, reconnect through a restart", async () => {
  const server = await startServer(0, true);
  servers.push(server.child);
  const client = new MemoryClient(server.url);
  assert.equal((await client.configureSession("ws-1", { userId: "u", vmSize: "small" })).tag, "ok");
  const socket = new MemorySocket({ url: server.url, reconnect: { initialMs: 50, maxMs: 400 }, pingIntervalMs: 100 });
  const updates: MemoryUpdate[] = [];
  socket.on("update", (u) => updates.push(u));
  const unsubscribe = socket.subscribe("ws-1");
  const unsubscribeDemo = socket.subscribe("demo-session");
  const first = await waitFor<MemoryUpdate>("first update", (done) => socket.on("update", done));
  assert.equal(first.snapshot.platform, "v6r-small");
  assert.equal(first.snapshot.total.bytes, 536870912n);
  await client.createAllocation({ sessionId: "ws-1", size: { bytes: 1024n }, purpose: "temporary" });
  const changed = await waitFor<MemoryUpdate>("update after allocate", (done) => socket.on("update", (u) => u.snapshot.used.bytes === 1024n && done(u)));
  assert.equal(changed.snapshot.used.humanReadable, "1.0KB");
  const errors: string[] = [];
  socket.on("error", (e) => errors.push(e.code));

  // the server restarts on the same port with a fresh pool: the client reconnects and subscribes again
  await stop(server.child);
  const closed = await waitFor<boolean>("reconnect notice", (done) => socket.on("close", (c) => done(c.willReconnect)), 5000).catch(() => true);
  assert.equal(closed, true);
  // the demo session exists as soon as the new server listens, so the resubscription finds it
  const opened = waitFor<boolean>("reopen", (done) => socket.on("open", (o) => done(o.reconnected)), 15000);
  const reopened = waitFor<MemoryUpdate>("update after restart", (done) => socket.on("update", (u) => u.sessionId === "demo-session" && done(u)), 15000);
  const restarted = await startServer(server.port, true);
  servers.push(restarted.child);
  assert.equal(await opened, true);
  assert.equal((await reopened).sessionId, "demo-session");

  unsubscribe();
  unsubscribeDemo();
  await new Promise((r) => setTimeout(r, 200));
  const count = updates.length;
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(updates.length <= count + 1, "updates stop after unsubscribe");
  socket.close();
  assert.equal(socket.connected, false);
});

test("WebSocket: an unknown message type reaches 'unknown', an error message reaches 'error'", async () => {
  class FakeSocket {
    static last: FakeSocket | null = null;
    readyState = 0;
    sent: string[] = [];
    onopen: ((e: unknown) => void) | null = null;
    onmessage: ((e: { data: unknown }) => void) | null = null;
    onclose: ((e: { code: number; reason: string }) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    constructor(readonly url: string) {
      FakeSocket.last = this;
    }
    send(data: string): void {
      this.sent.push(data);
    }
    close(): void {
      this.readyState = 3;
    }
  }
  const socket = new MemorySocket({ url: "ws://example.invalid/x", WebSocket: FakeSocket, pingIntervalMs: 0 });
  const unknown: string[] = [];
  const errors: string[] = [];
  socket.on("unknown", (u) => unknown.push(u.type));
  socket.on("error", (e) => errors.push(e.message));
  socket.subscribe("s-1");
  const fake = FakeSocket.last!;
  fake.readyState = 1;
  fake.onopen!({});
  assert.match(fake.sent[0]!, /^\{"type":"memory_subscribe","session_id":"s-1","timestamp":[0-9]+\}$/);
  fake.onmessage!({ data: '{"type": "memory_future", "anything": [1]}' });
  fake.onmessage!({ data: '{"type": "error", "error": {"code": "invalid-request", "message": "bad", "timestamp": 1}, "timestamp": 2}' });
  fake.onmessage!({ data: '{"type": "pong", "timestamp": "x"}' });
  assert.deepEqual(unknown, ["memory_future"]);
  assert.deepEqual(errors, ["bad", "timestamp: expected unsigned integer"]);
  socket.close();
});

test("WebSocket: a connection that answers nothing after a ping is given up and reconnected", async () => {
  // A real WebSocket peer that completes the handshake and then never sends a byte: what a connection looks
  // like after a network change drops it without a close. TCP would never notice here (the peer is alive);
  // the client has to, from its unanswered ping.
  const { WebSocketServer } = await import("ws");
  const silent = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => silent.once("listening", resolve));
  let connections = 0;
  silent.on("connection", () => connections++);
  const { port } = silent.address() as { port: number };
  const socket = new MemorySocket({ url: `ws://127.0.0.1:${port}/x`, pingIntervalMs: 100, reconnect: { initialMs: 20, maxMs: 40 } });
  const closes: { code: number; reason: string; willReconnect: boolean }[] = [];
  socket.on("close", (event) => closes.push(event));
  const started = Date.now();
  socket.connect();
  while (connections < 2 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 10));
  socket.close();
  await new Promise((resolve) => silent.close(resolve));
  assert.equal(connections, 2, "the client did not reconnect after a silent interval");
  assert.deepEqual(closes[0], { code: 4000, reason: "no answer to ping", willReconnect: true });
});

test("WebSocket: reconnect delays are capped, jittered and keep their defaults for options given as undefined", () => {
  class Refused {
    readyState = 3;
    onopen = null;
    onmessage = null;
    onclose = null;
    onerror = null;
    constructor() {
      throw new Error("refused");
    }
    send(): void {}
    close(): void {}
  }
  const delays: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  // Each scheduled retry is recorded and run at once, so eight attempts take no time.
  globalThis.setTimeout = ((callback: () => void, delay: number) => {
    delays.push(delay);
    if (delays.length < 8) callback();
    return 0 as unknown as ReturnType<typeof setTimeout>;
  }) as typeof setTimeout;
  try {
    // A plain JavaScript caller may pass an option as undefined; it must not become NaN (a retry loop).
    const reconnect = { initialMs: undefined, maxMs: 1000 } as unknown as { maxMs: number };
    const socket = new MemorySocket({ url: "ws://example.invalid/x", WebSocket: Refused, reconnect, pingIntervalMs: 0 });
    socket.connect();
    socket.close();
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(delays.length, 8);
  delays.forEach((delay, attempt) => {
    const ceiling = Math.min(1000, 250 * 2 ** attempt); // default initialMs 250, factor 2; maxMs 1000
    assert.ok(delay > ceiling * 0.5 - 1e-9 && delay <= ceiling, `attempt ${attempt}: ${delay} ms, ceiling ${ceiling}`);
  });
});
