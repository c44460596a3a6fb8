// The Projects view in a real Chromium against the real server: create, rename (and a stale
// rename refused), archive/unarchive, prompts added and reordered from the keyboard, a prompt
// edited into a second version with the word diff, forges linked to a prompt, the context profile
// from a stack preset, "Forge this prompt", and delete with what it cascades.
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

interface ApiProject {
  id: string;
  name: string;
  description: string | null;
  status: string;
  updated_at: string;
  context_profile: Record<string, unknown> | null;
  prompts: { id: string; title: string | null; content: string; version: number }[];
}

describeBrowser("projects view", () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const projectNamed = async (name: string, query = "") => {
    const res = await server.api("GET", `/api/projects?per_page=100${query}`);
    return (res.body.items as ApiProject[]).find((p) => p.name === name);
  };
  const card = (page: Page, name: string) =>
    page.getByRole("list", { name: "Projects" }).getByRole("listitem").filter({ hasText: name });

  it("creates, renames, refuses a stale rename, archives and unarchives a project", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/#/projects`, {
      allowErrors: [/status of 409 \(Conflict\)/], // the stale rename below is refused by design
    });
    await page.getByRole("heading", { name: "Create your first project" }).waitFor();
    await expectAccessible(page);

    await page.getByLabel("Name", { exact: true }).fill("Onboarding emails");
    await page.getByLabel("Description (optional)").fill("Emails sent in the first week");
    await page.getByRole("button", { name: "Create project" }).click();
    await card(page, "Onboarding emails").getByRole("link", { name: "Onboarding emails" }).waitFor();
    const created = await projectNamed("Onboarding emails");
    expect(created?.description).toBe("Emails sent in the first week");

    // Rename.
    await page.getByRole("button", { name: "Rename Onboarding emails" }).click();
    const dialog = page.getByRole("dialog", { name: "Rename project" });
    await dialog.getByLabel("Name").fill("Customer onboarding");
    await dialog.getByRole("button", { name: "Save" }).click();
    await card(page, "Customer onboarding").getByRole("link", { name: "Customer onboarding" }).waitFor();
    await expect.poll(async () => (await projectNamed("Customer onboarding"))?.id).toBe(created?.id);

    // A change made elsewhere after the dialog opened: the save is refused, Reload shows it.
    await page.getByRole("button", { name: "Rename Customer onboarding" }).click();
    await new Promise((r) => setTimeout(r, 1100)); // If-Unmodified-Since has one-second resolution
    const other = await server.api("PUT", `/api/projects/${created?.id}`, { description: "Changed by a colleague" });
    expect(other.status).toBe(200);
    await dialog.getByLabel("Name").fill("Onboarding v2");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.getByRole("alert").filter({ hasText: "changed elsewhere — reload" }).waitFor();
    expect((await server.api("GET", `/api/projects/${created?.id}`)).body.name).toBe("Customer onboarding");
    await dialog.getByRole("button", { name: "Reload" }).click();
    await expect.poll(() => dialog.getByLabel("Description").inputValue()).toBe("Changed by a colleague");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await screenshot(page, "projects", { both: true });

    // Archive: gone from the active list, back with "Include archived"; then unarchive.
    await page.getByRole("button", { name: "Archive Customer onboarding" }).click();
    await expect.poll(() => card(page, "Customer onboarding").count()).toBe(0);
    expect((await server.api("GET", `/api/projects/${created?.id}`)).body.status).toBe("archived");
    await page.getByLabel("Include archived").check();
    await expect.poll(() => page.url()).toContain("archived=1");
    await card(page, "Customer onboarding").getByText("Archived", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Unarchive Customer onboarding" }).click();
    await expect.poll(async () => (await server.api("GET", `/api/projects/${created?.id}`)).body.status).toBe("active");
    await page.getByLabel("Include archived").uncheck();
    await card(page, "Customer onboarding").waitFor();

    await expectAccessible(page);
    expectNoProblems(problems);
    await context.close();
  }, 60_000);

  it("adds, reorders (keyboard), edits and diffs prompts, links forges, fills the context from a preset", async () => {
    const project = (await server.api("POST", "/api/projects", { name: "Support bot" })).body as ApiProject;
    const { page, problems, context } = await openPage(browser, `${server.url}/#/projects/${project.id}`);
    await page.getByRole("heading", { level: 1, name: "Support bot" }).waitFor();
    await page.getByText("No prompts in this project yet.").waitFor();

    const add = async (title: string, text: string) => {
      await page.getByLabel("Title (optional)").fill(title);
      await page.getByLabel("Prompt text").fill(text);
      await page.getByRole("button", { name: "Add prompt" }).click();
      await page
        .getByRole("list", { name: "Prompts in order" })
        .getByRole("button", { name: new RegExp(`^${title} v`) })
        .waitFor();
    };
    await add("Greeting", "Write a welcome message for new customers.");
    await add("Refund", "Explain the refund policy in three sentences.");
    const order = async () =>
      ((await server.api("GET", `/api/projects/${project.id}`)).body as ApiProject).prompts.map((p) => p.title);
    expect(await order()).toEqual(["Greeting", "Refund"]);

    // Keyboard reorder: Alt+ArrowUp on the focused prompt, then the "Move down" button by keyboard.
    await page.getByRole("button", { name: /^Refund/ }).focus();
    await page.keyboard.press("Alt+ArrowUp");
    await expect.poll(order).toEqual(["Refund", "Greeting"]);
    await expect
      .poll(() => page.getByRole("status").filter({ hasText: "moved to position" }).textContent())
      .toBe("“Refund” moved to position 1 of 2.");
    await page.getByRole("button", { name: "Move “Refund” down" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(order).toEqual(["Greeting", "Refund"]);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label")))
      .toBe("Move “Refund” up");

    // Drag and drop does the same with the mouse.
    const list = page.getByRole("list", { name: "Prompts in order" });
    await list.getByRole("listitem").nth(1).dragTo(list.getByRole("listitem").nth(0));
    await expect.poll(order).toEqual(["Refund", "Greeting"]);
    await list.getByRole("listitem").nth(1).dragTo(list.getByRole("listitem").nth(0));
    await expect.poll(order).toEqual(["Greeting", "Refund"]);

    // Edit a prompt: a second version, and the diff of v1 → v2 shows the inserted words.
    await page
      .getByRole("list", { name: "Prompts in order" })
      .getByRole("button", { name: /^Greeting/ })
      .click();
    await page.getByRole("heading", { level: 2, name: /Greeting/ }).waitFor();
    await page.getByLabel("Text", { exact: true }).fill("Write a short, friendly welcome message for new customers.");
    await page.getByRole("button", { name: "Save as version 2" }).click();
    const versions = page.getByRole("table").filter({ hasText: "Version" });
    await expect.poll(() => versions.getByRole("rowheader").allTextContents()).toEqual(["v2 current", "v1"]);
    const greeting = (await server.api("GET", `/api/projects/${project.id}`)).body.prompts[0];
    expect(greeting.version).toBe(2);
    const snapshots = await server.api("GET", `/api/projects/${project.id}/prompts/${greeting.id}/versions`);
    expect(snapshots.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
    await expect.poll(() => page.getByLabel("Version A").inputValue()).toBe("1");
    expect(await page.getByLabel("Version B").inputValue()).toBe("2");
    const diff = page.getByRole("region", { name: "Changes from v1 to v2" });
    await diff.getByRole("insertion").first().waitFor();
    expect((await diff.getByRole("insertion").allTextContents()).join(" ")).toContain("short, friendly");
    expect(await diff.getByRole("deletion").count()).toBe(0);

    // A forge linked to the prompt (made through the API, as Forge does) is listed and opens Review.
    const res = await fetch(`${server.url}/api/optimize`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        prompt: greeting.content,
        project_id: project.id,
        prompt_id: greeting.id,
        title: "Greeting forge",
      }),
    });
    await res.text();
    const forgeId = res.headers.get("X-Optimization-Id");
    expect(forgeId).toBeTruthy();
    await page.reload();
    const forges = page.getByRole("list", { name: "Forges of this prompt" });
    await forges.getByRole("link", { name: "Greeting forge" }).waitFor();
    expect(await forges.getByRole("link", { name: "Greeting forge" }).getAttribute("href")).toBe(`#/r/${forgeId}`);

    // Context profile from a preset, saved.
    await page
      .getByRole("group", { name: "Fill from a stack preset:" })
      .getByRole("button", { name: "TypeScript + Node + Vitest" })
      .click();
    expect(await page.getByLabel("Language").inputValue()).toBe("TypeScript");
    await page.getByLabel("Description of the codebase").fill("The support bot's backend");
    await page.getByRole("button", { name: "Save context profile" }).click();
    await expect
      .poll(async () => (await server.api("GET", `/api/projects/${project.id}`)).body.context_profile?.test_framework)
      .toBe("Vitest");
    const profile = (await server.api("GET", `/api/projects/${project.id}`)).body.context_profile;
    expect(profile).toMatchObject({
      language: "TypeScript",
      framework: "Node.js",
      description: "The support bot's backend",
    });
    expect(profile.conventions).toHaveLength(3);
    expect(profile.test_patterns).toHaveLength(3);
    expect(profile.code_snippets).toBeUndefined();

    await expectAccessible(page);
    // The shell scrolls inside <main>: grow the viewport to the page so the shot shows all of it.
    const height = await page.evaluate(() => document.getElementById("main")!.scrollHeight + 60);
    await page.setViewportSize({ width: 1280, height: Math.min(height, 4000) });
    for (const dismiss of await page.getByRole("button", { name: "Dismiss notification" }).all()) await dismiss.click();
    await screenshot(page, "project-detail", { both: true });
    await page.setViewportSize({ width: 1280, height: 860 });
    expectNoProblems(problems);

    // "Forge this prompt" opens Forge with the prompt, and the result is linked to it.
    await page.getByRole("button", { name: "Forge this prompt" }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe("#/");
    const editor = page.getByRole("textbox", { name: "Prompt" });
    await expect.poll(() => editor.inputValue()).toBe(greeting.content);
    await page.getByRole("button", { name: /^Forge/ }).click();
    await page.locator('[data-run-status="completed"]').waitFor();
    const linked = await server.api("GET", `/api/projects/${project.id}/prompts/${greeting.id}/forges`);
    const linkedIds = (linked.body.items ?? linked.body).map((r: { id: string }) => r.id);
    expect(linkedIds.length).toBe(2);
    const latest = await server.api("GET", `/api/history?project_id=${project.id}&per_page=1`);
    expect(latest.body.items[0].prompt_id).toBe(greeting.id);
    expect(linkedIds).toContain(latest.body.items[0].id);
    expectNoProblems(problems);
    await context.close();
  }, 60_000);

  it("deletes a project after a confirmation that says what it cascades to", async () => {
    const project = (await server.api("POST", "/api/projects", { name: "Old experiments" })).body as ApiProject;
    await server.api("POST", `/api/projects/${project.id}/prompts`, { content: "Summarise the meeting notes." });
    const { page, problems, context } = await openPage(browser, `${server.url}/#/projects`);
    await page.getByRole("button", { name: "Delete Old experiments" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete project “Old experiments”?" });
    const message = await dialog.textContent();
    expect(message).toContain("with its prompt; their saved versions are kept");
    expect(message).toContain("stay in History");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await server.api("GET", `/api/projects/${project.id}`)).status).toBe(200);

    await page.getByRole("button", { name: "Delete Old experiments" }).click();
    await dialog.getByRole("button", { name: "Delete project" }).click();
    await expect.poll(async () => (await server.api("GET", `/api/projects/${project.id}`)).status).toBe(404);
    await expect.poll(() => card(page, "Old experiments").count()).toBe(0);
    expectNoProblems(problems);
    await context.close();
  });

  it("fits a 390 px phone", async () => {
    const project = (await projectNamed("Support bot"))!;
    const { page, problems, context } = await openPage(browser, `${server.url}/#/projects`, {
      viewport: { width: 390, height: 844 },
    });
    await card(page, "Support bot").waitFor();
    const overflow = () =>
      page.evaluate(() => {
        const main = document.getElementById("main")!;
        return Math.max(document.documentElement.scrollWidth - window.innerWidth, main.scrollWidth - main.clientWidth);
      });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, "projects-phone");
    await page.goto(`${server.url}/#/projects/${project.id}`);
    await page.getByRole("heading", { level: 1, name: "Support bot" }).waitFor();
    await page.getByRole("region", { name: /Changes from/ }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, "project-detail-phone");
    expectNoProblems(problems);
    await context.close();
  });
});
