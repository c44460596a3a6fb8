import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTempStore, type TempStore } from "../../test/helpers/temp-store.js";
import { AUDIT_INSERT_CHUNK } from "./audit.js";

let t: TempStore;
beforeEach(async () => {
  t = await openTempStore();
});
afterEach(async () => {
  await t.cleanup();
});

describe("AuditRepository.appendMany", () => {
  it("stores every event of a batch larger than one INSERT, each with its own id and fields", async () => {
    const n = AUDIT_INSERT_CHUNK * 2 + 7;
    const events = Array.from({ length: n }, (_, i) => ({
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString(),
      method: i % 2 ? "GET" : "POST",
      path: `/api/history/${i}`,
      status: i % 3 ? 200 : 404,
      client_ip: "127.0.0.1",
      duration_ms: i,
      request_id: `req-${i}`,
    }));
    await t.store.audit.appendMany(events);
    await t.store.audit.appendMany([]);
    const all = await t.store.audit.list({ per_page: 100, path: "/api/history/" });
    expect(all.total).toBe(n);
    const page = await t.store.audit.list({ per_page: 1 });
    expect(page.items[0]).toMatchObject({
      path: `/api/history/${n - 1}`,
      request_id: `req-${n - 1}`,
      duration_ms: n - 1,
    });
    expect(new Set((await t.store.audit.list({ per_page: 100 })).items.map((r) => r.id)).size).toBe(100);
    expect((await t.store.audit.list({ status: "404", per_page: 1 })).total).toBe(
      events.filter((e) => e.status === 404).length,
    );
  });
});
