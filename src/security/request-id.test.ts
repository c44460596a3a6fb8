import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { type RequestIdVariables, requestId } from "./request-id.js";

function app() {
  const a = new Hono<{ Variables: RequestIdVariables }>();
  a.use("*", requestId({ generate: () => "generated-id" }));
  a.get("/", (c) => c.text(c.get("requestId")));
  return a;
}

describe("requestId", () => {
  it("keeps a safe inbound id and echoes it", async () => {
    const res = await app().request("/", { headers: { "X-Request-Id": "abc-123_DEF.4:5" } });
    expect(await res.text()).toBe("abc-123_DEF.4:5");
    expect(res.headers.get("x-request-id")).toBe("abc-123_DEF.4:5");
  });

  it.each([
    ["log-injection attempt", "abc\\nFAKE"],
    ["spaces", "a b"],
    ["too long", "a".repeat(129)],
    ["leading dash", "-abc"],
    ["html", "<script>"],
    ["empty", ""],
  ])("replaces an unsafe inbound id (%s)", async (_label, value) => {
    const res = await app().request("/", { headers: { "X-Request-Id": value } });
    expect(await res.text()).toBe("generated-id");
    expect(res.headers.get("x-request-id")).toBe("generated-id");
  });

  it("generates a UUID by default and echoes it on errors", async () => {
    const a = new Hono();
    a.use("*", requestId());
    a.get("/boom", () => {
      throw new Error("x");
    });
    a.onError((_e, c) => c.json({ error: { code: "internal_error", message: "Internal error" } }, 500));
    const res = await a.request("/boom");
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
