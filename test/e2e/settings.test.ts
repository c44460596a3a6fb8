// Settings in a real Chromium against `promptforge serve` with a fake OpenAI server: providers,
// a key saved (shown masked, never in full), validated (accepted, rejected, upstream failure) and
// deleted with confirmation; the default provider; the MCP client configuration copied; the theme.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeServer, startFakeOpenAI } from "../fakes/openai-server.js";
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

const GOOD_KEY = "sk-e2e-good-key-0123456789";
const SAVED_KEY = "sk-e2e-saved-key-55556666wxyz";
const WRONG_KEY = "sk-e2e-wrong-key-99998888";

describeBrowser("settings view", () => {
  let fake: FakeServer;
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: GOOD_KEY });
    [server, browser] = await Promise.all([startE2eServer({ env: { OPENAI_BASE_URL: fake.url } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  const openAiCard = (page: Page) => page.getByRole("region", { name: "OpenAI", exact: true });

  it("lists the providers, saves a key masked, validates typed keys and deletes the key", async () => {
    const { page, context, problems } = await openPage(browser, `${server.url}/#/settings`, {
      // The upstream failure below is answered 502 by design.
      allowErrors: [/status of 502/],
    });
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    const local = page.getByRole("region", { name: "Local engine" });
    await local.waitFor();
    expect(await local.textContent()).toMatch(/Available.*Default/s);
    const card = openAiCard(page);
    expect(await card.textContent()).toContain("Not configured");
    expect(await card.textContent()).toContain("gpt-4.1");
    const defaults = page.getByRole("region", { name: "Default provider" });
    expect(await defaults.textContent()).toContain("Requests that name no provider run on Local engine");
    expect(await defaults.textContent()).toContain("LLM_PROVIDER");

    // Save: the field is cleared, the key shows masked (last 4), the API agrees, the page never has it.
    const field = card.getByLabel("OpenAI API key");
    await field.fill(SAVED_KEY);
    await card.getByRole("button", { name: "Save" }).click();
    await card.getByText("••••wxyz").waitFor();
    expect(await field.inputValue()).toBe("");
    expect(await card.textContent()).toContain("Available");
    expect(await card.textContent()).toContain("Key stored here");
    const stored = await server.api("GET", "/api/providers/openai/credential");
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ provider: "openai", last4: "wxyz", api_key: "••••wxyz" });
    expect(await page.content()).not.toContain(SAVED_KEY);
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(SAVED_KEY);

    // Validate a key the fake rejects: the message and the code.
    await field.fill(WRONG_KEY);
    await card.getByRole("button", { name: "Validate" }).click();
    const rejected = card.getByRole("alert").filter({ hasText: "Rejected" });
    await rejected.waitFor();
    expect(await rejected.textContent()).toMatch(/OpenAI rejected the API key/);
    expect(await rejected.textContent()).toContain("(authentication)");
    expect(await rejected.textContent()).not.toContain("9998888");

    // Validate the good key: the fake received exactly the typed key.
    await field.fill(GOOD_KEY);
    await card.getByRole("button", { name: "Validate" }).click();
    await card.getByText("Valid", { exact: true }).waitFor();
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${GOOD_KEY}`);

    // An upstream failure: the typed error's message and code, as the API reports them.
    fake.script.enqueue(
      { type: "error", status: 503, message: "overloaded" },
      { type: "error", status: 503, message: "overloaded" },
    );
    const direct = await server.api("POST", "/api/providers/validate-key", { provider: "openai", api_key: GOOD_KEY });
    expect(direct.status).toBeGreaterThanOrEqual(500);
    await card.getByRole("button", { name: "Validate" }).click();
    const failed = card.getByRole("alert").filter({ hasText: "Could not check the key" });
    await failed.waitFor();
    expect(await failed.textContent()).toContain(direct.body.error.message);
    expect(await failed.textContent()).toContain(`(${direct.body.error.code})`);
    await expectAccessible(page);
    await screenshot(page, "settings", { both: true });
    await field.fill("");

    // Delete with confirmation: the masked key disappears, and so does the stored key.
    await card.getByRole("button", { name: "Delete key" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete the stored OpenAI key?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Delete key" }).click();
    await expect.poll(() => card.getByText("••••wxyz").count()).toBe(0);
    await expect.poll(async () => (await card.textContent()) ?? "").toContain("Not configured");
    expect((await server.api("GET", "/api/providers/openai/credential")).status).toBe(404);
    expectNoProblems(problems);
    await context.close();
  });

  it("shows the MCP client configuration with the server's MCP URL and copies a snippet", async () => {
    const { page, context, problems } = await openPage(browser, `${server.url}/#/settings`);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const section = page.getByRole("region", { name: "MCP client configuration" });
    await section.getByText(server.mcpUrl, { exact: true }).first().waitFor();
    expect(await section.textContent()).toContain("Running");
    for (const client of ["Claude Code", "Claude Desktop", "Cursor", "VS Code"]) {
      expect(await section.getByRole("heading", { level: 3, name: client }).count()).toBe(1);
    }
    await section.getByRole("button", { name: "Copy the Claude Code HTTP configuration" }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe(`claude mcp add --transport http promptforge ${server.mcpUrl}`);
    await section.getByRole("button", { name: "Copy all the whole MCP configuration" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain("## VS Code, HTTP");
    const printed = await server.api("GET", "/api/mcp/client-config");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(printed.body.text);
    expectNoProblems(problems);
    await context.close();
  });

  it("switches the theme from the Display section and fits a phone screen", async () => {
    const { page, context, problems } = await openPage(browser, `${server.url}/#/settings`, {
      viewport: { width: 390, height: 844 },
    });
    const display = page.getByRole("region", { name: "Display" });
    await display.getByRole("radio", { name: "Dark" }).check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await display.getByRole("radio", { name: "System" }).check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
    await page.getByRole("region", { name: "MCP client configuration" }).getByText(server.mcpUrl).first().waitFor();
    const overflow = await page.evaluate(() => {
      const main = document.getElementById("main");
      return main ? main.scrollWidth - main.clientWidth : 0;
    });
    expect(overflow).toBeLessThanOrEqual(1);
    await screenshot(page, "settings-phone", { both: true });
    expectNoProblems(problems);
    await context.close();
  });
});
