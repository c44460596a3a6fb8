// "Verify an output" on the Review's Test page in a real Chromium against the real server: a pasted
// answer is checked against the record's constraints (POST /api/verify, offline), with a verdict per
// constraint; switching to the original prompt and a failing answer show the failure.
import type { Browser } from "playwright-core";
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

const PROMPT = "Describe the ocean in less than 20 words. Do not use any commas.";

describeBrowser("review: verify an output", () => {
  let server: E2eServer;
  let browser: Browser;
  let id: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    const res = await fetch(`${server.url}/api/optimize`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: PROMPT, title: "Ocean" }),
    });
    await res.text();
    id = res.headers.get("X-Optimization-Id") as string;
    expect(id).toBeTruthy();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("checks a pasted answer against the prompt's constraints, one verdict each", async () => {
    const { page, context, problems } = await openPage(browser, `${server.url}/#/r/${id}/test`);
    const panel = page.getByRole("region", { name: "Verify an output" });
    await panel.waitFor();

    // A compliant answer, against the original prompt (whose constraints are known verbatim).
    await panel.getByLabel("Original").check();
    await panel.getByLabel("Model output").fill("The ocean is vast and blue and full of quiet life.");
    await panel.getByRole("button", { name: "Verify" }).click();
    const status = panel.getByRole("status");
    await expect.poll(() => status.textContent()).toContain("follows every checked constraint");
    const verdicts = panel.getByRole("list", { name: "Verdicts" }).getByRole("listitem");
    expect(await verdicts.count()).toBeGreaterThanOrEqual(2);
    const texts = await verdicts.allTextContents();
    expect(texts.some((t) => t.includes("length.words") && t.startsWith("ok"))).toBe(true);
    expect(texts.some((t) => t.includes("punctuation.no_commas") && t.startsWith("ok"))).toBe(true);

    // A failing answer: commas and too many words.
    await panel
      .getByLabel("Model output")
      .fill(
        "The ocean, which covers most of the planet we live on, is deep, cold, salty, restless, ancient, and home to countless strange and wonderful creatures.",
      );
    await panel.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => status.textContent()).toContain("fails a constraint");
    const failed = await verdicts.allTextContents();
    expect(failed.some((t) => t.includes("punctuation.no_commas") && t.startsWith("fail"))).toBe(true);
    expect(failed.some((t) => t.includes("length.words") && t.startsWith("fail"))).toBe(true);

    await expectAccessible(page);
    await screenshot(page, "review-verify");
    expectNoProblems(problems);
    await context.close();
  });
});
