import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { type Env, Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HeaderBlock,
  SECURE_SERVER_OPTIONS,
  type SecureServerResponse,
  setResponseHeader,
  setResponseHeaderBlock,
} from "./response-header.js";

// The same app answers through Node (headers applied in writeHead) and through app.request()
// (headers mutated on the web Response): a client must not be able to tell the two apart.
function buildApp(): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    setResponseHeader(c, "X-Frame-Options", "DENY");
    setResponseHeader(c, "Cache-Control", "no-store");
    setResponseHeader(c, "X-Powered-By", undefined);
    setResponseHeader(c, "RateLimit-Remaining", "9");
    setResponseHeader(c, "RateLimit-Remaining", "4"); // the last value set wins
  });
  app.get("/json", (c) => c.json({ ok: true }));
  app.get("/conflict", (c) =>
    c.body("x", 200, { "cache-control": "public, max-age=60", "X-Powered-By": "Express", "X-Frame-Options": "ALLOW" }),
  );
  app.get("/raw", () => new Response("raw", { headers: { "CACHE-CONTROL": "no-cache", "x-powered-by": "Express" } }));
  app.get("/redirect", () => Response.redirect("http://127.0.0.1/elsewhere", 302));
  app.get("/stream", () => new Response(new ReadableStream({ start: (ctl) => ctl.close() }), { status: 201 }));
  app.get("/throws", () => {
    throw new Error("boom");
  });
  app.onError((_e, c) => c.json({ error: "internal" }, 500));
  return app;
}

/** `app` served by Node with {@link SECURE_SERVER_OPTIONS} on a loopback port, for one describe block. */
function servedSecurely<E extends Env>(app: Hono<E>): { base: () => string } {
  let server: Server;
  let base = "";
  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = serve({
        fetch: app.fetch,
        hostname: "127.0.0.1",
        port: 0,
        serverOptions: SECURE_SERVER_OPTIONS,
      }) as Server;
      s.once("listening", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { base: () => base };
}

// (Content-Type differs on purpose: @hono/node-server gives a body without one text/plain.)
const SECURITY_NAMES = ["x-frame-options", "cache-control", "x-powered-by", "ratelimit-remaining"];
const pick = (h: Headers) => Object.fromEntries(SECURITY_NAMES.map((n) => [n, h.get(n)]));

describe("setResponseHeader through Node's writeHead", () => {
  const app = buildApp();
  const served = servedSecurely(app);

  for (const route of ["/json", "/conflict", "/raw", "/redirect", "/stream", "/throws", "/missing"]) {
    it(`${route}: the same security headers as the in-process answer, the forced values winning`, async () => {
      const viaNode = await fetch(`${served.base()}${route}`, { redirect: "manual" });
      const inProcess = await app.request(route);
      expect(viaNode.status).toBe(inProcess.status);
      expect(pick(viaNode.headers)).toEqual(pick(inProcess.headers));
      expect(viaNode.headers.get("x-frame-options")).toBe("DENY");
      expect(viaNode.headers.get("cache-control")).toBe("no-store");
      expect(viaNode.headers.get("x-powered-by")).toBeNull();
      expect(viaNode.headers.get("ratelimit-remaining")).toBe("4");
      // One value per name, whatever the case the handler used.
      expect(viaNode.headers.get("cache-control")?.includes(",")).toBe(false);
      await viaNode.arrayBuffer();
    });
  }

  it("applies to a head Node writes implicitly, to setHeader() values and to the flat array form", async () => {
    const raw = new Hono<{ Bindings: { outgoing: SecureServerResponse } }>();
    raw.get("/implicit", (c) => {
      const out = c.env.outgoing;
      setResponseHeader(c, "Cache-Control", "no-store");
      setResponseHeader(c, "X-Powered-By", undefined);
      out.setHeader("Cache-Control", "public");
      out.setHeader("X-Powered-By", "Express");
      out.end("written by hand");
      return RESPONSE_ALREADY_SENT;
    });
    raw.get("/array", (c) => {
      const out = c.env.outgoing;
      setResponseHeader(c, "Cache-Control", "no-store");
      setResponseHeader(c, "X-Powered-By", undefined);
      out.writeHead(200, ["Cache-Control", "public", "X-Powered-By", "Express", "X-Kept", "yes"]);
      out.end("array");
      return RESPONSE_ALREADY_SENT;
    });
    const s = await new Promise<Server>((resolve) => {
      const srv = serve({ fetch: raw.fetch, hostname: "127.0.0.1", port: 0, serverOptions: SECURE_SERVER_OPTIONS });
      srv.once("listening", () => resolve(srv as Server));
    });
    try {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
      for (const route of ["/implicit", "/array"]) {
        const res = await fetch(`${url}${route}`);
        expect(res.headers.get("cache-control")).toBe("no-store");
        expect(res.headers.get("x-powered-by")).toBeNull();
        await res.text();
      }
      const array = await fetch(`${url}/array`);
      expect(array.headers.get("x-kept")).toBe("yes");
      expect(await array.text()).toBe("array");
    } finally {
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });
});

describe("HeaderBlock", () => {
  it("refuses, at construction, names and values that could not go into a head as they are", () => {
    expect(() => new HeaderBlock({ "X-Bad Name": "v" })).toThrow(/not a valid header name/);
    expect(() => new HeaderBlock({ "X-Split": "a\r\nSet-Cookie: x=1" })).toThrow(/control or non-ASCII/);
    expect(() => new HeaderBlock({ "X-Latin": "caf\u00e9" })).toThrow(/control or non-ASCII/);
    expect(() => new HeaderBlock({ "Content-Length": "1" })).toThrow(/managed by Node/);
    expect(() => new HeaderBlock({ Date: "x" })).toThrow(/managed by Node/);
    expect(() => new HeaderBlock({ "X-A": "1", "x-a": "2" })).toThrow(/given twice/);
    const block = new HeaderBlock({ "X-Frame-Options": "DENY", "X-Powered-By": undefined });
    expect(block.text).toBe("X-Frame-Options: DENY\r\n");
    expect([...block.names]).toEqual(["x-frame-options", "x-powered-by"]);
  });

  // Through Node (block text in the head) and through app.request() (entries on the web Response).
  const block = new HeaderBlock({ "X-Frame-Options": "DENY", "Cache-Control": "no-store", "X-Powered-By": undefined });
  const app = new Hono<{ Bindings: { outgoing: SecureServerResponse } }>();
  app.use(async (c, next) => {
    await next();
    setResponseHeaderBlock(c, block);
    if (c.req.query("override") !== undefined) setResponseHeader(c, "Cache-Control", "private");
  });
  app.get("/plain", (c) => c.json({ ok: true }));
  app.get("/conflict", (c) =>
    c.body("x", 200, {
      "CACHE-CONTROL": "public",
      "x-powered-by": "Express",
      "X-Frame-Options": "ALLOW",
      "X-Kept": "1",
    }),
  );
  app.get("/set-header", (c) => {
    c.env.outgoing.setHeader("Cache-Control", "public");
    c.env.outgoing.setHeader("X-Powered-By", "Express");
    return c.text("y");
  });
  const served = servedSecurely(app);

  for (const route of ["/plain", "/conflict", "/set-header", "/plain?override", "/conflict?override"]) {
    it(`${route}: one value per block name, the block's, unless a single header set after it`, async () => {
      const viaNode = await fetch(`${served.base()}${route}`);
      const raw = [...viaNode.headers].filter(([name]) =>
        ["x-frame-options", "cache-control", "x-powered-by"].includes(name),
      );
      const cacheControl = route.endsWith("?override") ? "private" : "no-store";
      expect(Object.fromEntries(raw)).toEqual({ "x-frame-options": "DENY", "cache-control": cacheControl });
      expect(viaNode.headers.get("cache-control")).toBe(cacheControl); // not "public, no-store"
      if (route.startsWith("/conflict")) expect(viaNode.headers.get("x-kept")).toBe("1");
      await viaNode.text();
      if (route.startsWith("/set-header")) return; // needs Node's response object
      const inProcess = await app.request(route);
      expect(inProcess.headers.get("x-frame-options")).toBe("DENY");
      expect(inProcess.headers.get("cache-control")).toBe(cacheControl);
      expect(inProcess.headers.get("x-powered-by")).toBeNull();
    });
  }
});
