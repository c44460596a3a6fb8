import { describe, expect, it } from "vitest";
import { clearSessionCookie, createSessionManager, serializeSessionCookie } from "./session.js";

function manager(ttlMs = 60_000) {
  let now = 1_700_000_000_000;
  const sessions = createSessionManager({ secret: "s3cret", ttlMs, clock: () => now });
  return { sessions, advance: (ms: number) => (now += ms) };
}

describe("createSessionManager", () => {
  it("issues values that verify until they expire", () => {
    const { sessions, advance } = manager();
    const { value, expiresAt } = sessions.issue();
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(1_700_000_060_000);
    expect(sessions.verify(value)).toBe(true);
    advance(59_999);
    expect(sessions.verify(value)).toBe(true);
    advance(1);
    expect(sessions.verify(value)).toBe(false);
  });

  it("rejects a revoked session", () => {
    const { sessions } = manager();
    const { value } = sessions.issue();
    sessions.revoke(value);
    expect(sessions.verify(value)).toBe(false);
  });

  it("rejects a value with an extended expiry (signature mismatch)", () => {
    const { sessions } = manager();
    const { value } = sessions.issue();
    const [id, exp, mac] = value.split(".");
    expect(sessions.verify(`${id}.${Number(exp) + 1_000_000}.${mac}`)).toBe(false);
  });

  it("rejects a value signed by another secret, and garbage", () => {
    const other = createSessionManager({ secret: "other" });
    const { sessions } = manager();
    expect(sessions.verify(other.issue().value)).toBe(false);
    expect(sessions.verify("")).toBe(false);
    expect(sessions.verify("a.b.c")).toBe(false);
  });

  it("stays bounded", () => {
    const sessions = createSessionManager({ maxSessions: 3 });
    const first = sessions.issue().value;
    for (let i = 0; i < 5; i++) sessions.issue();
    expect(sessions.size).toBe(3);
    expect(sessions.verify(first)).toBe(false);
  });
});

describe("session cookies", () => {
  it("are HttpOnly, SameSite=Strict, Path=/ and Secure only over HTTPS", () => {
    expect(serializeSessionCookie("v", { secure: false, maxAgeSeconds: 60 })).toBe(
      "pf_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60",
    );
    expect(serializeSessionCookie("v", { secure: true })).toBe(
      "pf_session=v; Path=/; HttpOnly; SameSite=Strict; Secure",
    );
    expect(clearSessionCookie({ secure: false })).toBe("pf_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  });
});
