import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { clientIpFrom, clientIpResolver, ipKey } from "./client-ip.js";

describe("ipKey", () => {
  it.each([
    ["1.2.3.4", "1.2.3.4"],
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["::FFFF:10.0.0.1", "10.0.0.1"],
    ["::ffff:0102:0304", "1.2.3.4"],
    ["0:0:0:0:0:ffff:1.2.3.4", "1.2.3.4"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["2001:db8::2:1", "2001:db8:0:0::/64"],
    ["2001:db8:1::", "2001:db8:1:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["[2001:db8:1:2::9]", "2001:db8:1:2::/64"],
    ["64:ff9b::1.2.3.4", "64:ff9b:0:0::/64"],
  ])("%s → %s", (input, expected) => {
    expect(ipKey(input)).toBe(expected);
  });

  it("groups every address of one /64 under the same key", () => {
    const keys = new Set(["2001:db8:aa:bb::1", "2001:db8:aa:bb:ffff::", "2001:db8:aa:bb:1:2:3:4"].map(ipKey));
    expect([...keys]).toEqual(["2001:db8:aa:bb::/64"]);
    expect(ipKey("2001:db8:aa:bc::1")).not.toBe(ipKey("2001:db8:aa:bb::1"));
  });

  it.each(["", "not-an-ip", "1.2.3", "1:2:3:4:5:6:7:8:9", "2001:db8:::1", "::ffff:999.1.1.1", "<script>"])(
    "rejects %j",
    (input) => {
      expect(ipKey(input)).toBeNull();
    },
  );
});

describe("clientIpFrom", () => {
  it("uses the socket address and ignores X-Forwarded-For without trustProxy", () => {
    expect(clientIpFrom({ socketAddress: "10.0.0.5", forwardedFor: "6.6.6.6", trustProxy: false })).toBe("10.0.0.5");
  });

  it("takes the right-most X-Forwarded-For entry behind one trusted proxy", () => {
    expect(clientIpFrom({ socketAddress: "10.0.0.1", forwardedFor: "6.6.6.6, 203.0.113.7", trustProxy: true })).toBe(
      "203.0.113.7",
    );
  });

  it("counts hops from the right when trusting several proxies", () => {
    const forwardedFor = "6.6.6.6, 203.0.113.7, 10.0.0.2";
    expect(clientIpFrom({ socketAddress: "10.0.0.1", forwardedFor, trustProxy: 2 })).toBe("203.0.113.7");
  });

  it("groups a forwarded IPv6 client by /64 and unwraps a mapped socket address", () => {
    expect(clientIpFrom({ socketAddress: "10.0.0.1", forwardedFor: "2001:db8:1:2::99", trustProxy: true })).toBe(
      "2001:db8:1:2::/64",
    );
    expect(clientIpFrom({ socketAddress: "::ffff:192.0.2.1", trustProxy: false })).toBe("192.0.2.1");
  });

  it("falls back to the socket when the forwarded entry is garbage", () => {
    expect(clientIpFrom({ socketAddress: "10.0.0.1", forwardedFor: "evil, not-an-ip", trustProxy: true })).toBe(
      "10.0.0.1",
    );
  });

  it("returns 'unknown' without any address", () => {
    expect(clientIpFrom({ socketAddress: undefined, trustProxy: false })).toBe("unknown");
  });
});

describe("clientIpResolver", () => {
  it("reads the node-server socket from c.env.incoming", async () => {
    const app = new Hono();
    app.get("/", (c) => c.text(clientIpResolver({ trustProxy: false })(c)));
    const env = {
      incoming: { socket: { remoteAddress: "::ffff:198.51.100.4", remotePort: 5555, remoteFamily: "IPv6" } },
    };
    const res = await app.request("/", { headers: { "X-Forwarded-For": "1.1.1.1" } }, env);
    expect(await res.text()).toBe("198.51.100.4");
  });

  it("honours X-Forwarded-For only with trustProxy", async () => {
    const app = new Hono();
    app.get("/", (c) => c.text(clientIpResolver({ trustProxy: true })(c)));
    const env = { incoming: { socket: { remoteAddress: "127.0.0.1" } } };
    const res = await app.request("/", { headers: { "X-Forwarded-For": "198.51.100.9" } }, env);
    expect(await res.text()).toBe("198.51.100.9");
  });

  it("yields 'unknown' outside node-server", async () => {
    const app = new Hono();
    app.get("/", (c) => c.text(clientIpResolver({ trustProxy: false })(c)));
    expect(await (await app.request("/")).text()).toBe("unknown");
  });
});
