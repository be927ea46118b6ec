// The React hooks under React 18 and 19 (run-tests.mjs bundles this file once per version), against the
// real generated Python server: loading, a live update, an error, unmount without warnings or leaks.
import { GlobalRegistrator } from "@happy-dom/global-registrator";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, test } from "node:test";
// The socket comes from the `ws` package, not from Node's built-in WebSocket. Node 20's built-in one (undici)
// builds every event it dispatches (open, message, close) with whatever `Event`/`MessageEvent` is on globalThis
// at that moment; once happy-dom is registered those are happy-dom's classes, Node's EventTarget rejects them
// (ERR_INVALID_ARG_TYPE: "must be an instance of Event"), and the open socket never reports open nor delivers a
// message. `ws` dispatches its own event classes, so it is unaffected by the DOM globals.
import { WebSocket as WsWebSocket } from "ws";

declare const __REACT_VERSION__: string;
const nodeFetch = globalThis.fetch;
const ROOT = process.env["V6R_ROOT"] ?? "";
const server: ChildProcess = spawn(`${ROOT}.venv/bin/python`, ["-m", "v6r_memory", "serve", "--port", "0", "--interval", "0.05"], {
  env: { ...process.env, PYTHONPATH: `${ROOT}generated/python` },
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise<string>((resolve) => {
  let seen = "";
  server.stdout!.on("data", (chunk: Buffer) => {
    seen += chunk.toString();
    const match = /listening on (http:\/\/[0-9.]+:[0-9]+)/.exec(seen);
    if (match?.[1] !== undefined) resolve(match[1]);
  });
});
// The page is served by the memory server, so the socket's Origin header is the server's own origin.
GlobalRegistrator.register({ url: `${url}/` });
globalThis.fetch = nodeFetch;

const React = await import("react");
const { renderHook, waitFor, act } = await import("@testing-library/react");
// Updates arrive from a real server and socket, not from events a test fires inside act().
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
const { MemoryClient } = await import("@flight/v6r-memory-types");
const { useMemoryMonitor, useMemoryWebSocket, useMemoryStats, useMemoryAllocations, useSessionConfig, openMemorySockets } =
  await import("@flight/v6r-memory-types/react");

const warnings: string[] = [];
const consoleError = console.error;
const consoleWarn = console.warn;

before(async () => {
  console.error = (...args: unknown[]) => {
    warnings.push(`error: ${args.map(String).join(" ")}`);
  };
  console.warn = (...args: unknown[]) => {
    warnings.push(`warn: ${args.map(String).join(" ")}`);
  };
  await new MemoryClient(url).configureSession("hook-1", { userId: "u", vmSize: "small" });
});

after(async () => {
  console.error = consoleError;
  console.warn = consoleWarn;
  await new Promise<void>((resolve) => {
    server.once("exit", () => resolve());
    server.kill("SIGTERM");
  });
  await GlobalRegistrator.unregister();
});

test(`React ${__REACT_VERSION__ || "19"} is the one rendering`, () => {
  assert.equal(React.version.split(".")[0], __REACT_VERSION__ || "19");
});

test("useMemoryMonitor: loading, snapshot over REST, live update over the socket, unmount", async () => {
  const options = { baseUrl: url, WebSocket: WsWebSocket as never };
  const { result, unmount } = renderHook(() => useMemoryMonitor("hook-1", options));
  assert.equal(result.current.loading, true);
  assert.equal(result.current.snapshot, null);
  await waitFor(() => assert.equal(result.current.snapshot?.platform, "v6r-small"), { timeout: 5000 });
  assert.equal(result.current.loading, false);
  assert.equal(result.current.usagePercentage, 0);
  assert.equal(result.current.pressureLevel, "low");
  // a second hook on the same URL shares the socket
  const second = renderHook(() => useMemoryMonitor("hook-1", options));
  await waitFor(() => assert.equal(result.current.connected, true), { timeout: 5000 });
  assert.equal(openMemorySockets(), 1);
  await new MemoryClient(url).createAllocation({ sessionId: "hook-1", size: { bytes: 460000000n }, purpose: "vm-heap" });
  await waitFor(() => assert.equal(result.current.pressureLevel, "high"), { timeout: 5000 });
  const latest = result.current.snapshot as { used: { bytes: bigint } } | null;
  assert.equal(latest?.used.bytes, 460000000n);
  assert.ok(result.current.usagePercentage > 85);
  second.unmount();
  assert.equal(openMemorySockets(), 1);
  unmount();
  assert.equal(openMemorySockets(), 0);
  await new Promise((r) => setTimeout(r, 150));
});

test("useMemoryWebSocket: connects, gets its session's updates only, a server error, and lets go on unmount", async () => {
  await new MemoryClient(url).configureSession("hook-ws", { userId: "u", vmSize: "small" });
  const options = { baseUrl: url, WebSocket: WsWebSocket as never };
  const { result, rerender, unmount } = renderHook(({ id }) => useMemoryWebSocket(id, options), {
    initialProps: { id: "hook-ws" as string | null },
  });
  const current = () => result.current; // read anew each time: an assertion must not narrow what comes next
  assert.deepEqual(current(), { update: null, connected: false, error: null });
  await waitFor(() => assert.equal(current().connected, true), { timeout: 5000 });
  assert.equal(openMemorySockets(), 1);
  await new MemoryClient(url).createAllocation({ sessionId: "hook-ws", size: { bytes: 4096n }, purpose: "temporary" });
  await waitFor(() => assert.equal(current().update?.snapshot.used.bytes, 4096n), { timeout: 5000 });
  assert.equal(current().update?.sessionId, "hook-ws");
  // another session: nothing of hook-ws is shown, and the unknown session is the server's error
  rerender({ id: "nobody-ws" });
  assert.equal(current().update, null);
  await waitFor(() => assert.equal(current().error?.code, "session-not-found"), { timeout: 5000 });
  assert.equal(current().update, null);
  // null subscribes to nothing and holds no socket
  rerender({ id: null });
  await waitFor(() => assert.equal(openMemorySockets(), 0), { timeout: 5000 });
  unmount();
  assert.equal(openMemorySockets(), 0);
  await new Promise((r) => setTimeout(r, 150));
});

test("useMemoryMonitor: an unknown session is an error", async () => {
  const { result, unmount } = renderHook(() => useMemoryMonitor("nobody", { baseUrl: url, live: false }));
  await waitFor(() => assert.equal(result.current.error?.code, "session-not-found"), { timeout: 5000 });
  assert.equal(result.current.loading, false);
  assert.equal(result.current.snapshot, null);
  unmount();
});

test("stats, allocations and session config hooks; refresh", async () => {
  const stats = renderHook(() => useMemoryStats("hook-1", { baseUrl: url }));
  await waitFor(() => assert.equal(stats.result.current.stats?.activeAllocations, 1n), { timeout: 5000 });
  const allocations = renderHook(() => useMemoryAllocations("hook-1", { baseUrl: url }));
  await waitFor(() => assert.equal(allocations.result.current.allocations?.allocations.length, 1), { timeout: 5000 });
  const config = renderHook(() => useSessionConfig("hook-2", { baseUrl: url }));
  // Not `await act(async () => ...)`: in a bundle React's async act cannot reach Node's timers and queues its
  // work on a MessageChannel whose port is never closed, which keeps the test process alive. The update is
  // awaited like every other one here instead.
  const configured = await config.result.current.configure({ userId: "u", vmSize: "large" });
  assert.equal(configured.tag, "ok");
  await waitFor(() => assert.equal(config.result.current.configuration?.platform, "v6r-large"), { timeout: 5000 });
  await new MemoryClient(url).createAllocation({ sessionId: "hook-1", size: { bytes: 1024n }, purpose: "temporary" });
  act(() => stats.result.current.refresh());
  await waitFor(() => assert.equal(stats.result.current.stats?.activeAllocations, 2n), { timeout: 5000 });
  stats.unmount();
  allocations.unmount();
  config.unmount();
});

test("switching sessions never shows the previous session's data", async () => {
  const options = { baseUrl: url, live: false };
  const monitor = renderHook((props: { id: string }) => useMemoryMonitor(props.id, options), { initialProps: { id: "hook-1" } });
  await waitFor(() => assert.equal(monitor.result.current.snapshot?.sessionId, "hook-1"), { timeout: 5000 });
  monitor.rerender({ id: "nobody-2" });
  assert.equal(monitor.result.current.snapshot, null, "hook-1's snapshot shown for nobody-2");
  assert.equal(monitor.result.current.loading, true);
  await waitFor(() => assert.equal(monitor.result.current.error?.code, "session-not-found"), { timeout: 5000 });
  assert.equal(monitor.result.current.snapshot, null, "hook-1's snapshot kept beside nobody-2's error");
  monitor.rerender({ id: "hook-1" });
  await waitFor(() => assert.equal(monitor.result.current.snapshot?.sessionId, "hook-1"), { timeout: 5000 });
  assert.equal(monitor.result.current.error, null);
  monitor.unmount();

  const stats = renderHook((props: { id: string }) => useMemoryStats(props.id, options), { initialProps: { id: "hook-1" } });
  await waitFor(() => assert.notEqual(stats.result.current.stats, null), { timeout: 5000 });
  stats.rerender({ id: "nobody-2" });
  assert.equal(stats.result.current.stats, null);
  await waitFor(() => assert.equal(stats.result.current.error?.code, "session-not-found"), { timeout: 5000 });
  assert.equal(stats.result.current.stats, null);
  stats.unmount();

  const config = renderHook((props: { id: string }) => useSessionConfig(props.id, options), { initialProps: { id: "hook-3" } });
  assert.equal((await config.result.current.configure({ userId: "u", vmSize: "small" })).tag, "ok");
  await waitFor(() => assert.equal(config.result.current.configuration?.config.sessionId, "hook-3"), { timeout: 5000 });
  config.rerender({ id: "hook-4" });
  assert.equal(config.result.current.configuration, null, "hook-3's configuration shown for hook-4");
  config.unmount();
});

test("useMemoryMonitor: a REST answer older than a live update does not take the snapshot back", async () => {
  // Snapshot requests are answered 600 ms late (the body is the server's state when it was asked), while the
  // server pushes an update every 50 ms: the late REST snapshot is older than the live ones already shown.
  globalThis.fetch = async (input, init) => {
    const response = await nodeFetch(input, init);
    if (String(input).includes("/memory/snapshot/")) await new Promise((r) => setTimeout(r, 600));
    return response;
  };
  const seen: bigint[] = [];
  try {
    const { result, unmount } = renderHook(() => {
      const monitor = useMemoryMonitor("hook-1", { baseUrl: url, WebSocket: WsWebSocket as never });
      if (monitor.snapshot !== null) seen.push(monitor.snapshot.timestamp);
      return monitor;
    });
    await waitFor(() => assert.notEqual(result.current.snapshot, null), { timeout: 5000 });
    assert.equal(result.current.loading, false, "a live snapshot is shown while the REST answer is still on its way");
    await new Promise((r) => setTimeout(r, 900)); // the REST answer has arrived meanwhile
    unmount();
  } finally {
    globalThis.fetch = nodeFetch;
  }
  assert.ok(seen.length >= 5, `only ${seen.length} renders with a snapshot`);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i]! >= seen[i - 1]!, `snapshot went back in time: ${seen[i - 1]} then ${seen[i]}`);
  }
});

test("unmounting while a request is in flight sets no state and warns nothing", async () => {
  const { unmount } = renderHook(() => useMemoryMonitor("hook-1", { baseUrl: url, WebSocket: WsWebSocket as never }));
  unmount();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(openMemorySockets(), 0);
  assert.deepEqual(warnings, []);
});
