// The Review view's Test tab in a real Chromium against the real server and a fake OpenAI server:
// cases typed and imported, the estimated calls, a run with live progress, the outputs side by side
// with the failing constraint marked, and the summary with its verdict.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FakeScript, type FakeServer } from "../fakes/fake-llm-core.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { responder } from "../prompt-tests/fixture.js";
import {
  describeBrowser,
  type E2eServer,
  expectNoProblems,
  launchBrowser,
  openPage,
  startE2eServer,
} from "./harness.js";

const KEY = "sk-e2e-tests-135790";
const PROMPT = "Answer the question: {{q}}\nYour entire response should be in English, and in all lowercase letters.";

describeBrowser("review: Test tab", () => {
  let server: E2eServer;
  let browser: Browser;
  let fake: FakeServer;
  let id: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: KEY, script: new FakeScript(responder({ delayMs: 30 })) });
    [server, browser] = await Promise.all([
      startE2eServer({ env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake.url}/v1`, LLM_PROVIDER: "local" } }),
      launchBrowser(),
    ]);
    const res = await fetch(`${server.url}/api/optimize`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: PROMPT, title: "Capitals" }),
    });
    await res.text();
    id = res.headers.get("X-Optimization-Id") as string;
    expect(id).toBeTruthy();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  it("runs the original against the optimized prompt on typed and imported cases and shows the outcome", async () => {
    const { page, context, problems } = await openPage(browser, `${server.url}/#/r/${id}`);
    await page.getByRole("link", { name: "Test", exact: true }).click();
    await page.getByRole("heading", { name: "Test original against optimized" }).waitFor();

    await page.getByLabel("Case 1 q").fill("capital of France");
    await page.getByLabel("Case 1 expected text").fill("capital");
    await page.getByText("Import JSONL or YAML").click();
    await page
      .getByLabel("Test cases (JSONL or a promptfoo-style tests: list)")
      .fill(
        '{"vars":{"q":"capital of Italy"}}\n{"vars":{"q":"capital of Peru"},"assert":[{"type":"contains","value":"Peru"}]}',
      );
    await page.getByRole("button", { name: "Import cases" }).click();
    await expect.poll(() => page.getByLabel(/Case \d q/).count()).toBe(3);

    await page.getByLabel("Provider").fill("openai");
    await page.getByRole("button", { name: "Estimate calls" }).click();
    await expect.poll(() => page.getByTestId("estimate").textContent()).toMatch(/6 provider calls \(cap 200\)/);

    await page.getByRole("button", { name: "Run test" }).click();
    await expect
      .poll(() => page.getByTestId("verdict").textContent(), { timeout: 20_000 })
      .toMatch(/cannot tell|optimized/);
    expect(fake.requests.length).toBe(6);
    const case3 = page.getByRole("article", { name: "Case 3" });
    await expect.poll(() => case3.locator("pre").count()).toBe(2);
    // The optimized output is lowercase, so its "contains Peru" assertion fails and is marked.
    await expect.poll(() => case3.locator("li.fail").first().textContent()).toMatch(/contains/);
    const panel = page.getByRole("region", { name: "Test original against optimized" });
    await expect.poll(() => panel.getByRole("status").textContent()).toMatch(/Done/);
    expectNoProblems(problems);
    await context.close();
  });
});
