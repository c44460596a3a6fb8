// `BENCH=httpfloor`: what the HTTP throughput budgets (issue 12: health ≥ 0.5×, history ≥ 0.25× a
// bare Hono hello-JSON) leave for the server's own work on this machine. Each variant is a bare
// Hono app that adds one cost the real server must pay, measured like `BENCH=http` measures the real
// server: autocannon at 10 connections in a worker thread, and this process's main-thread CPU per
// request (steadier than throughput on a VM with steal time).
//  - `security_headers`: the 11 headers every response carries (SECURITY.md §6), as a plain object;
//  - `async_middleware_15`: 15 no-op async middlewares (about the real chain's depth);
//  - `spin_25us` / `spin_50us`: pure JS work in the handler — CPU per request rises by more than the
//    work, because a server that is the bottleneck also pays for waking the client on every write;
//  - `history_page_bytes`: the bytes of a history page of 20 records (about 58 KB), no headers.
import { Hono } from "hono";
import { CONTENT_SECURITY_POLICY, FIXED_SECURITY_HEADERS } from "../src/security/headers.js";
import { serveHono } from "./http.js";
import { load, mainThreadCpuMs } from "./load.js";
import { type Figure, round } from "./stats.js";

const REQUESTS = Number(process.env.BENCH_HTTP_FLOOR_REQUESTS ?? 20_000);
const HEALTH_BODY = JSON.stringify({
  status: "ok",
  version: "0.1.0",
  engine: "local",
  database: "ok",
  redis: "not configured",
  mcp: "running",
  uptime_seconds: 0.7,
});

function spin(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
}

function variants(): Array<[string, Hono]> {
  const out: Array<[string, Hono]> = [];
  const bare = new Hono();
  bare.get("/x", (c) => c.json({ status: "ok", message: "hello" }));
  out.push(["bare", bare]);

  const headers = new Hono();
  const all = {
    ...FIXED_SECURITY_HEADERS,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "X-Request-Id": "89efcdcb-8b3b-45aa-92de-77f2328f1cd0",
    "Content-Type": "application/json",
  };
  headers.get("/x", (c) => c.body(HEALTH_BODY, 200, all));
  out.push(["security_headers", headers]);

  const middleware = new Hono();
  for (let i = 0; i < 15; i++) middleware.use(async (_c, next) => await next());
  middleware.get("/x", (c) => c.json({ status: "ok", message: "hello" }));
  out.push(["async_middleware_15", middleware]);

  for (const us of [25, 50]) {
    const app = new Hono();
    app.get("/x", (c) => {
      spin(us);
      return c.json({ status: "ok", message: "hello" });
    });
    out.push([`spin_${us}us`, app]);
  }

  const page = Buffer.from(JSON.stringify({ items: "x".repeat(58_000) }));
  const history = new Hono();
  history.get("/x", (c) => c.body(page, 200, { "Content-Type": "application/json" }));
  out.push(["history_page_bytes", history]);
  return out;
}

async function measure(app: Hono): Promise<{ cpuUs: number; rps: number }> {
  const server = await serveHono(app);
  const url = `${server.url}/x`;
  try {
    // A fixed number of requests (autocannon's `amount` ends the run instead of the duration).
    await load(url, 0, { amount: 2_000 });
    const before = mainThreadCpuMs();
    const r = await load(url, 0, { amount: REQUESTS });
    const after = mainThreadCpuMs();
    const cpuUs = before === null || after === null ? Number.NaN : ((after - before) * 1000) / r.requests.total;
    return { cpuUs, rps: r.requests.average };
  } finally {
    await server.close();
  }
}

export async function benchHttpFloor(): Promise<Figure[]> {
  const results: Array<[string, { cpuUs: number; rps: number }]> = [];
  for (const [name, app] of variants()) results.push([name, await measure(app)]);
  const bare = results[0]?.[1];
  return results.map(([name, r]) => ({
    name: `http_floor.${name}.cpu_us_per_request`,
    value: round(r.cpuUs, 1),
    unit: "µs",
    requests_per_s: round(r.rps, 0),
    ...(bare && name !== "bare"
      ? {
          reference: { name: "http_floor.bare.cpu_us_per_request", value: round(bare.cpuUs, 1), unit: "µs" },
          cpu_ratio_to_reference: round(bare.cpuUs / r.cpuUs, 3),
        }
      : {}),
    requests: REQUESTS,
  }));
}
