// The workbench shell in a real Chromium: served at `/` under the strict CSP, the rail's views,
// the command palette, the help overlay, the theme toggle, client-side routes and sign-in.
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

const VIEW_NAMES = ["Forge", "History", "Projects", "Batch", "Insights", "Activity", "Settings", "Audit"];

describeBrowser("web shell", () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("serves the app at / with a title, a favicon and every view in the nav, with no console error", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/`);
    await expect.poll(() => page.title()).toBe("PromptForge");
    const nav = page.getByRole("navigation", { name: "Views" });
    // The title is in the static HTML; the nav and the editor appear once the app has mounted.
    for (const name of VIEW_NAMES)
      await expect.poll(() => nav.getByRole("link", { name, exact: true }).count()).toBe(1);
    await expect.poll(() => page.getByRole("textbox", { name: "Prompt" }).count()).toBe(1);
    const favicon = await page.request.get(`${server.url}/favicon.svg`);
    expect(favicon.status()).toBe(200);
    expectNoProblems(problems);
    await context.close();
  });

  it("caches hashed assets for a year, revalidates index.html and keeps the API no-store", async () => {
    const index = await fetch(`${server.url}/`, { headers: { Accept: "text/html" } });
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await index.text();
    const asset = /\/assets\/[\w.-]+\.js/.exec(html)?.[0];
    expect(asset).toBeTruthy();
    const js = await fetch(`${server.url}${asset}`, { headers: { "Accept-Encoding": "gzip" } });
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(js.headers.get("content-type")).toContain("javascript");
    const health = await fetch(`${server.url}/api/health`);
    expect(health.headers.get("cache-control")).toBe("no-store");
    // A client-side route falls back to the app; an unknown API path and a missing asset stay 404.
    const deep = await fetch(`${server.url}/history`, { headers: { Accept: "text/html" } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="app">');
    expect((await fetch(`${server.url}/api/nope`, { headers: { Accept: "text/html" } })).status).toBe(404);
    expect((await fetch(`${server.url}/assets/missing-123.js`)).status).toBe(404);
  });

  it("reaches every view from the rail and the command palette, with routes in the hash", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/`);
    for (const name of VIEW_NAMES.slice(1)) {
      await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name, exact: true }).click();
      await expect.poll(() => page.getByRole("heading", { level: 1 }).first().textContent()).toContain(name);
    }
    expect(page.url()).toContain("#/audit");
    await page.goBack();
    await expect.poll(() => page.url()).toContain("#/settings");
    await page.keyboard.press("Control+k");
    const palette = page.getByRole("combobox", { name: "Search commands" });
    await palette.fill("go to history");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toContain("#/history");
    expectNoProblems(problems);
    await context.close();
  });

  it("toggles the theme, remembers it across a reload and lists shortcuts on ?", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/`, { colorScheme: "light" });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.locator("body").click({ position: { x: 5, y: 400 } });
    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "History" }).focus();
    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect.poll(() => help.isVisible()).toBe(true);
    await expect.poll(() => help.textContent()).toContain("Ctrl+K");
    await page.keyboard.press("Escape");
    await expect.poll(() => help.isVisible()).toBe(false);
    expectNoProblems(problems);
    await context.close();
  });

  it("has no serious or critical accessibility violation in the shell", async () => {
    const { page, context } = await openPage(browser, `${server.url}/#/history`);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    await expectAccessible(page);
    await context.close();
  });
});

describeBrowser("sign-in with AUTH_TOKEN", () => {
  let server: E2eServer;
  let browser: Browser;
  const token = "e2e-token-0123456789abcdef";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer({ env: { AUTH_TOKEN: token } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("refuses a wrong token, accepts the right one (an HttpOnly session cookie) and signs out", async () => {
    const { page, context, problems } = await openPage(browser, `${server.url}/`, {
      // The refused sign-in and the signed-out probes answer 401 by design.
      allowErrors: [/401/],
    });
    await page.getByRole("heading", { name: "Sign in to PromptForge" }).waitFor();
    await screenshot(page, "sign-in", { both: true });
    await page.getByLabel("API token").fill("wrong-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: /token/i }).waitFor();
    expect(await page.getByRole("navigation", { name: "Views" }).count()).toBe(0);

    await page.getByLabel("API token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Views" }).waitFor();
    const cookies = await context.cookies();
    expect(cookies.some((c) => c.httpOnly)).toBe(true);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to PromptForge" }).waitFor();
    expect(problems.errors.filter((e) => !/401/.test(e))).toEqual([]);
    await context.close();
  });

  it("shows the sign-in screen when the session expires, and keeps the draft prompt", async () => {
    const { page, context } = await openPage(browser, `${server.url}/`, { allowErrors: [/401/] });
    await page.getByLabel("API token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("textbox", { name: "Prompt" }).fill("A draft that must survive the expiry");
    // The session ends server-side (as when it expires): the next API call answers 401.
    await context.clearCookies();
    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "History" }).click();
    await page.getByText("Your session has expired").waitFor();
    await page.getByLabel("API token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Forge", exact: true }).click();
    await expect
      .poll(() => page.getByRole("textbox", { name: "Prompt" }).inputValue())
      .toBe("A draft that must survive the expiry");
    await screenshot(page, "signed-in-after-expiry");
    await context.close();
  });
});

describeBrowser("under the default rate limits", () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startE2eServer({ env: { RATE_LIMIT_RPM: "60", RATE_LIMIT_OPTIMIZE_RPM: "10" } }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("visits every view and forges a prompt without one 429 (60 requests a minute per client)", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/`);
    const statuses: number[] = [];
    page.on("response", (res) => {
      if (res.url().includes("/api/")) statuses.push(res.status());
    });
    await page.getByRole("textbox", { name: "Prompt" }).fill("Write a short poem about the sea in under 40 words.");
    await page.getByRole("button", { name: /^Forge/ }).click();
    await page.locator('[data-run-status="completed"]').waitFor();
    for (const name of VIEW_NAMES.slice(1)) {
      await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name, exact: true }).click();
      await expect.poll(() => page.getByRole("heading", { level: 1 }).first().textContent()).toContain(name);
      await page.waitForTimeout(300);
    }
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect(statuses.length).toBeLessThan(60);
    expectNoProblems(problems);
    await context.close();
  });
});
