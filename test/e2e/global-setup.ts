// Builds the web UI once per test run into a private folder (so the browser tests always see the
// current web/ sources, and parallel runs never share an output folder), when the browser tests
// will run. The folder is handed to the tests with `provide("webDir")`.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { chromiumPath } from "./chromium.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

declare module "vitest" {
  export interface ProvidedContext {
    webDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  if (!chromiumPath()) {
    project.provide("webDir", "");
    return () => {};
  }
  const outDir = path.join(root, ".tmp", `web-${process.pid}`);
  const vite = path.join(root, "node_modules", "vite", "bin", "vite.js");
  execFileSync(
    process.execPath,
    [vite, "build", "--config", "web/vite.config.ts", "--logLevel", "error", "--bypass-lock"],
    {
      cwd: root,
      env: { ...process.env, WEB_OUT_DIR: outDir },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  project.provide("webDir", outDir);
  return () => fs.rmSync(outDir, { recursive: true, force: true });
}
