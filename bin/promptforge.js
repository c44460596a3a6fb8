#!/usr/bin/env node
// Entry point of the `promptforge` command: runs the compiled CLI (built by `npm run build`,
// which `npm ci`/`npm install` run automatically through the `prepare` script).
import { existsSync, mkdirSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("promptforge: the compiled CLI is missing; run `npm run build` first.\n");
  process.exit(2);
}

// Node >= 22.1: keep V8's compiled code of the CLI's modules between runs (~0.2 s less CPU at
// start-up, which is mostly module loading). The cache lives in dist/.compile-cache, mode 0700:
// whoever can write there can already write the code in dist/ itself, so it adds no one who can
// change what runs (a shared tmpdir would). Node checks each entry against the source it was made
// from. An unwritable install simply runs without it; NODE_DISABLE_COMPILE_CACHE=1 turns it off and
// NODE_COMPILE_CACHE=<dir> (Node's own variable) puts it elsewhere. Node 20 has no such cache.
if (typeof module.enableCompileCache === "function" && !process.env.NODE_COMPILE_CACHE) {
  const cache = fileURLToPath(new URL("../dist/.compile-cache", import.meta.url));
  try {
    mkdirSync(cache, { recursive: true, mode: 0o700 });
    module.enableCompileCache(cache);
  } catch {
    // Read-only install: start without the cache.
  }
}

const { run } = await import(main.href);
process.exitCode = await run(process.argv);
