// The Audit view in a real Chromium: the recorded requests (including a 404 and a 422) in a table,
// the status and path filters kept in the hash, pagination with the total, and the empty states.
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

describeBrowser("audit view", () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    expect((await server.api("POST", "/api/projects", { name: "Audited project" })).status).toBe(201);
    expect((await server.api("POST", "/api/projects", {})).status).toBe(422);
    expect((await server.api("DELETE", "/api/history/no-such-record")).status).toBe(404);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const table = (page: Page) => page.getByRole("table");
  /** The status shown in each row (its status button, "Show only 422"). */
  const statuses = async (page: Page) =>
    (
      await table(page)
        .getByRole("button", { name: /^Show only \d+$/ })
        .allTextContents()
    ).map((s) => Number(s.trim()));

  it("lists the audited requests, filters by status and path in the hash, and survives a reload", async () => {
    const { page, context, problems } = await openPage(browser, `${server.url}/#/audit`);
    await page.getByRole("heading", { level: 1, name: "Audit" }).waitFor();
    await table(page).waitFor();
    expect((await statuses(page)).sort()).toEqual([201, 404, 422]);
    const row422 = table(page).getByRole("row").filter({ hasText: "422" });
    expect(await row422.textContent()).toContain("POST");
    expect(await row422.textContent()).toContain("/api/projects");
    expect(await page.getByRole("navigation", { name: "Audit pages" }).textContent()).toContain("1–3 of 3 records");
    await expectAccessible(page);
    await screenshot(page, "audit", { both: true });

    await page.getByLabel("Status", { exact: true }).selectOption("422");
    await expect.poll(() => page.url()).toContain("status=422");
    await expect.poll(() => statuses(page)).toEqual([422]);

    await page.getByLabel("Status", { exact: true }).selectOption("");
    await page.getByLabel("Path contains").fill("history");
    await expect.poll(() => page.url()).toContain("path=history");
    await expect.poll(() => statuses(page)).toEqual([404]);
    expect(await table(page).textContent()).toContain("/api/history/no-such-record");

    // The hash carries the filters: a reload (or a bookmark) shows the same thing.
    await page.getByLabel("Status", { exact: true }).selectOption("4xx");
    await expect.poll(() => page.url()).toMatch(/status=4xx/);
    await page.reload();
    await table(page).waitFor();
    expect(await page.getByLabel("Status", { exact: true }).inputValue()).toBe("4xx");
    expect(await page.getByLabel("Path contains").inputValue()).toBe("history");
    await expect.poll(() => statuses(page)).toEqual([404]);

    // Nothing matches: the empty state offers to clear the filters.
    await page.getByLabel("Path contains").fill("nothing-like-this");
    await page.getByText("No audit record matches these filters.").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await expect.poll(() => statuses(page).then((s) => s.length)).toBe(3);
    expect(page.url()).not.toContain("status=");
    expectNoProblems(problems);
    await context.close();
  });

  it("pages through the log with the total, and clicking a status filters by it", async () => {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => server.api("POST", "/api/projects", { name: `Paged ${i}` })),
    );
    const { page, context, problems } = await openPage(browser, `${server.url}/#/audit?per_page=25`, {
      viewport: { width: 390, height: 844 },
    });
    const pager = page.getByRole("navigation", { name: "Audit pages" });
    await expect.poll(async () => (await pager.textContent()) ?? "").toContain("1–25 of 28 records");
    await pager.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => page.url()).toMatch(/[?&]page=2/);
    await expect.poll(async () => (await pager.textContent()) ?? "").toContain("26–28 of 28 records");
    await table(page).getByRole("button", { name: "Show only 422" }).first().click();
    await expect.poll(() => page.url()).toContain("status=422");
    expect(page.url()).not.toMatch(/[?&]page=2/);
    await expect.poll(() => statuses(page)).toEqual([422]);
    await screenshot(page, "audit-phone", { both: true });
    expectNoProblems(problems);
    await context.close();
  });
});

describeBrowser("audit view, empty", () => {
  let server: E2eServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("says what gets recorded when nothing is audited yet", async () => {
    const { page, context, problems } = await openPage(browser, `${server.url}/#/audit`);
    await page.getByText("Nothing audited yet.").waitFor();
    expect(await page.getByRole("table").count()).toBe(0);
    await expectAccessible(page);
    expectNoProblems(problems);
    await context.close();
  });
});
