// Forge re-attaches to a running optimization after a page reload (issue 11, run events): the
// POST stream dies with the page, the run goes on on the server (resume grace), and the reloaded
// view follows it through GET /api/optimize/{id}/events — the timeline replayed, then the rest
// live, ending in the completed record. No second run is started.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  describeBrowser,
  type E2eServer,
  expectNoProblems,
  launchBrowser,
  openPage,
  startE2eServer,
} from "./harness.js";

describeBrowser("Forge across a reload", () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer({ engineDelayMs: 700 }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("re-attaches to the running forge after a reload and shows it to completion", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/`);
    await page.getByRole("textbox", { name: "Prompt" }).fill("Describe the tide tables for harbour pilots");
    await page.getByRole("button", { name: /^Forge/ }).click();
    await page.locator('[data-stage="analyze"][data-status="running"]').waitFor();
    const running = await server.api("GET", "/api/history?status=running");
    expect(running.body.total).toBe(1);
    const id = running.body.items[0].id as string;

    await page.reload();
    // The reloaded view follows the same run: the replay marks analyze (at least) started again.
    await page.locator('[data-stage="analyze"]:not([data-status="pending"])').waitFor({ timeout: 10_000 });
    expect(await page.getByRole("button", { name: "Cancel" }).isVisible()).toBe(true);
    await page.locator('[data-run-status="completed"]').waitFor({ timeout: 30_000 });
    for (const stage of ["analyze", "strategy", "optimize", "validate"]) {
      expect(await page.locator(`[data-stage="${stage}"]`).getAttribute("data-status")).toBe("done");
    }
    const history = await server.api("GET", "/api/history");
    expect(history.body.total).toBe(1);
    expect(history.body.items[0]).toMatchObject({ id, status: "completed" });
    // Once finished, another reload does not attach again.
    await page.reload();
    await page.getByRole("textbox", { name: "Prompt" }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.locator("[data-run-status]").count()).toBe(0);
    expectNoProblems(problems);
    await context.close();
  }, 60_000);
});
