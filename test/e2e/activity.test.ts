// Activity in a real Chromium: an MCP client (the official SDK over Streamable HTTP) calls tools
// and the open page shows them live — in progress with a progress bar, then completed with its
// duration, a toast with "Open", History refreshed — and a failing call with its message; the
// feed reconnects with backoff after an error.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  describeBrowser,
  type E2eServer,
  expectAccessible,
  expectNoProblems,
  launchBrowser,
  openPage,
  screenshot,
  startE2eServer,
} from "./harness.js";

const PROMPT = "Write a haiku about a lighthouse keeper who collects lost radio signals.";
const DURATION = /\b\d+(\.\d)? (ms|s)\b/;

describeBrowser("Activity view", () => {
  let server: E2eServer;
  let browser: Browser;
  let client: Client;

  beforeAll(async () => {
    // A slow engine (per stage) keeps the MCP optimize call open long enough to see its progress.
    [server, browser] = await Promise.all([startE2eServer({ engineDelayMs: 300 }), launchBrowser()]);
    client = new Client({ name: "e2e-agent", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl)));
  }, 60_000);
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  const finished = (page: Page) =>
    page.getByRole("list", { name: "Finished MCP calls, newest first" }).getByRole("listitem");

  async function openActivity(options: Parameters<typeof openPage>[2] = {}) {
    const opened = await openPage(browser, `${server.url}/#/activity`, options);
    await opened.page.getByRole("heading", { level: 1, name: "Activity" }).waitFor();
    return opened;
  }

  it("shows an MCP optimize call live, raises a toast with Open, and History has the record", async () => {
    const { page, problems, context } = await openActivity({ viewport: { width: 1280, height: 1000 } });
    await page
      .getByRole("status")
      .filter({ hasText: /^Live$/ })
      .waitFor();
    const mcp = page.getByRole("region", { name: "MCP server" });
    await expect.poll(() => mcp.textContent()).toContain(server.mcpUrl);
    expect(await mcp.textContent()).toContain("Running");

    const call = client.callTool({ name: "optimize", arguments: { prompt: PROMPT, title: "Lighthouse haiku" } });
    // In progress, with a progress bar fed by tool_progress.
    const running = page.getByRole("region", { name: /In progress/ });
    await running.getByRole("progressbar", { name: "optimize progress" }).waitFor({ timeout: 10_000 });
    await screenshot(page, "activity-running");
    const result = (await call) as { isError?: boolean; structuredContent?: { id?: string } };
    expect(result.isError).toBeFalsy();
    const id = result.structuredContent?.id as string;
    expect(id).toBeTruthy();

    // Completed, with its duration, without a reload.
    const item = finished(page).filter({ hasText: "optimize" }).first();
    await item.waitFor();
    expect(await item.textContent()).toContain("completed");
    expect(await item.textContent()).toMatch(DURATION);
    expect(await item.getByRole("link", { name: /^Open/ }).getAttribute("href")).toBe(`#/r/${id}`);
    await expect.poll(() => running.getByRole("progressbar").count()).toBe(0);

    // A toast on whatever view is open, with an Open link to the record.
    const toast = page.getByRole("status", { name: "Notifications" });
    await expect.poll(() => toast.textContent()).toContain("MCP optimize completed");
    expect(await toast.getByRole("link", { name: "Open" }).getAttribute("href")).toBe(`#/r/${id}`);

    await expect.poll(() => mcp.textContent()).toMatch(/Last activity\s*(just now|\d+ s ago)/);
    await expectAccessible(page);
    await screenshot(page, "activity", { both: true });

    // The record is stored; History (reached without a reload) lists it.
    const stored = await server.api("GET", `/api/optimize/${id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.title).toBe("Lighthouse haiku");
    const navigations: string[] = [];
    page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "History", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "History" }).waitFor();
    await page.getByText("Lighthouse haiku").first().waitFor({ timeout: 10_000 });

    // While History is open, another MCP call shows up in it live, with its toast.
    const second = (await client.callTool({
      name: "optimize",
      arguments: { prompt: `${PROMPT} In winter.`, title: "Winter haiku" },
    })) as { structuredContent?: { id?: string } };
    await page.getByText("Winter haiku").first().waitFor({ timeout: 10_000 });
    await expect
      .poll(() => toast.getByRole("link", { name: "Open" }).last().getAttribute("href"))
      .toBe(`#/r/${second.structuredContent?.id}`);
    // Hash changes only: the document was never reloaded.
    expect(navigations.every((url) => url.startsWith(`${server.url}/#`))).toBe(true);
    expect(await page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(1);
    expectNoProblems(problems);
    await context.close();
  });

  it("shows a failed call with its message, and no toast", async () => {
    const { page, problems, context } = await openActivity({ viewport: { width: 390, height: 844 } });
    await page
      .getByRole("status")
      .filter({ hasText: /^Live$/ })
      .waitFor();
    const result = (await client.callTool({ name: "get", arguments: { id: "no-such-record" } })) as {
      isError?: boolean;
      content?: Array<{ text?: string }>;
    };
    expect(result.isError).toBe(true);
    const item = finished(page).filter({ hasText: "failed" }).first();
    await item.waitFor();
    const text = (await item.textContent()) ?? "";
    expect(text).toContain("get");
    expect(text).toMatch(DURATION);
    expect(text).toContain("no-such-record");
    // The earlier optimize calls are listed too (replayed on connect), but not announced again.
    expect(await finished(page).filter({ hasText: "optimize" }).count()).toBe(2);
    await page.getByLabel(/Failures only/).check();
    await expect.poll(() => finished(page).count()).toBe(1);
    expect(await page.getByRole("status", { name: "Notifications" }).textContent()).not.toContain("MCP");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page);
    await screenshot(page, "activity-phone", { both: true });
    expectNoProblems(problems);
    await context.close();
  });

  it("says when the feed fails and reconnects with backoff", async () => {
    const { page, problems, context } = await openPage(browser, "about:blank", { allowErrors: [/503/] });
    let refused = 0;
    await page.route("**/api/mcp/events", async (route) => {
      if (refused++ === 0) {
        await route.fulfill({
          status: 503,
          contentType: "application/json",
          body: JSON.stringify({
            error: { code: "unavailable", message: "Too many open activity feeds; retry later." },
          }),
        });
      } else await route.fallback();
    });
    await page.goto(`${server.url}/#/activity`);
    await page
      .getByRole("status")
      .filter({ hasText: /Reconnecting in \d s/ })
      .waitFor();
    const alert = page.getByRole("alert").filter({ hasText: "Too many open activity feeds" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("unavailable");
    await page
      .getByRole("status")
      .filter({ hasText: /^Live$/ })
      .waitFor({ timeout: 10_000 });
    expect(await alert.count()).toBe(0);
    expect(refused).toBe(2);
    expectNoProblems(problems);
    await context.close();
  });
});
