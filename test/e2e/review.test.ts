// The Review view in a real Chromium against the real server: the word diff with constraints and
// placeholders marked, the preserved counts, the scores (bars and table), copy (plain, TypeScript,
// Python, and from the palette), the record's JSON with a download, retry with another strategy
// (linked by retry_of, shown as a chain), the strategy comparison, and the not-found/failed states.
import { execFileSync } from "node:child_process";
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

const PROMPT =
  "Write a product description for a steel water bottle in under 80 words. Do not use the word 'cheap'. " +
  "Use the placeholder {{brand}}.";
const DIMENSIONS = ["Clarity", "Specificity", "Structure", "Faithfulness", "Conciseness"];

function hasPython(): boolean {
  try {
    execFileSync("python3", ["-c", "pass"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describeBrowser("review view", () => {
  let server: E2eServer;
  let browser: Browser;
  // biome-ignore lint/suspicious/noExplicitAny: the record as the API returns it.
  let record: any;

  async function optimize(body: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${server.url}/api/optimize`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    await res.text();
    const id = res.headers.get("X-Optimization-Id");
    expect(id).toBeTruthy();
    return id!;
  }

  async function openReview(path: string, options: Parameters<typeof openPage>[2] = {}) {
    const opened = await openPage(browser, `${server.url}/#${path}`, options);
    await opened.page.getByRole("heading", { level: 1 }).waitFor();
    return opened;
  }

  const region = (page: Page, name: string) => page.getByRole("region", { name, exact: true });

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    const id = await optimize({ prompt: PROMPT, title: "Steel bottle" });
    record = (await server.api("GET", `/api/optimize/${id}`)).body;
    expect(record.status).toBe("completed");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows both texts with the word diff, the marked constraints and placeholders, the counts and the scores", async () => {
    const { page, context, problems } = await openReview(`/r/${record.id}`);
    const original = region(page, "Original");
    const optimized = region(page, "Optimized");
    await optimized.waitFor();
    expect(await original.textContent()).toContain(record.raw_prompt);
    expect(await optimized.textContent()).toContain(record.optimized_prompt);

    // Insertions are marked as such, and what they hold is new text.
    const inserted = optimized.getByRole("insertion").filter({ hasText: "## Rules" });
    await expect.poll(() => inserted.first().isVisible()).toBe(true);
    expect(record.raw_prompt).not.toContain("## Rules");
    expect(await original.getByRole("insertion").count()).toBe(0);

    // The constraints and the placeholder are marked in both texts.
    for (const side of [original, optimized]) {
      const marks = await side.getByRole("mark").allTextContents();
      expect(marks).toContain("{{brand}}");
      expect(marks).toContain("under 80 words");
      expect(marks).toContain("Do not use the word 'cheap'");
    }

    // n/m counts from the record's validation.
    const { constraints, placeholders } = record.validation.preserved;
    await expect
      .poll(() => page.getByText("Constraints kept").textContent())
      .toContain(`${constraints.kept}/${constraints.total}`);
    await expect
      .poll(() => page.getByText("Placeholders kept").textContent())
      .toContain(`${placeholders.kept}/${placeholders.total}`);

    // The score table (shown on request) has the five dimensions with the record's numbers.
    await page.getByRole("button", { name: "Show table" }).click();
    const table = page.getByRole("table", { name: /Scores/ });
    await expect.poll(() => table.isVisible()).toBe(true);
    for (const label of DIMENSIONS) {
      const key = label.toLowerCase();
      const cells = await table
        .getByRole("row", { name: new RegExp(`^${label}`) })
        .getByRole("cell")
        .allTextContents();
      expect(cells.slice(0, 2)).toEqual([
        record.validation.original_scores[key].toFixed(1),
        record.validation.optimized_scores[key].toFixed(1),
      ]);
    }
    expect(await page.getByText(record.validation.verdict).count()).toBe(1);
    expect(await page.getByText(record.strategy.reasoning).count()).toBe(1);
    await page.getByRole("button", { name: "Show bars" }).click();

    // Unified layout holds the insertions and deletions in one text.
    await page.getByRole("button", { name: "Unified" }).click();
    const unified = region(page, "Original → optimized");
    await expect.poll(() => unified.getByRole("insertion").count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Side by side" }).click();
    await optimized.waitFor();

    expectNoProblems(problems);
    await expectAccessible(page);
    // The shell scrolls inside <main>: a tall viewport shows the whole view in the screenshot.
    await page.setViewportSize({ width: 1280, height: 2100 });
    await screenshot(page, "review", { both: true });
    await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "review-phone");
    await context.close();
  });

  it("copies the optimized prompt as plain text, as TypeScript and Python strings, and from the palette", async () => {
    const { page, context, problems } = await openReview(`/r/${record.id}`);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
    const copy = page.getByRole("group", { name: "Copy the optimized prompt" });

    await copy.getByRole("button", { name: "Copy", exact: true }).click();
    await expect.poll(clipboard).toBe(record.optimized_prompt);

    await copy.getByRole("button", { name: "Copy as TypeScript string" }).click();
    await expect.poll(clipboard).toMatch(/^`/);
    expect(new Function(`return ${await clipboard()};`)()).toBe(record.optimized_prompt);

    await copy.getByRole("button", { name: "Copy as Python string" }).click();
    await expect.poll(clipboard).toMatch(/^"""/);
    if (hasPython()) {
      const code = `import sys; sys.stdout.write(${await clipboard()})`;
      expect(execFileSync("python3", ["-c", code]).toString()).toBe(record.optimized_prompt);
    }

    await page.evaluate(() => navigator.clipboard.writeText(""));
    await page.keyboard.press("Control+k");
    await page.getByRole("combobox", { name: "Search commands" }).fill("copy the optimized");
    await page.keyboard.press("Enter");
    await expect.poll(clipboard).toBe(record.optimized_prompt);
    expectNoProblems(problems);
    await context.close();
  });

  it("opens the record's JSON in a dialog with a download, under the CSP", async () => {
    const { page, context, problems } = await openReview(`/r/${record.id}`);
    await page.getByRole("button", { name: "JSON" }).click();
    const dialog = page.getByRole("dialog", { name: "Record JSON" });
    await expect.poll(() => dialog.textContent()).toContain(`"id": "${record.id}"`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      dialog.getByRole("link", { name: "Download JSON" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`optimization-${record.id}.json`);
    const saved = JSON.parse(fs.readFileSync((await download.path())!, "utf8"));
    expect(saved.id).toBe(record.id);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expectNoProblems(problems);
    await context.close();
  });

  it("iterates: edits the optimized prompt and hands it to Forge, linked to this record", async () => {
    const { page, context, problems } = await openReview(`/r/${record.id}`);
    await page.getByRole("button", { name: "Iterate" }).click();
    const dialog = page.getByRole("dialog", { name: "Iterate on the result" });
    const text = dialog.getByRole("textbox", { name: "Prompt to forge again" });
    await expect.poll(() => text.inputValue()).toBe(record.optimized_prompt);
    const edited = `${record.optimized_prompt}\n- Mention that it keeps drinks cold for 24 hours.`;
    await text.fill(edited);
    await dialog.getByRole("button", { name: "Forge again" }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe("#/");
    await expect.poll(() => page.getByRole("textbox", { name: "Prompt" }).inputValue()).toBe(edited);
    await expect
      .poll(() => page.getByRole("link", { name: "an earlier result" }).getAttribute("href"))
      .toBe(`#/r/${record.id}`);
    expectNoProblems(problems);
    await context.close();
  });

  it("retries with another strategy, lands on the new record linked by retry_of, and shows the chain", async () => {
    const { page, context, problems } = await openReview(`/r/${record.id}`);
    await page.getByRole("button", { name: "Retry with…" }).click();
    const strategy = page.getByRole("combobox", { name: "Strategy" });
    await expect.poll(() => strategy.locator("option").count()).toBe(10);
    await strategy.selectOption("chain-of-thought");
    await page.getByRole("button", { name: "Run retry" }).click();
    await expect.poll(() => page.url(), { timeout: 20_000 }).not.toContain(record.id);
    const newId = /#\/r\/([^/?]+)/.exec(page.url())![1]!;
    const retried = (await server.api("GET", `/api/optimize/${newId}`)).body;
    expect(retried.retry_of).toBe(record.id);
    expect(retried.strategy.strategy).toBe("chain-of-thought");

    // The new record's page names what it retries, and the chain links back.
    const chain = region(page, "Retry chain");
    await expect.poll(() => chain.getByRole("link", { name: record.id.slice(0, 8) }).count()).toBe(1);
    await expect.poll(() => page.getByText("chain-of-thought", { exact: true }).count()).toBeGreaterThan(0);

    // The original lists the retry among its children.
    await page.goto(`${server.url}/#/r/${record.id}`);
    await expect
      .poll(() =>
        region(page, "Retry chain")
          .getByRole("link", { name: newId.slice(0, 8) })
          .count(),
      )
      .toBe(1);
    expectNoProblems(problems);
    await context.close();
  }, 60_000);

  it("compares two strategies on the same prompt and names the winner", async () => {
    const { page, context, problems } = await openReview(`/r/${record.id}/compare`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Compare strategies");
    const picks = page.getByRole("group", { name: /Pick 2–4 strategies/ });
    const checked = picks.getByRole("checkbox", { checked: true });
    while ((await checked.count()) > 0) await checked.first().uncheck();
    await picks.getByRole("checkbox", { name: /step-by-step/ }).check();
    await picks.getByRole("checkbox", { name: /structured-output/ }).check();
    await page.getByRole("button", { name: "Run comparison" }).click();
    await expect.poll(() => page.getByText("Winner:").count(), { timeout: 20_000 }).toBe(1);

    const table = page.getByRole("table", { name: "Strategy comparison" });
    for (const name of ["step-by-step", "structured-output"]) {
      await expect.poll(() => table.getByRole("row", { name: new RegExp(`^${name}`) }).count()).toBe(1);
      await expect.poll(() => table.getByRole("link", { name: `Review ${name}` }).count()).toBe(1);
    }

    // The winner is the highest overall, ties broken by faithfulness (the baseline row included).
    await expect.poll(() => page.url()).toContain("runs=");
    const ids = new URL(page.url().replace("#", "")).searchParams.get("runs")!.split(",");
    expect(ids).toHaveLength(2);
    // biome-ignore lint/suspicious/noExplicitAny: records from the API.
    const records: any[] = [
      record,
      ...(await Promise.all(ids.map(async (id) => (await server.api("GET", `/api/optimize/${id}`)).body))),
    ];
    records.sort(
      (a, b) =>
        b.validation.overall - a.validation.overall ||
        b.validation.optimized_scores.faithfulness - a.validation.optimized_scores.faithfulness,
    );
    const winnerText = await page.getByText("Winner:").textContent();
    expect(winnerText).toContain(`Winner: ${records[0].strategy.strategy}.`);

    expectNoProblems(problems);
    await expectAccessible(page);
    await page.setViewportSize({ width: 1280, height: 1500 });
    await screenshot(page, "review-compare", { both: true });
    await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "review-compare-phone");
    await context.close();
  }, 60_000);

  it("shows a clear not-found state, and failed and running records with their status", async () => {
    const { page, context, problems } = await openReview("/r/does-not-exist", {
      allowErrors: [/status of 404/, /does-not-exist/],
    });
    const alert = page.getByRole("alert").filter({ hasText: "No optimization with the id" });
    await expect.poll(() => alert.isVisible()).toBe(true);
    await expect.poll(() => alert.getByRole("link", { name: "History" }).count()).toBe(1);

    const failed = {
      ...record,
      id: "e2e-failed-record",
      status: "error",
      optimized_prompt: null,
      validation: null,
      strategy: null,
      changes_made: [],
      notes: null,
      error_message: "The OpenAI key was rejected (401).",
    };
    const imported = await server.api("POST", "/api/history/import", { records: [failed] });
    expect(imported.body.inserted).toBe(1);

    await page.goto(`${server.url}/#/r/${failed.id}`);
    await expect
      .poll(() => page.getByRole("alert").filter({ hasText: "The run failed" }).textContent())
      .toContain("The OpenAI key was rejected (401).");
    await expect.poll(() => page.getByText("Not scored yet").count()).toBe(1);
    await expectAccessible(page);

    // A running record cannot be imported (an import marks it interrupted) and the local engine
    // finishes in milliseconds, so the API's answer for this one record is stood in for.
    const running = { ...failed, id: "e2e-running-record", status: "running", error_message: null };
    await page.route(`**/api/optimize/${running.id}`, (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(running) }),
    );
    await page.goto(`${server.url}/#/r/${running.id}`);
    await expect.poll(() => page.getByRole("status").filter({ hasText: "still running" }).count()).toBe(1);
    expectNoProblems(problems);
    await context.close();
  });
});
