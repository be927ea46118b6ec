// The client matrix's smoke scenario (tests/conformance/test_client_matrix.py) with the generated TypeScript
// client against the server at SMOKE_URL; prints one JSON line summarising what it saw. smoke.mjs bundles it.
import { MemoryClient, MemorySocket, type MemoryUpdate } from "@flight/v6r-memory-types";

const SESSION = "smoke-session";

function fail(what: string, detail: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(detail, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`);
}

async function main(url: string): Promise<void> {
  const client = new MemoryClient({ baseUrl: url });
  const configured = await client.configureSession(SESSION, { userId: "smoke-user", vmSize: "medium" });
  if (configured.tag !== "ok") fail("configure", configured.val);
  const allocated = await client.createAllocation({ sessionId: SESSION, size: { bytes: 64n << 20n }, purpose: "vm-heap" });
  if (allocated.tag !== "ok") fail("allocate", allocated.val);
  const socket = new MemorySocket({ url, reconnect: false, pingIntervalMs: 0 });
  const update = await new Promise<MemoryUpdate>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out waiting for a memory_update")), 15000);
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`subscribe: ${e.code}`));
    });
    socket.on("update", (u) => {
      if (u.sessionId !== SESSION) return;
      clearTimeout(timer);
      resolve(u);
    });
    socket.subscribe(SESSION);
  });
  socket.close();
  const freed = await client.freeAllocation(allocated.val.id);
  if (freed.tag !== "ok") fail("free", freed.val);
  const stats = await client.getStats(SESSION);
  if (stats.tag !== "ok") fail("stats", stats.val);
  const again = await client.freeAllocation(allocated.val.id);
  if (again.tag !== "err") fail("free again succeeded", again.val);
  const summary = {
    configured: configured.val.platform,
    allocated_bytes: Number(allocated.val.size.bytes),
    update_session: update.sessionId,
    update_used: Number(update.snapshot.used.bytes),
    freed: true,
    active_after: Number(stats.val.activeAllocations),
    error_code: again.val.code,
  };
  console.log(JSON.stringify(summary));
}

const url = process.env["SMOKE_URL"];
if (url === undefined || url === "") {
  console.error("set SMOKE_URL to the server's base URL, e.g. http://127.0.0.1:8080");
  process.exit(2);
}
main(url).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
