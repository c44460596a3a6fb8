import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { isJsonContentType, requireJson } from "./require-json.js";

const UNSUPPORTED = { error: { code: "unsupported_media_type", message: "Request body must be application/json" } };

function app() {
  const a = new Hono();
  a.use("*", requireJson());
  a.on(["GET", "POST", "PUT", "PATCH", "DELETE"], "/api/x", (c) => c.json({ ok: true }));
  return a;
}

const send = (method: string, headers: Record<string, string>, body?: string) =>
  app().request("/api/x", { method, headers, body });

describe("requireJson", () => {
  it.each([
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON;charset=UTF-8",
    " application/json ",
  ])("accepts %j", async (type) => {
    expect((await send("POST", { "content-type": type }, "{}")).status).toBe(200);
  });

  it.each([
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json-seq",
    "application/jsonx",
    "text/json",
    "application/json+evil",
  ])("refuses %j with 415", async (type) => {
    const res = await send("POST", { "content-type": type }, "{}");
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual(UNSUPPORTED);
  });

  it.each(["PUT", "PATCH", "DELETE"])("applies to %s", async (method) => {
    expect((await send(method, { "content-type": "text/plain" }, "x")).status).toBe(415);
  });

  it("refuses a body without any content type", async () => {
    const res = await app().request("/api/x", { method: "POST", body: new Uint8Array([123, 125]) });
    expect(res.status).toBe(415);
  });

  it("treats an HTTP/1.1 request without length or chunking as bodyless under node-server", async () => {
    const env = { incoming: { httpVersionMajor: 1, socket: {} } };
    const res = await app().request("/api/x", { method: "POST", body: new Uint8Array([123, 125]) }, env);
    expect(res.status).toBe(200);
  });

  it("refuses a chunked body that is not JSON", async () => {
    expect((await send("POST", { "transfer-encoding": "chunked", "content-type": "text/plain" }, "x")).status).toBe(
      415,
    );
  });

  it("refuses a body with a length but no content type", async () => {
    expect((await send("POST", { "content-length": "2" })).status).toBe(415);
  });

  it("allows bodyless requests", async () => {
    expect((await send("POST", {})).status).toBe(200);
    expect((await send("DELETE", { "content-length": "0" })).status).toBe(200);
    expect((await send("POST", { "content-length": "0", "content-type": "text/plain" })).status).toBe(200);
  });

  it("ignores GET", async () => {
    expect((await send("GET", { "content-type": "text/plain" })).status).toBe(200);
  });
});

describe("isJsonContentType", () => {
  it("parses the media type only", () => {
    expect(isJsonContentType(undefined)).toBe(false);
    expect(isJsonContentType("application/json;")).toBe(true);
    expect(isJsonContentType("application/problem+json")).toBe(false);
  });
});
