// The web UI (the Svelte SPA built into dist/web) at `/`. Files are read once into memory with a
// gzip copy, so only files that existed when the server started can ever be served (no path
// traversal). Hashed assets are cached for a year; index.html is revalidated on every load, and
// any other GET that asks for HTML (a client-side route) gets index.html.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Context } from "hono";
import { errorBody } from "../errors.js";

interface WebFile {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer> | null;
  type: string;
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
};
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".txt", ".webmanifest"]);
/** Paths the SPA fallback never answers: they belong to the API, the docs or MCP. */
const RESERVED = /^\/(api|internal|mcp|docs|openapi\.json)(\/|$)/;

function loadWebDir(dir: string): Map<string, WebFile> | null {
  if (!fs.existsSync(path.join(dir, "index.html"))) return null;
  const files = new Map<string, WebFile>();
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const ext = path.extname(entry.name).toLowerCase();
        const type = TYPES[ext];
        if (!type) continue;
        // Copied once into plain Uint8Arrays (what a Response body takes), never per request.
        const body = new Uint8Array(fs.readFileSync(full));
        const url = `/${path.relative(dir, full).split(path.sep).join("/")}`;
        files.set(url, {
          body,
          gzip: COMPRESSIBLE.has(ext) && body.length > 512 ? new Uint8Array(gzipSync(body, { level: 9 })) : null,
          type,
          immutable: url.startsWith("/assets/"),
        });
      }
    }
  };
  walk(dir);
  return files;
}

function send(c: Context, file: WebFile): Response {
  const headers: Record<string, string> = {
    "Content-Type": file.type,
    "Cache-Control": file.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    Vary: "Accept-Encoding",
  };
  const gzip = file.gzip !== null && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "") ? file.gzip : null;
  if (gzip) headers["Content-Encoding"] = "gzip";
  const body = gzip ?? file.body;
  if (c.req.method === "HEAD") return c.body(null, 200, headers);
  return c.body(body, 200, headers);
}

/**
 * The web UI as a not-found fallback: it answers only GET/HEAD requests no route matched, so it
 * can never shadow an API route or change a 404/405 of the API. Returns null when it does not apply.
 */
export function createWebUi(webDir: string): (c: Context) => Response | null {
  let files: Map<string, WebFile> | null | undefined;
  return (c) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return null;
    const pathname = c.req.path;
    if (RESERVED.test(pathname)) return null;
    files ??= loadWebDir(webDir);
    const wantsHtml = (c.req.header("accept") ?? "").includes("text/html");
    if (!files) {
      if (pathname !== "/" && !wantsHtml) return null;
      return c.json(
        errorBody(
          "web_ui_not_built",
          `The web UI is not built (no index.html in ${webDir}): run \`npm run build\`, or use the API under /api and its reference at /docs.`,
        ),
        503,
      );
    }
    const file = files.get(pathname === "/" ? "/index.html" : pathname);
    if (file) return send(c, file);
    // A client-side route (a bookmark such as /history) gets the app; a missing asset stays a 404.
    const isAsset = pathname.startsWith("/assets/") || path.extname(pathname) !== "";
    if (!isAsset && wantsHtml) return send(c, files.get("/index.html")!);
    return null;
  };
}
