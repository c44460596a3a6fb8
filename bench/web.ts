// Web UI figures, measured in Debian's Chromium against the real server on loopback:
//   web.first_load_gzip_kb   JS + CSS the browser fetched until Forge was interactive, gzipped
//   web.first_load_ms        navigation → Forge's editor accepts input and shows lint (cold cache)
//   web.keystroke_ms         one keystroke in a 2,000-character prompt → diagnostics layer updated
//   web.forge_first_stage_ms click Forge → the first stage shown (local engine)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/server/serve.js";
import { CHROMIUM_ARGS, chromiumPath } from "../test/e2e/chromium.js";
import { type Figure, round, summarize } from "./stats.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A ~2,000-character prompt with diagnostics, constraints and placeholders. */
export const LONG_PROMPT = [
  "You are a senior support engineer. Write a reply to the customer email in {{email}} about a delayed order.",
  "Keep it under 150 words, do not promise a delivery date, and do not use the word 'unfortunately'.",
  "Make it good and engaging, and also summarise the order history, and also suggest two alternatives.",
  "Format: a greeting, two short paragraphs, and a sign-off with [agent_name].",
  "Use a friendly but professional tone suitable for a premium customer who has ordered many times before.",
]
  .join("\n")
  .repeat(4)
  .slice(0, 2000);

const KEYSTROKE_SCRIPT = `(async () => {
  const ta = document.querySelector("textarea[aria-label='Prompt']");
  const grid = ta.parentElement;
  const out = [];
  for (let i = 0; i < 100; i++) {
    const done = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        observer.disconnect();
        void grid.offsetHeight;
        resolve(performance.now());
      });
      observer.observe(grid, { subtree: true, childList: true, characterData: true });
    });
    const t0 = performance.now();
    ta.value = ta.value.slice(0, 1990) + String.fromCharCode(97 + (i % 26)) + ta.value.slice(1990);
    ta.dispatchEvent(new InputEvent("input", { bubbles: true, data: "x", inputType: "insertText" }));
    out.push((await done) - t0);
    await new Promise((r) => requestAnimationFrame(() => r(null)));
  }
  return out;
})()`;

const CLICK_SCRIPT = `(async () => {
  const button = [...document.querySelectorAll("button")].find((b) => /^Forge/.test((b.textContent || "").trim()));
  const shown = new Promise((resolve) => {
    const check = () => document.querySelector('[data-stage="analyze"]:not([data-status="pending"])');
    const observer = new MutationObserver(() => {
      if (check()) {
        observer.disconnect();
        resolve(performance.now());
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  const t0 = performance.now();
  button.click();
  return (await shown) - t0;
})()`;

function buildWebDir(): string {
  const out = path.join(root, ".tmp", `bench-web-${process.pid}`);
  const vite = path.join(root, "node_modules", "vite", "bin", "vite.js");
  execFileSync(
    process.execPath,
    [vite, "build", "--config", "web/vite.config.ts", "--logLevel", "error", "--bypass-lock"],
    {
      cwd: root,
      env: { ...process.env, WEB_OUT_DIR: out },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return out;
}

export async function runWebBench(): Promise<Figure[]> {
  const executable = chromiumPath();
  if (!executable)
    return [{ name: "web.skipped", value: 1, unit: "flag", message: "no Chromium at /usr/bin/chromium" }];
  const webDir = buildWebDir();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-bench-web-"));
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: dataDir,
    WEB_DIR: webDir,
    LOG_LEVEL: "silent",
    LLM_PROVIDER: "local",
    RATE_LIMIT_RPM: "1000000",
    RATE_LIMIT_OPTIMIZE_RPM: "1000000",
  });
  const app = await createApp(config);
  const server = await startServer({ config, app });
  const browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
  const figures: Figure[] = [];
  try {
    // First load, cold cache: a new context each time; bytes counted from what the browser fetched.
    const loadTimes: number[] = [];
    let gzipBytes = 0;
    for (let run = 0; run < 7; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const assets = new Set<string>();
      page.on("response", (res) => {
        const type = res.headers()["content-type"] ?? "";
        if (/javascript|css/.test(type)) assets.add(res.url());
      });
      const started = Date.now();
      await page.goto(`${server.url}/`);
      await page.getByRole("textbox", { name: "Prompt" }).waitFor();
      await page.getByRole("textbox", { name: "Prompt" }).fill("write something good");
      await page.locator("mark[data-diagnostic]").first().waitFor();
      loadTimes.push(Date.now() - started);
      if (run === 0) {
        for (const url of assets) {
          const body = Buffer.from(await (await fetch(url)).arrayBuffer());
          gzipBytes += gzipSync(body, { level: 9 }).length;
        }
      }
      await context.close();
    }
    const kb = round(gzipBytes / 1024, 1);
    figures.push({ name: "web.first_load_gzip_kb", value: kb, unit: "kB", budget: "<= 250", within_budget: kb <= 250 });
    const load = summarize(loadTimes.slice(1));
    figures.push({
      name: "web.first_load_ms",
      value: load.median,
      unit: "ms",
      max: load.max,
      budget: "< 1000",
      within_budget: load.median < 1000,
    });

    // Keystrokes: append one character at a time to a 2,000-character prompt and time until the
    // underline layer has been patched and laid out.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const editor = page.getByRole("textbox", { name: "Prompt" });
    await editor.waitFor();
    await editor.fill(LONG_PROMPT);
    await page.locator("mark[data-diagnostic]").first().waitFor();
    // Page scripts are strings: tsx would wrap functions in helpers that do not exist in the page.
    const samples = (await page.evaluate(KEYSTROKE_SCRIPT)) as number[];
    const keys = summarize(samples);
    figures.push({
      name: "web.keystroke_ms",
      value: round(keys.median, 2),
      unit: "ms",
      p95: round(keys.p95, 2),
      prompt_chars: LONG_PROMPT.length,
      budget: "< 16 (median of 100)",
      within_budget: keys.median < 16,
    });

    // Click Forge → the first stage shown.
    const clicks: number[] = [];
    for (let run = 0; run < 10; run++) {
      await editor.fill(`Explain recursion to a new programmer, take ${run}`);
      const ms = (await page.evaluate(CLICK_SCRIPT)) as number;
      clicks.push(ms);
      await page.locator('[data-run-status="completed"]').waitFor();
    }
    const click = summarize(clicks);
    figures.push({
      name: "web.forge_first_stage_ms",
      value: round(click.median, 1),
      unit: "ms",
      max: round(click.max, 1),
      budget: "< 100",
      within_budget: click.median < 100,
    });
    await context.close();
  } finally {
    await browser.close();
    await server.close();
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(webDir, { recursive: true, force: true });
  }
  return figures;
}
