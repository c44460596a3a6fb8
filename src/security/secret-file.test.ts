import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOrCreateSecret } from "./secret-file.js";

const dir = () => mkdtempSync(join(tmpdir(), "pf-secret-"));
const modeOf = (p: string) => statSync(p).mode & 0o777;

describe.skipIf(process.platform === "win32")("loadOrCreateSecret", () => {
  it("creates a 32-byte hex secret with mode 0600", () => {
    const d = dir();
    const secret = loadOrCreateSecret(d, "internal-webhook.secret");
    expect(secret.created).toBe(true);
    expect(secret.value).toMatch(/^[0-9a-f]{64}$/);
    expect(modeOf(secret.path)).toBe(0o600);
    expect(readFileSync(secret.path, "utf8").trim()).toBe(secret.value);
  });

  it("reuses the same value on the next start (another process would read the same file)", () => {
    const d = dir();
    const first = loadOrCreateSecret(d, "s");
    const second = loadOrCreateSecret(d, "s");
    expect(second.created).toBe(false);
    expect(second.value).toBe(first.value);
  });

  it("honours the byte count", () => {
    expect(loadOrCreateSecret(dir(), "s", { bytes: 48 }).value).toHaveLength(96);
  });

  it("tightens a world-readable secret to 0600 and reports it", () => {
    const d = dir();
    const { path, value } = loadOrCreateSecret(d, "s");
    chmodSync(path, 0o644);
    const events: unknown[] = [];
    const again = loadOrCreateSecret(d, "s", { onTightened: (e) => events.push(e) });
    expect(again.value).toBe(value);
    expect(modeOf(path)).toBe(0o600);
    expect(events).toEqual([{ path, previousMode: "0644", mode: "0600" }]);
  });

  it("refuses a corrupt secret file instead of replacing it", () => {
    const d = dir();
    writeFileSync(join(d, "s"), "not hex!", { mode: 0o600 });
    expect(() => loadOrCreateSecret(d, "s")).toThrow(/does not hold a hex secret/);
  });

  it("creates the data directory 0700 when missing", () => {
    const d = join(dir(), "nested", "data");
    loadOrCreateSecret(d, "s");
    expect(modeOf(d)).toBe(0o700);
  });
});
