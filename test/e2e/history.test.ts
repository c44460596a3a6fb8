// The History view in a real Chromium: the table of stored records, full-text search and filters
// carried in the URL, bulk delete with confirmation, JSON Lines export and import, the empty
// states, and a running optimization shown live with Cancel.
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

const PROMPTS = {
  remote: "write a blog post about remote work for team leads",
  recursion: "explain recursion to a beginner with one python example",
  contract: "summarise this rental contract in five bullet points",
};

/** Runs one optimization to the end (the SSE stream read fully); returns the record id. */
async function forge(url: string, body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${url}/api/optimize`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  await res.text();
  const id = res.headers.get("X-Optimization-Id");
  if (!res.ok || !id) throw new Error(`optimize failed: ${res.status}`);
  return id;
}

/** The record rows of the table, by their selection checkboxes. */
const rowChecks = (page: Page) => page.getByRole("checkbox", { name: /^Select “/ });
const row = (page: Page, text: string) => page.getByRole("row").filter({ hasText: text });
/** expect.poll with room for a loaded machine (vitest's default is 1 s). */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000 });

describeBrowser("History view", () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    await forge(server.url, { prompt: PROMPTS.remote, tags: ["blog", "work"] });
    await forge(server.url, { prompt: PROMPTS.recursion, title: "Recursion for beginners" });
    await forge(server.url, { prompt: PROMPTS.contract, project: "Legal" });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("lists the records, narrows them by search (in the URL) and by status", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/#/history`);
    await poll(() => rowChecks(page).count()).toBe(3);
    await row(page, "remote work").getByRole("link").waitFor();
    expect(await row(page, "Recursion for beginners").getByText("completed").count()).toBe(1);
    expect(await row(page, "remote work").getByText("blog", { exact: true }).count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, "history", { both: true });

    await page.getByLabel("Search", { exact: true }).fill("remote");
    await poll(() => rowChecks(page).count()).toBe(1);
    expect(page.url()).toContain("search=remote");
    expect(await row(page, "remote work").count()).toBe(1);

    // A bookmark of the filtered view reopens it filtered.
    await page.reload();
    await poll(() => rowChecks(page).count()).toBe(1);
    await poll(() => page.getByLabel("Search", { exact: true }).inputValue()).toBe("remote");
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await poll(() => rowChecks(page).count()).toBe(3);
    expect(page.url()).not.toContain("search=");

    await page.getByLabel("Status", { exact: true }).selectOption("cancelled");
    await page.getByText(/No record matches status cancelled/).waitFor();
    expect(page.url()).toContain("status=cancelled");
    await page.getByLabel("Status", { exact: true }).selectOption("completed");
    await poll(() => rowChecks(page).count()).toBe(3);

    // Sort by score, highest first: the order follows the scores shown.
    await page.getByLabel("Sort").selectOption({ label: "Highest score" });
    await poll(() => page.url()).toContain("sort=overall_score&order=desc");
    await poll(async () => {
      const cells = await page
        .getByRole("region", { name: "History records" })
        .getByText(/^\s*\d+\.\d\s*$/)
        .allTextContents();
      const scores = cells.map(Number);
      return scores.length === 3 && scores.every((v, i) => i === 0 || scores[i - 1]! >= v);
    }).toBe(true);

    // Each row opens its record in Review.
    const link = row(page, "remote work").getByRole("link");
    expect(await link.getAttribute("href")).toMatch(/^#\/r\/[\w-]+$/);

    // "Open in Forge" hands the prompt to Forge.
    await row(page, "remote work")
      .getByRole("button", { name: /^Open in Forge/ })
      .click();
    await poll(() => page.url()).toMatch(/#\/$/);
    await poll(() => page.getByRole("textbox", { name: "Prompt" }).inputValue()).toContain(PROMPTS.remote);
    await page.goBack();
    await poll(() => rowChecks(page).count()).toBe(3);

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "history-390");
    expectNoProblems(problems);
    await context.close();
  });

  it("exports every record as a JSON Lines download", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/#/history`);
    await poll(() => rowChecks(page).count()).toBe(3);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export JSON Lines" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^promptforge-history-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const text = fs.readFileSync(await download.path(), "utf8");
    const records = text
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(3);
    expect(records.map((r) => r.raw_prompt).sort()).toEqual(Object.values(PROMPTS).sort());
    expect(records.every((r) => typeof r.id === "string" && r.status === "completed")).toBe(true);
    expectNoProblems(problems);
    await context.close();
  });

  it("imports a JSON Lines file, reports a bad line, and finds the imported records by search", async () => {
    const { body: page1 } = await server.api("GET", "/api/history?per_page=1");
    const base = page1.items[0];
    const now = new Date().toISOString();
    const make = (id: string, prompt: string, status: string) => ({
      ...base,
      id,
      status,
      raw_prompt: prompt,
      title: null,
      tags: ["imported"],
      project_id: null,
      prompt_id: null,
      retry_of: null,
      created_at: now,
      updated_at: now,
    });
    const lines = [
      JSON.stringify(make("import-0001", "plan a quantum gardening workshop for children", "completed")),
      "{ this is not json",
      JSON.stringify(make("import-0002", "draft quantum gardening safety rules for the greenhouse", "error")),
    ];
    const { page, problems, context } = await openPage(browser, `${server.url}/#/history`);
    await poll(() => rowChecks(page).count()).toBe(3);
    await page.getByLabel("Import JSON Lines").setInputFiles({
      name: "backup.jsonl",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from(`${lines.join("\n")}\n`),
    });
    await page.getByText(/imported 2 records, skipped 0/).waitFor();
    await page.getByText("Line 2: not valid JSON").waitFor();
    await poll(() => rowChecks(page).count()).toBe(5);

    await page.getByLabel("Search", { exact: true }).fill("quantum gardening");
    await poll(() => rowChecks(page).count()).toBe(2);
    await page.getByLabel("Status", { exact: true }).selectOption("error");
    await poll(() => rowChecks(page).count()).toBe(1);
    expect(await row(page, "safety rules").count()).toBe(1);

    // Importing the same file again inserts nothing.
    await page.getByLabel("Import JSON Lines").setInputFiles({
      name: "backup.jsonl",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from(lines.join("\n")),
    });
    await page.getByText(/imported 0 records, skipped 2/).waitFor();
    const { body } = await server.api("GET", "/api/history?per_page=1");
    expect(body.total).toBe(5);
    expectNoProblems(problems);
    await context.close();
  });

  it("deletes two selected records after a confirmation naming how many", async () => {
    const before = (await server.api("GET", "/api/history?per_page=1")).body.total as number;
    const { page, problems, context } = await openPage(browser, `${server.url}/#/history?search=quantum`);
    await poll(() => rowChecks(page).count()).toBe(2);
    for (const check of await rowChecks(page).all()) await check.check();
    await page.getByRole("button", { name: "Delete selected (2)" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete 2 records?" });
    await dialog.getByText("2 records will be deleted permanently", { exact: false }).waitFor();
    await dialog.getByRole("button", { name: "Delete 2 records" }).click();
    await page.getByText(/No record matches “quantum”/).waitFor();
    const after = (await server.api("GET", "/api/history?per_page=1")).body.total as number;
    expect(after).toBe(before - 2);

    // One record, from its row, after "select all on this page" is undone.
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await poll(() => rowChecks(page).count()).toBe(3);
    await page.getByRole("checkbox", { name: "Select all on this page" }).check();
    await poll(() => page.getByText("3 selected").count()).toBe(1);
    await page.getByRole("checkbox", { name: "Select all on this page" }).uncheck();
    await row(page, "rental contract")
      .getByRole("button", { name: /^Delete/ })
      .click();
    await page
      .getByRole("dialog", { name: "Delete 1 record?" })
      .getByRole("button", { name: "Delete 1 record" })
      .click();
    await poll(() => rowChecks(page).count()).toBe(2);
    expect((await server.api("GET", "/api/history?per_page=1")).body.total).toBe(after - 1);
    expectNoProblems(problems);
    await context.close();
  });

  it("shows the first-run empty state on an empty database", async () => {
    const wiped = await server.api("DELETE", "/api/history/all", undefined, { "X-Confirm-Delete": "yes" });
    expect(wiped.status).toBe(200);
    const { page, problems, context } = await openPage(browser, `${server.url}/#/history`);
    await page.getByRole("link", { name: "Forge your first prompt" }).waitFor();
    expect(await page.getByRole("button", { name: "Import a backup" }).count()).toBe(1);
    expect(await page.getByRole("table").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Export JSON Lines" }).count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, "history-empty", { both: true });
    await page.getByRole("link", { name: "Forge your first prompt" }).click();
    await poll(() => page.url()).toMatch(/#\/$/);
    expectNoProblems(problems);
    await context.close();
  });
});

describeBrowser("History view: running optimizations", () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer({ engineDelayMs: 1500 }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows a running optimization in “Running now” and cancels it", async () => {
    // The stream stays open (not read): the record is running until the cancel.
    const res = await fetch(`${server.url}/api/optimize`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "write a haiku about slow servers" }),
    });
    const id = res.headers.get("X-Optimization-Id");
    expect(id).toBeTruthy();
    try {
      const { page, problems, context } = await openPage(browser, `${server.url}/#/history`);
      const running = page.getByRole("region", { name: /Running now/ });
      await running.getByRole("link", { name: /haiku about slow servers/ }).waitFor();
      await screenshot(page, "history-running");
      await running.getByRole("button", { name: /^Cancel/ }).click();
      await expect
        .poll(async () => (await server.api("GET", `/api/optimize/${id}`)).body.status, { timeout: 5000 })
        .toBe("cancelled");
      await poll(() => running.count()).toBe(0);
      await row(page, "haiku about slow servers").getByText("cancelled").waitFor();
      expectNoProblems(problems);
      await context.close();
    } finally {
      await res.body?.cancel();
    }
  });
});
