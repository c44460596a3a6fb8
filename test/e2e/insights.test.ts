// Insights in a real Chromium: the totals, the score histogram, the strategy × task-type heatmap
// and the improvement rates match GET /api/history/stats, each chart has its table, and an empty
// history shows what to do first.
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

const SEEDS = [
  { prompt: "Write a Python function that parses ISO dates and returns UTC datetimes.", strategy: "co-star" },
  { prompt: "Write a TypeScript helper that debounces a callback by 200 ms.", strategy: "co-star" },
  { prompt: "Summarise this quarterly report for the board in five bullet points.", strategy: "risen" },
  { prompt: "Classify each support ticket as billing, bug or question and return JSON.", strategy: "chain-of-thought" },
];

interface Breakdown {
  count: number;
  avg_overall: number | null;
  improvement_rate: number | null;
}
interface Stats {
  total: number;
  avg_overall: number | null;
  score_distribution: Record<string, number>;
  by_strategy: Record<string, Breakdown>;
  by_strategy_task_type: Record<string, Record<string, Breakdown>>;
}

async function seed(server: E2eServer, body: { prompt: string; strategy: string }): Promise<void> {
  const res = await fetch(`${server.url}/api/optimize`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  await res.text();
}

async function openInsights(browser: Browser, server: E2eServer, options: Parameters<typeof openPage>[2] = {}) {
  const opened = await openPage(browser, `${server.url}/#/insights`, options);
  await opened.page.getByRole("heading", { level: 1, name: "Insights" }).waitFor();
  return opened;
}

const card = (page: Page, name: string) => page.getByRole("group", { name });
const oneDecimal = (n: number | null) => (n === null ? "—" : n.toFixed(1));

describeBrowser("Insights view", () => {
  let server: E2eServer;
  let empty: E2eServer;
  let browser: Browser;
  let stats: Stats;

  beforeAll(async () => {
    [server, empty, browser] = await Promise.all([startE2eServer(), startE2eServer(), launchBrowser()]);
    for (const body of SEEDS) await seed(server, body);
    stats = (await server.api<Stats>("GET", "/api/history/stats")).body;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), empty?.stop()]);
  });

  it("shows totals, the histogram, the heatmap and the improvement rates of the stats, with tables", async () => {
    expect(stats.total).toBe(SEEDS.length);
    // Tall enough that the full-page screenshot holds every chart (the shell's main area scrolls).
    const { page, problems, context } = await openInsights(browser, server, {
      viewport: { width: 1280, height: 1250 },
    });

    await expect.poll(() => card(page, "Total optimizations").textContent()).toContain(String(stats.total));
    expect(await card(page, "Average score").textContent()).toContain(oneDecimal(stats.avg_overall));

    // Histogram: one bar per bucket, each with its count, and the same numbers in its table.
    const histogram = page.getByRole("img", { name: /Score histogram/ });
    await histogram.waitFor();
    const bars = histogram.locator("[data-bucket]");
    expect(await bars.count()).toBe(9);
    for (const [bucket, count] of Object.entries(stats.score_distribution)) {
      const bar = histogram.locator(`[data-bucket="${bucket}"]`);
      expect(await bar.getAttribute("data-count")).toBe(String(count));
      expect((await bar.textContent())?.trim()).toContain(String(count));
    }
    expect(await histogram.getAttribute("aria-label")).toContain(`${SEEDS.length} scored results`);
    await page.getByRole("img", { name: /Heatmap of the mean score/ }).waitFor();
    await screenshot(page, "insights", { both: true });

    const histSection = page.getByRole("region", { name: "Score distribution" });
    await histSection.getByText("Show as table").click();
    const histTable = histSection.getByRole("table");
    const filled = Object.entries(stats.score_distribution).find(([, n]) => n > 0) as [string, number];
    expect(await histTable.getByRole("row", { name: new RegExp(`^${filled[0]} ${filled[1]}$`) }).count()).toBe(1);

    // Heatmap: the co-star row has a cell for its task type with the mean and count as text.
    const [taskType, cell] = Object.entries(stats.by_strategy_task_type["co-star"] ?? {})[0] as [string, Breakdown];
    const heatmap = page.getByRole("img", { name: /Heatmap of the mean score/ });
    const heatCell = heatmap.locator(`[data-cell="co-star|${taskType}"]`);
    expect(await heatCell.textContent()).toContain(oneDecimal(cell.avg_overall));
    expect(await heatCell.textContent()).toContain(`n=${cell.count}`);
    const heatSection = page.getByRole("region", { name: "Mean score by strategy and task type" });
    await heatSection.getByText("Show as table").click();
    const heatTable = heatSection.getByRole("table");
    await expect.poll(() => heatTable.getByRole("columnheader", { name: taskType, exact: true }).count()).toBe(1);
    const row = heatTable.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "co-star" }) });
    expect(await row.textContent()).toContain(`${oneDecimal(cell.avg_overall)} (n=${cell.count})`);

    // Improvement rate per strategy, as bars and in the table.
    const rates = page.getByRole("img", { name: /Improvement rate per strategy/ });
    const coStar = stats.by_strategy["co-star"] as Breakdown;
    const pct = `${Math.round((coStar.improvement_rate ?? 0) * 100)}%`;
    expect(await rates.locator('[data-strategy="co-star"]').textContent()).toContain(pct);
    const rateSection = page.getByRole("region", { name: "Improvement rate per strategy" });
    await rateSection.getByText("Show as table").click();
    const rateRow = rateSection.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "co-star" }) });
    expect(await rateRow.textContent()).toContain(pct);
    expect(await rateRow.textContent()).toContain(String(coStar.count));

    await expectAccessible(page);
    expectNoProblems(problems);
    await context.close();
  });

  it("fits a 390 px phone", async () => {
    const { page, problems, context } = await openInsights(browser, server, { viewport: { width: 390, height: 844 } });
    await page.getByRole("img", { name: /Score histogram/ }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "insights-phone");
    expectNoProblems(problems);
    await context.close();
  });

  it("says what to do first when there is no history", async () => {
    const { page, problems, context } = await openInsights(browser, empty, { colorScheme: "dark" });
    await page.getByText("No history yet.").waitFor();
    expect(await page.getByRole("link", { name: "Forge a prompt" }).getAttribute("href")).toBe("#/");
    expect(await page.getByRole("img").count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, "insights-empty");
    expectNoProblems(problems);
    await context.close();
  });
});
