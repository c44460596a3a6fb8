// The client key for rate limiting and audit: the socket address, X-Forwarded-For only behind a
// trusted proxy, IPv4-mapped IPv6 unwrapped, and IPv6 grouped by /64 (one host usually owns a
// whole /64, so per-address limits would be trivial to dodge).

import { isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

export interface ClientIpInput {
  socketAddress: string | undefined;
  forwardedFor?: string | undefined;
  /**
   * `false`: ignore X-Forwarded-For. `true` (= 1) or a number n: trust n proxies in front of us
   * and take the n-th X-Forwarded-For entry from the right. Each proxy appends the address it saw,
   * so right-most entries are written by our proxies; the left-most is whatever the client sent
   * and is never trusted.
   */
  trustProxy: boolean | number;
}

export const UNKNOWN_CLIENT = "unknown";

function expandIpv6(address: string): number[] | null {
  let text = address;
  // Rewrite a trailing dotted IPv4 part (::ffff:1.2.3.4) as two hex groups first.
  const lastColon = text.lastIndexOf(":");
  const v4 = text.slice(lastColon + 1);
  if (v4.includes(".")) {
    if (isIP(v4) !== 4) return null;
    const o = v4.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string) =>
    s === "" ? [] : s.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : -1));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const zeros = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (zeros < 0) return null;
  const groups = [...head, ...Array<number>(zeros).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => g >= 0) ? groups : null;
}

/** Normalised key of one address: IPv4 as is, IPv6 as its /64 (`2001:db8:1:2::/64`); null if not an IP. */
export function ipKey(address: string): string | null {
  let a = address.trim();
  if (a.startsWith("[") && a.endsWith("]")) a = a.slice(1, -1);
  const zone = a.indexOf("%");
  if (zone !== -1) a = a.slice(0, zone);
  const family = isIP(a);
  if (family === 4) return a;
  if (family !== 6) return null;
  const groups = expandIpv6(a.toLowerCase());
  if (!groups) return null;
  // ::ffff:a.b.c.d (IPv4-mapped) is an IPv4 client behind a dual-stack socket.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

export function clientIpFrom(input: ClientIpInput): string {
  const hops =
    input.trustProxy === true ? 1 : input.trustProxy === false ? 0 : Math.max(0, Math.floor(input.trustProxy));
  if (hops > 0 && input.forwardedFor) {
    const entries = input.forwardedFor
      .split(",")
      .map((e) => e.trim())
      .filter((e) => e !== "");
    const candidate = entries[entries.length - hops] ?? entries[0];
    const key = candidate === undefined ? null : ipKey(candidate);
    if (key) return key;
  }
  return (input.socketAddress && ipKey(input.socketAddress)) || UNKNOWN_CLIENT;
}

/** The TCP peer address under @hono/node-server; undefined elsewhere (e.g. `app.request` in tests). */
export function socketAddressOf(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** `(c) => client key` for `rateLimit` and `auditLog`; resolved once per request (both limits and the audit ask). */
export function clientIpResolver(options: { trustProxy: boolean | number }): (c: Context) => string {
  const resolved = new WeakMap<object, string>();
  return (c) => {
    let key = resolved.get(c.req);
    if (key === undefined) {
      key = clientIpFrom({
        socketAddress: socketAddressOf(c),
        forwardedFor: c.req.header("x-forwarded-for"),
        trustProxy: options.trustProxy,
      });
      resolved.set(c.req, key);
    }
    return key;
  };
}
