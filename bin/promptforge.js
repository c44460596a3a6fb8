#!/usr/bin/env node
// Entry point of the `promptforge` command: runs the compiled CLI (built by `npm run build`,
// which `npm ci`/`npm install` run automatically through the `prepare` script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("promptforge: the compiled CLI is missing; run `npm run build` first.\n");
  process.exit(2);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv);
