// The Batch view in a real Chromium: paste prompts, run them over the batch SSE stream with a row
// per prompt reaching its final state, open each in Review, export the results; bad input is
// refused before anything is sent; Cancel stops the run and shows what the server made of it.
import fs from "node:fs";
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

const PROMPTS = [
  "write a blog post about remote work for team leads",
  "explain recursion to a beginner with one python example",
  "summarise this rental contract in five bullet points",
];

/** expect.poll with room for a loaded machine (vitest's default is 1 s). */
const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout });

const items = (page: Page) => page.getByRole("region", { name: "Batch items" });
const itemRows = (page: Page) => items(page).getByRole("row");
const withState = (page: Page, state: string) =>
  items(page)
    .getByRole("row")
    .filter({ has: page.getByText(state, { exact: true }) });
const batchRequests = (requests: string[]) => requests.filter((r) => r.includes("/api/optimize/batch"));

describeBrowser("Batch view", () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("runs three pasted prompts to completion, links each to Review and exports the results", async () => {
    const before = (await server.api("GET", "/api/history?per_page=1")).body.total as number;
    const { page, problems, context } = await openPage(browser, `${server.url}/#/batch`);
    await page.getByLabel("Prompts").fill(PROMPTS.join("\n"));
    await page.getByText("3 prompts · one prompt per line").waitFor();
    await page.getByLabel("Tags").fill("batch-test");
    await page.getByRole("button", { name: "Run batch (3)" }).click();

    await poll(() => withState(page, "completed").count()).toBe(3);
    await page.getByText("Finished: 3 of 3 completed.").waitFor();
    for (const prompt of PROMPTS) {
      const row = itemRows(page).filter({ hasText: prompt });
      expect(await row.getByText(/^\s*\d+\.\d\s*$/).count()).toBe(1);
      const href = await row.getByRole("link", { name: /Open in Review/ }).getAttribute("href");
      expect(href).toMatch(/^#\/r\/[\w-]+$/);
    }
    const { body } = await server.api("GET", "/api/history?tag=batch-test&per_page=10");
    expect(body.total).toBe(3);
    expect((await server.api("GET", "/api/history?per_page=1")).body.total).toBe(before + 3);
    expect(body.items.every((r: { status: string }) => r.status === "completed")).toBe(true);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export results (JSON Lines)" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^promptforge-batch-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const lines = fs
      .readFileSync(await download.path(), "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    expect(lines.map((r) => r.raw_prompt).sort()).toEqual([...PROMPTS].sort());

    await expectAccessible(page);
    await screenshot(page, "batch", { both: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "batch-390");

    // The first link opens the record in Review.
    await itemRows(page)
      .getByRole("link", { name: /Open in Review/ })
      .first()
      .click();
    await poll(() => page.url()).toMatch(/#\/r\/[\w-]+$/);
    expectNoProblems(problems);
    await context.close();
  });

  it("reports a bad line of an uploaded JSON Lines file by number and sends nothing", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/#/batch`);
    const jsonl = [
      '{"prompt": "explain recursion", "title": "Recursion"}',
      '{"prompt": "plan a trip", ',
      '{"title": "no prompt"}',
    ];
    await page.getByLabel("Upload a .txt or .jsonl file").setInputFiles({
      name: "prompts.jsonl",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from(jsonl.join("\n")),
    });
    await poll(() => page.getByLabel("Prompts").inputValue()).toContain("plan a trip");
    await page.getByText("1 prompt · JSON Lines · from prompts.jsonl").waitFor();
    await page.getByText(/Per-line fields “title” are not sent/).waitFor();
    const alert = page.getByRole("alert").filter({ hasText: "Nothing is sent" });
    await alert.getByText(/^Line 2: not valid JSON/).waitFor();
    await alert.getByText(/^Line 3: needs a non-empty "prompt" string/).waitFor();
    expect(await page.getByRole("button", { name: /^Run batch/ }).isDisabled()).toBe(true);
    await page.getByLabel("Prompts").press("Control+Enter");
    await page.waitForTimeout(300);
    expect(batchRequests(problems.requests)).toEqual([]);
    expectNoProblems(problems);
    await context.close();
  });

  it("refuses more than 20 prompts with a clear message", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/#/batch`);
    const many = Array.from({ length: 23 }, (_, i) => `write a haiku about the number ${i + 1}`);
    await page.getByLabel("Prompts").fill(many.join("\n"));
    await page
      .getByText("23 prompts: a batch takes at most 20. Remove 3 or split them into several batches.")
      .waitFor();
    expect(await page.getByRole("button", { name: /^Run batch/ }).isDisabled()).toBe(true);
    expect(batchRequests(problems.requests)).toEqual([]);
    await page.getByLabel("Prompts").fill(many.slice(0, 20).join("\n"));
    await page.getByRole("button", { name: "Run batch (20)" }).waitFor();
    expectNoProblems(problems);
    await context.close();
  });
});

describeBrowser("Batch view: cancel", () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startE2eServer({ engineDelayMs: 700, env: { BATCH_CONCURRENCY: "1" } }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("cancels a running batch: the stream is aborted and every unfinished prompt ends cancelled", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/#/batch`);
    await page.getByLabel("Prompts").fill(PROMPTS.join("\n"));
    await page.getByRole("button", { name: "Run batch (3)" }).click();
    // One at a time: the first prompt shows as running, with the stage the stream says it is in.
    await withState(page, "running").first().waitFor({ timeout: 10_000 });
    await page.locator("[data-item-stage]").first().waitFor({ timeout: 10_000 });
    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    await page.getByText(/^Cancelled: 0 completed, 3 cancelled/).waitFor({ timeout: 15_000 });
    expect(await withState(page, "cancelled").count()).toBe(3);
    // Every prompt got its (cancelled) record on the server; each row links to it.
    expect(
      await items(page)
        .getByRole("link", { name: /Open in Review/ })
        .count(),
    ).toBe(3);
    await poll(async () => (await server.api("GET", "/api/history?status=cancelled&per_page=10")).body.total).toBe(3);
    expect((await server.api("GET", "/api/history?status=running&per_page=1")).body.total).toBe(0);
    expect((await server.api("GET", "/api/history?status=completed&per_page=1")).body.total).toBe(0);
    expectNoProblems(problems);
    await context.close();
  });
});
