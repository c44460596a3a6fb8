// The interactive API reference at /docs (Swagger UI from swagger-ui-dist) in a real Chromium:
// it renders every operation under the server's unchanged CSP, loads nothing from outside, and
// "Try it out" works with the bearer token.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  describeBrowser,
  type E2eServer,
  expectNoProblems,
  launchBrowser,
  openPage,
  screenshot,
  startE2eServer,
} from "./harness.js";

describeBrowser("API reference at /docs", () => {
  let server: E2eServer;
  let browser: Browser;
  const token = "docs-token-0123456789abcdef";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer({ env: { AUTH_TOKEN: token } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("renders the operations offline under the CSP and tries one out with the bearer token", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/docs`, {
      // The unauthorised probe below answers 401 by design.
      allowErrors: [/401/],
    });
    await page.getByText("PromptForge API").first().waitFor();
    await page.locator(".opblock").first().waitFor();
    const operations = await page.locator(".opblock").count();
    expect(operations).toBeGreaterThan(30);
    expect(problems.requests.every((r) => r.includes(server.url) || r.includes("blob:") || r.includes("data:"))).toBe(
      true,
    );

    await page
      .getByRole("button", { name: /Authorize/ })
      .first()
      .click();
    await page.locator(".modal-ux input").first().fill(token);
    // The modal lists both schemes (bearer, session cookie); the first form is the bearer token.
    await page.locator(".modal-ux .auth-btn-wrapper button.authorize").first().click();
    await page.locator(".modal-ux").getByRole("button", { name: "Close" }).first().click();

    const strategies = page.locator(".opblock", { hasText: "/api/strategies" }).first();
    await strategies.locator(".opblock-summary").click();
    // tryItOutEnabled: the Execute button is there at once.
    await strategies.getByRole("button", { name: "Execute" }).click();
    await strategies.locator(".live-responses-table").first().waitFor();
    await expect.poll(() => strategies.locator(".live-responses-table").first().textContent()).toContain("co-star");
    expect(await strategies.locator(".live-responses-table").first().textContent()).not.toContain("Unauthorized");
    await screenshot(page, "docs");
    expectNoProblems(problems);
    await context.close();
  });
});
