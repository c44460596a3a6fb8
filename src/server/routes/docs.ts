// The OpenAPI document and the interactive reference at /docs: Swagger UI from the installed
// `swagger-ui-dist` package (no CDN, works offline) under the server's strict CSP — our own page
// and init script, no inline script or style. Only the files listed here are served, so no request
// path ever reaches the file system. Vendor files are cached for a year when asked for with the
// installed version (`?v=5.x.y`, as the page links them) and revalidated otherwise.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HttpError } from "../errors.js";
import type { HttpDeps } from "../http-deps.js";
import { buildOpenApiDocument } from "../openapi.js";

const gzipAsync = promisify(gzip);

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const PNG = "image/png";

/** URL under /docs → file of swagger-ui-dist. The whole allow-list. */
const VENDOR_FILES: Record<string, { file: string; type: string }> = {
  "/docs/swagger-ui-bundle.js": { file: "swagger-ui-bundle.js", type: JS },
  "/docs/swagger-ui.css": { file: "swagger-ui.css", type: CSS },
  "/docs/favicon-32x32.png": { file: "favicon-32x32.png", type: PNG },
  "/docs/favicon-16x16.png": { file: "favicon-16x16.png", type: PNG },
};

const LONG_CACHE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

/**
 * Settings of the page; see https://swagger.io/docs/open-source-tools/swagger-ui/usage/configuration/.
 * `validatorUrl: null` keeps the page from calling validator.swagger.io; the bearer token entered
 * under "Authorize" (scheme `bearerAuth`) is kept in localStorage and sent with "Try it out".
 */
export const DOCS_INIT_JS = `"use strict";
// PromptForge API reference: Swagger UI on /openapi.json (served by this server, no CDN).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  filter: true,
  validatorUrl: null,
});
`;

function docsHtml(swaggerVersion: string, version: string): string {
  const v = encodeURIComponent(swaggerVersion);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PromptForge API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css?v=${v}">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png?v=${v}" sizes="32x32">
<link rel="icon" type="image/png" href="/docs/favicon-16x16.png?v=${v}" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<noscript>This page needs JavaScript; the raw document is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<script src="/docs/swagger-ui-bundle.js?v=${v}"></script>
<script src="/docs/init.js?v=${encodeURIComponent(version)}"></script>
</body>
</html>
`;
}

interface Loaded {
  body: Buffer;
  compressible: boolean;
  /** Made on the first request that accepts gzip. */
  gzip?: Promise<Buffer>;
}

interface SwaggerDist {
  dir: string;
  version: string;
}

/** The installed swagger-ui-dist, found once; `null` (and /docs answers 503) when it is missing. */
function locateSwaggerUi(): SwaggerDist | null {
  try {
    const manifest = createRequire(import.meta.url).resolve("swagger-ui-dist/package.json");
    const { version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string };
    return { dir: path.dirname(manifest), version };
  } catch {
    return null;
  }
}

export function registerDocsRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  // Built on first request, after every route (and any mounted one) has registered its operation.
  let document: unknown;
  http.get("/openapi.json", (c) => {
    document ??= buildOpenApiDocument(http, deps.version);
    return c.json(document);
  });

  let dist: SwaggerDist | null | undefined;
  const swagger = (): SwaggerDist => {
    dist ??= locateSwaggerUi();
    if (!dist) {
      throw new HttpError(503, "docs_unavailable", "The swagger-ui-dist package is not installed; see /openapi.json.");
    }
    return dist;
  };
  const files = new Map<string, Promise<Loaded>>();
  const load = (url: string, read: () => Promise<Buffer>, compress: boolean): Promise<Loaded> => {
    let loaded = files.get(url);
    if (!loaded) {
      loaded = read().then((body) => ({ body, compressible: compress }));
      // A failed read is retried on the next request rather than cached.
      loaded.catch(() => files.delete(url));
      files.set(url, loaded);
    }
    return loaded;
  };
  const send = async (c: Context, file: Loaded, type: string, cacheControl: string) => {
    const headers: Record<string, string> = { "Content-Type": type, "Cache-Control": cacheControl };
    let body = file.body;
    if (file.compressible) {
      headers.Vary = "Accept-Encoding";
      if (/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
        file.gzip ??= gzipAsync(file.body);
        body = await file.gzip;
        headers["Content-Encoding"] = "gzip";
      }
    }
    return c.body(new Uint8Array(body), 200, headers);
  };

  http.get("/docs", (c) => {
    c.header("Cache-Control", REVALIDATE);
    return c.html(docsHtml(swagger().version, deps.version));
  });
  // `/docs/` is `/docs` too: the app drops one trailing slash before routing (strict: false).
  http.get("/docs/init.js", (c) => c.body(DOCS_INIT_JS, 200, { "Content-Type": JS, "Cache-Control": REVALIDATE }));

  for (const [url, { file, type }] of Object.entries(VENDOR_FILES)) {
    http.get(url, async (c) => {
      const { dir, version } = swagger();
      const loaded = await load(url, () => fs.promises.readFile(path.join(dir, file)), type !== PNG);
      // Only the URL the page links (with the installed version) may be kept for a year.
      return send(c, loaded, type, c.req.query("v") === version ? LONG_CACHE : REVALIDATE);
    });
  }
}
