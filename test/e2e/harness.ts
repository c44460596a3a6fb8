// The browser-test harness: the real server (`promptforge serve`, API + MCP, from source) on free
// loopback ports with a temporary data directory, Debian's Chromium through playwright-core, and
// checks every test wants: no console error or CSP violation, axe-core, screenshots.
//
// Outside CI a missing Chromium skips these tests with a printed reason; under CI=true it fails.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { describe, expect, inject } from "vitest";
import { TSX_IMPORT } from "../helpers/tsx.js";
import { CHROMIUM_ARGS, chromiumPath } from "./chromium.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const entry = path.join(root, "test/helpers/cli-entry.ts");
export const RESULTS_DIR = path.join(root, "test-results");

const executable = chromiumPath();
if (!executable) {
  if (process.env.CI === "true") throw new Error("CI=true but Chromium is missing: apt-get install -y chromium");
  console.warn("[e2e] skipping browser tests: no Chromium at /usr/bin/chromium (apt-get install -y chromium)");
}

/** `describe` that runs only when Chromium is present (and fails loudly under CI without it). */
export const describeBrowser: typeof describe = (executable ? describe : describe.skip) as typeof describe;

export function webDir(): string {
  if (process.env.PF_E2E_WEB_DIR) return process.env.PF_E2E_WEB_DIR;
  const provided = inject("webDir");
  if (provided) return provided;
  return path.join(root, "dist", "web");
}

export interface E2eServer {
  url: string;
  mcpUrl: string;
  dataDir: string;
  /** JSON request against the API (Origin-less, as curl would). */
  // biome-ignore lint/suspicious/noExplicitAny: tests assert response bodies structurally.
  api<T = any>(
    method: string,
    pathname: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export interface E2eServerOptions {
  env?: Record<string, string>;
  /** Per-stage delay of the engine (holds a run open for cancel tests). */
  engineDelayMs?: number;
}

/** Starts `promptforge serve` from source; resolves when both the API and MCP print their URLs. */
export async function startE2eServer(options: E2eServerOptions = {}): Promise<E2eServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-e2e-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    HOST: "127.0.0.1",
    PORT: "0",
    MCP_HOST: "127.0.0.1",
    MCP_PORT: "0",
    DATA_DIR: dataDir,
    WEB_DIR: webDir(),
    LOG_LEVEL: "warn",
    LLM_PROVIDER: "local",
    RATE_LIMIT_RPM: "100000",
    RATE_LIMIT_OPTIMIZE_RPM: "100000",
    ...(options.engineDelayMs ? { PF_TEST_ENGINE_DELAY_MS: String(options.engineDelayMs) } : {}),
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, ["--import", TSX_IMPORT, entry, "serve"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const urls = await new Promise<{ url: string; mcpUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${stderr}`)), 30_000);
    let url = "";
    let mcpUrl = "";
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
      mcpUrl ||= /MCP \(Streamable HTTP\) on (\S+)/.exec(stderr)?.[1] ?? "";
      url ||= /PromptForge listening on (\S+)/.exec(stderr)?.[1] ?? "";
      if (url && mcpUrl) {
        clearTimeout(timer);
        resolve({ url, mcpUrl });
      }
    });
    child.stdout?.on("data", () => {});
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it listened:\n${stderr}`));
    });
  });
  return {
    ...urls,
    dataDir,
    async api(method, pathname, body, headers = {}) {
      const res = await fetch(`${urls.url}${pathname}`, {
        method,
        headers: { ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON (an export, say): the text itself
      }
      return { status: res.status, body: parsed as never };
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 8000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: executable ?? undefined, args: CHROMIUM_ARGS, headless: true });
}

export interface PageProblems {
  /** Console errors, page errors, CSP violations and failed same-origin requests. */
  errors: string[];
  /** Every request the page made, as "METHOD url". */
  requests: string[];
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
}

/** A fresh context (own storage) and page that records console errors and CSP violations. */
export async function openPage(
  browser: Browser,
  url: string,
  options: {
    colorScheme?: "light" | "dark";
    viewport?: { width: number; height: number };
    allowErrors?: RegExp[];
  } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? "light",
    viewport: options.viewport ?? { width: 1280, height: 860 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: PageProblems = { errors: [], requests: [] };
  const allowed = (text: string) => (options.allowErrors ?? []).some((re) => re.test(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
    });
  });
  page.on("console", (msg) => {
    if (msg.type() === "error" && !allowed(msg.text())) problems.errors.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.errors.push(`pageerror: ${err.message}`));
  page.on("request", (req) => problems.requests.push(`${req.method()} ${req.url()}`));
  page.on("requestfailed", (req) => {
    const failure = req.failure()?.errorText ?? "";
    // Aborted streams (cancel, navigation) are expected; other failures are problems.
    if (!/ERR_ABORTED/.test(failure)) problems.errors.push(`requestfailed: ${req.method()} ${req.url()} ${failure}`);
  });
  page.on("response", (res) => {
    if (res.status() === 404 && !allowed(res.url())) problems.errors.push(`404: ${res.url()}`);
  });
  await page.goto(url);
  return { context, page, problems };
}

/** Fails the test if the page logged an error, violated the CSP or loaded something that 404ed. */
export function expectNoProblems(problems: PageProblems): void {
  expect(problems.errors, problems.errors.join("\n")).toEqual([]);
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/** Runs axe-core in the page (through the DevTools protocol, so the page's CSP stays as it is). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is a global injected above.
    const axe = (globalThis as any).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    // biome-ignore lint/suspicious/noExplicitAny: axe result objects.
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // biome-ignore lint/suspicious/noExplicitAny: axe result objects.
      nodes: v.nodes.slice(0, 5).map((n: any) => ({ target: n.target, html: String(n.html).slice(0, 200) })),
    }));
  });
  return result as AxeViolation[];
}

/** Asserts no serious or critical axe violation on the current page. */
export async function expectAccessible(page: Page): Promise<void> {
  const serious = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
}

/**
 * Writes test-results/<name>-<light|dark>.png (and the other theme too when `both` is set). The app
 * scrolls inside <main>, so the window is made as tall as the content for the shot, then restored.
 */
export async function screenshot(page: Page, name: string, options: { both?: boolean } = {}): Promise<void> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const viewport = page.viewportSize() ?? { width: 1280, height: 860 };
  const contentHeight = await page.evaluate(() => {
    const main = document.querySelector("main");
    const extra = main ? main.scrollHeight - main.clientHeight : 0;
    return Math.ceil(window.innerHeight + Math.max(0, extra));
  });
  const tall = Math.min(6000, Math.max(viewport.height, contentHeight));
  if (tall !== viewport.height) await page.setViewportSize({ width: viewport.width, height: tall });
  try {
    const current = (await page.evaluate(() => document.documentElement.dataset.theme)) ?? "light";
    await page.screenshot({ path: path.join(RESULTS_DIR, `${name}-${current}.png`), fullPage: true });
    if (options.both) {
      const other = current === "dark" ? "light" : "dark";
      await page.emulateMedia({ colorScheme: other });
      await page.waitForFunction((t) => document.documentElement.dataset.theme === t, other);
      await page.screenshot({ path: path.join(RESULTS_DIR, `${name}-${other}.png`), fullPage: true });
      await page.emulateMedia({ colorScheme: current as "light" | "dark" });
    }
  } finally {
    if (tall !== viewport.height) await page.setViewportSize(viewport);
  }
}
