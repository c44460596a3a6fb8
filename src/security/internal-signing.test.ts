import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import {
  createReplayCache,
  createSignedFetch,
  internalAuth,
  REQUEST_ID_HEADER,
  SIGNATURE_HEADER,
  signRequest,
  TIMESTAMP_HEADER,
  type VerifyFailure,
  verifySignedRequest,
} from "./internal-signing.js";

const SECRET = "a".repeat(64);
const T0 = 1_700_000_000_000;
const REJECTED = { error: { code: "unauthorized", message: "Request signature rejected" } };

function setup() {
  let now = T0;
  const reasons: VerifyFailure[] = [];
  const app = new Hono();
  app.use("/internal/*", internalAuth({ secret: SECRET, clock: () => now, onReject: (r) => reasons.push(r) }));
  app.post("/internal/mcp-event", async (c) => c.json({ received: await c.req.json() }));
  const send = (headers: Record<string, string>, body = '{"type":"tool_start"}', path = "/internal/mcp-event") =>
    app.request(path, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const sign = (over: Partial<Parameters<typeof signRequest>[0]> = {}) =>
    signRequest({
      secret: SECRET,
      method: "POST",
      path: "/internal/mcp-event",
      body: '{"type":"tool_start"}',
      clock: () => now,
      ...over,
    });
  return { app, send, sign, reasons, setNow: (t: number) => (now = t) };
}

async function expectRejected(res: Response) {
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual(REJECTED);
}

describe("internalAuth", () => {
  it("accepts a correctly signed request and leaves the body readable", async () => {
    const { send, sign } = setup();
    const res = await send(sign());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: { type: "tool_start" } });
  });

  it("rejects an unsigned request", async () => {
    const { send, reasons } = setup();
    await expectRejected(await send({}));
    expect(reasons).toEqual(["missing_headers"]);
  });

  it("rejects a replayed request id", async () => {
    const { send, sign, reasons } = setup();
    const headers = sign({ id: "req-00000001" });
    expect((await send(headers)).status).toBe(200);
    await expectRejected(await send(headers));
    expect(reasons).toEqual(["replayed"]);
  });

  it("rejects a tampered body, method, path or signature", async () => {
    const { send, sign, reasons } = setup();
    await expectRejected(await send(sign(), '{"type":"tool_error"}'));
    await expectRejected(await send(sign({ method: "PUT" })));
    await expectRejected(await send(sign({ path: "/internal/other" })));
    await expectRejected(await send(sign(), '{"type":"tool_start"}', "/internal/mcp-event?x=1"));
    await expectRejected(await send(sign({ secret: "b".repeat(64) })));
    const h = sign();
    await expectRejected(await send({ ...h, [SIGNATURE_HEADER]: `v1=${"0".repeat(64)}` }));
    expect(reasons).toEqual(Array(6).fill("bad_signature"));
  });

  it("rejects a signature whose id was swapped", async () => {
    const { send, sign } = setup();
    await expectRejected(await send({ ...sign({ id: "req-00000001" }), [REQUEST_ID_HEADER]: "req-00000002" }));
  });

  it("enforces the 5-minute window in both directions", async () => {
    const { send, sign, setNow, reasons } = setup();
    const old = sign();
    setNow(T0 + 5 * 60_000);
    expect((await send(old)).status).toBe(200);
    setNow(T0 + 5 * 60_000 + 1000);
    await expectRejected(await send(sign({ clock: () => T0 })));
    setNow(T0);
    await expectRejected(await send(sign({ clock: () => T0 + 5 * 60_000 + 1000 })));
    expect(reasons).toEqual(["stale_timestamp", "stale_timestamp"]);
  });

  it("rejects malformed headers", async () => {
    const { send, sign } = setup();
    const h = sign();
    await expectRejected(await send({ ...h, [TIMESTAMP_HEADER]: "1e9" }));
    await expectRejected(await send({ ...h, [REQUEST_ID_HEADER]: "bad id\n" }));
    await expectRejected(await send({ ...h, [SIGNATURE_HEADER]: h[SIGNATURE_HEADER].toUpperCase() }));
  });
});

describe("createReplayCache", () => {
  it("forgets ids after they expire and fails closed when full of live ids", () => {
    const cache = createReplayCache({ maxEntries: 2 });
    expect(cache.remember("a", 100, 0)).toBe(true);
    expect(cache.remember("a", 100, 50)).toBe(false);
    expect(cache.remember("b", 100, 50)).toBe(true);
    expect(cache.remember("c", 100, 50)).toBe(false);
    expect(cache.remember("c", 300, 150)).toBe(true);
    expect(cache.size).toBe(1);
  });
});

describe("verifySignedRequest", () => {
  it("signs the upper-cased method and the body hash", () => {
    const headers = signRequest({
      secret: SECRET,
      method: "post",
      path: "/p",
      body: new Uint8Array([1, 2]),
      clock: () => T0,
    });
    const result = verifySignedRequest({
      secret: SECRET,
      method: "POST",
      path: "/p",
      body: Buffer.from([1, 2]),
      header: (n) => headers[n],
      replayCache: createReplayCache(),
      clock: () => T0,
    });
    expect(result).toEqual({ ok: true, requestId: headers[REQUEST_ID_HEADER] });
  });
});

describe("createSignedFetch", () => {
  it("produces requests the middleware accepts", async () => {
    const { app } = setup();
    const signedFetch = createSignedFetch({
      baseUrl: "http://127.0.0.1:8000",
      secret: SECRET,
      clock: () => T0,
      fetch: (input, init) => Promise.resolve(app.request(String(input), init)),
    });
    const res = await signedFetch("/internal/mcp-event", {
      method: "POST",
      body: '{"type":"tool_complete"}',
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: { type: "tool_complete" } });
  });
});
