// The offline API reference at /docs: a static page, a stylesheet and a script that fetches
// /openapi.json and renders it. No CDN, no inline script or style, so a strict CSP allows it.

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PromptForge API reference</title>
<link rel="stylesheet" href="/docs/docs.css">
<script src="/docs/docs.js" defer></script>
</head>
<body>
<header>
  <h1>PromptForge API</h1>
  <p id="info">Loading <a href="/openapi.json">/openapi.json</a>…</p>
  <input id="filter" type="search" placeholder="Filter by path, summary or tag" aria-label="Filter operations">
</header>
<nav id="toc" aria-label="Tags"></nav>
<main id="ops"></main>
<noscript>This page needs JavaScript; the raw document is at <a href="/openapi.json">/openapi.json</a>.</noscript>
</body>
</html>
`;

export const DOCS_CSS = `:root { color-scheme: light dark; --fg: #1d1f24; --bg: #fff; --muted: #626874; --line: #d9dce2; --code: #f3f4f7; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8ec; --bg: #15171b; --muted: #9aa1ad; --line: #2d3139; --code: #1e2127; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header, nav, main { max-width: 980px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { margin: 0 0 4px; font-size: 26px; }
#info { color: var(--muted); margin: 0 0 12px; }
#filter { width: 100%; padding: 8px 10px; font: inherit; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
nav { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 12px; }
nav a { color: var(--muted); text-decoration: none; border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px; font-size: 13px; }
h2 { margin: 28px 0 8px; font-size: 19px; text-transform: capitalize; }
h2 small { font-weight: normal; color: var(--muted); font-size: 14px; text-transform: none; margin-left: 8px; }
details.op { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; }
details.op > summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 10px; align-items: baseline; list-style: none; }
details.op > summary::-webkit-details-marker { display: none; }
.method { font: 600 12px/1 ui-monospace, monospace; text-transform: uppercase; padding: 4px 6px; border-radius: 4px; min-width: 58px; text-align: center; color: #fff; }
.get { background: #2f6fdb; } .post { background: #18884f; } .put { background: #b7791f; } .delete { background: #c53030; }
.path { font: 14px ui-monospace, monospace; }
.summary { color: var(--muted); }
.body { padding: 0 14px 12px; border-top: 1px solid var(--line); }
h3 { font-size: 14px; margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 4px 6px; vertical-align: top; }
code, pre { font: 13px ui-monospace, monospace; background: var(--code); border-radius: 4px; }
code { padding: 1px 4px; }
pre { padding: 10px; overflow: auto; max-height: 420px; margin: 0; }
.hidden { display: none; }
.error { color: #c53030; }
`;

export const DOCS_JS = `"use strict";
(function () {
  var METHODS = ["get", "post", "put", "patch", "delete"];
  var doc = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function resolve(schema, depth) {
    if (!schema || typeof schema !== "object" || depth > 12) return schema;
    if (typeof schema.$ref === "string") {
      var name = schema.$ref.split("/").pop();
      var target = doc.components && doc.components.schemas ? doc.components.schemas[name] : null;
      return target ? resolve(target, depth + 1) : schema;
    }
    var out = Array.isArray(schema) ? [] : {};
    Object.keys(schema).forEach(function (key) { out[key] = resolve(schema[key], depth + 1); });
    return out;
  }

  function schemaBlock(schema) {
    return el("pre", null, JSON.stringify(resolve(schema, 0), null, 2));
  }

  function parametersTable(params) {
    var table = el("table");
    var head = el("tr");
    ["Name", "In", "Required", "Schema", "Description"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(head);
    params.forEach(function (p) {
      var row = el("tr");
      var name = el("td"); name.appendChild(el("code", null, p.name));
      row.appendChild(name);
      row.appendChild(el("td", null, p.in));
      row.appendChild(el("td", null, p.required ? "yes" : "no"));
      var s = resolve(p.schema || {}, 0);
      var type = s.enum ? s.enum.join(" | ") : (Array.isArray(s.type) ? s.type.join(" | ") : s.type || "");
      var bounds = [];
      if (s.minimum !== undefined) bounds.push("≥ " + s.minimum);
      if (s.maximum !== undefined) bounds.push("≤ " + s.maximum);
      if (s.maxLength !== undefined) bounds.push("max " + s.maxLength + " chars");
      if (s.default !== undefined) bounds.push("default " + JSON.stringify(s.default));
      row.appendChild(el("td", null, type + (bounds.length ? " (" + bounds.join(", ") + ")" : "")));
      row.appendChild(el("td", null, p.description || s.description || ""));
      table.appendChild(row);
    });
    return table;
  }

  function operation(path, method, op) {
    var details = el("details", "op");
    details.dataset.search = (method + " " + path + " " + (op.summary || "") + " " + (op.tags || []).join(" ")).toLowerCase();
    var summary = el("summary");
    summary.appendChild(el("span", "method " + method, method));
    summary.appendChild(el("span", "path", path));
    summary.appendChild(el("span", "summary", op.summary || ""));
    details.appendChild(summary);
    var body = el("div", "body");
    if (op.description) body.appendChild(el("p", null, op.description));
    if (op.parameters && op.parameters.length) {
      body.appendChild(el("h3", null, "Parameters"));
      body.appendChild(parametersTable(op.parameters));
    }
    if (op.requestBody && op.requestBody.content) {
      body.appendChild(el("h3", null, "Request body" + (op.requestBody.required ? "" : " (optional)")));
      if (op.requestBody.description) body.appendChild(el("p", null, op.requestBody.description));
      Object.keys(op.requestBody.content).forEach(function (type) {
        body.appendChild(el("p", null, type));
        body.appendChild(schemaBlock(op.requestBody.content[type].schema || {}));
      });
    }
    body.appendChild(el("h3", null, "Responses"));
    Object.keys(op.responses || {}).forEach(function (status) {
      var r = op.responses[status];
      var line = el("p");
      line.appendChild(el("code", null, status));
      line.appendChild(document.createTextNode(" " + (r.description || "")));
      body.appendChild(line);
      if (r.content) {
        Object.keys(r.content).forEach(function (type) {
          var schema = r.content[type].schema;
          if (schema && status.charAt(0) === "2") {
            var more = el("details");
            more.appendChild(el("summary", null, type));
            more.appendChild(schemaBlock(schema));
            body.appendChild(more);
          }
        });
      }
    });
    details.appendChild(body);
    return details;
  }

  function render() {
    var info = document.getElementById("info");
    info.textContent = "Version " + doc.info.version + " · OpenAPI " + doc.openapi + " · ";
    var raw = el("a", null, "/openapi.json");
    raw.href = "/openapi.json";
    info.appendChild(raw);
    var groups = {};
    var order = (doc.tags || []).map(function (t) { return t.name; });
    Object.keys(doc.paths).forEach(function (path) {
      METHODS.forEach(function (method) {
        var op = doc.paths[path][method];
        if (!op) return;
        var tag = (op.tags && op.tags[0]) || "other";
        if (order.indexOf(tag) < 0) order.push(tag);
        (groups[tag] = groups[tag] || []).push(operation(path, method, op));
      });
    });
    var ops = document.getElementById("ops");
    var toc = document.getElementById("toc");
    order.forEach(function (tag) {
      if (!groups[tag]) return;
      var meta = (doc.tags || []).filter(function (t) { return t.name === tag; })[0];
      var section = el("section");
      section.id = "tag-" + tag;
      var h = el("h2", null, tag);
      if (meta && meta.description) h.appendChild(el("small", null, meta.description));
      section.appendChild(h);
      groups[tag].forEach(function (node) { section.appendChild(node); });
      ops.appendChild(section);
      var link = el("a", null, tag);
      link.href = "#tag-" + tag;
      toc.appendChild(link);
    });
    document.getElementById("filter").addEventListener("input", function (event) {
      var q = event.target.value.trim().toLowerCase();
      document.querySelectorAll("details.op").forEach(function (node) {
        node.classList.toggle("hidden", q !== "" && node.dataset.search.indexOf(q) < 0);
      });
    });
  }

  fetch("/openapi.json", { headers: { Accept: "application/json" } })
    .then(function (res) { if (!res.ok) throw new Error("HTTP " + res.status); return res.json(); })
    .then(function (json) { doc = json; render(); })
    .catch(function (err) {
      var info = document.getElementById("info");
      info.className = "error";
      info.textContent = "Could not load /openapi.json: " + err.message;
    });
})();
`;
