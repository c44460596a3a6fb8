// What counts as "this machine": loopback bind addresses, Host values and origins.
import { isIP } from "node:net";

/** True for 127.0.0.0/8, ::1, ::ffff:127.x.y.z and `localhost` (bind addresses or hostnames). */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h === "localhost") return true;
  if (h.startsWith("::ffff:")) h = h.slice(7);
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || /^(0{1,4}:){7}0{0,3}1$/.test(h);
  return false;
}

/** The origins a browser uses to reach a loopback-bound server on `port`. */
export function loopbackOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
}

/** `URL.origin` of a string, or null when it is not an http(s) origin. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.origin;
  } catch {
    return null;
  }
}
