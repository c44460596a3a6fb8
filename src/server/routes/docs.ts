// The OpenAPI document and the offline reference page that renders it.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { DOCS_CSS, DOCS_HTML, DOCS_JS } from "../docs/assets.js";
import type { HttpDeps } from "../http-deps.js";
import { buildOpenApiDocument } from "../openapi.js";

export function registerDocsRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  // Built on first request, after every route has registered its operation.
  let document: unknown;
  http.get("/openapi.json", (c) => {
    document ??= buildOpenApiDocument(http, deps.version);
    return c.json(document);
  });
  http.get("/docs", (c) => c.html(DOCS_HTML));
  http.get("/docs/docs.js", (c) => c.body(DOCS_JS, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
  http.get("/docs/docs.css", (c) => c.body(DOCS_CSS, 200, { "Content-Type": "text/css; charset=utf-8" }));
}
