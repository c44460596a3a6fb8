// The Workspace view in a real Chromium against `promptforge serve` with the fake GitHub server
// (test/fakes/github-server.ts) and a WORKSPACE_ROOTS folder holding a fixture repository: the
// OAuth app setup with the exact callback URL, connecting through OAuth and with a device code,
// the repository list (pages, search) and linking, the Workspaces table (sync with live progress,
// cancel, unlink, a refused folder), the Context inspector, and a failed callback explained.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeGitHub, type FakeRepoFile, startFakeGitHub } from "../fakes/github-server.js";
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

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/repos");
const CLIENT_ID = "Iv1.e2eworkspace01";
const CLIENT_SECRET = "e2e-client-secret-7f3a9c2b1d";

function fixtureFiles(name: string): FakeRepoFile[] {
  const root = path.join(FIXTURES, name);
  const out: FakeRepoFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else out.push({ path: path.relative(root, abs).split(path.sep).join("/"), content: fs.readFileSync(abs) });
    }
  };
  walk(root);
  return out;
}

describeBrowser("workspace view", () => {
  let gh: FakeGitHub;
  let server: E2eServer;
  let browser: Browser;
  let base: string;
  const projects: Record<string, string> = {};

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), "pf-e2e-ws-"));
    const root = path.join(base, "roots");
    fs.cpSync(path.join(FIXTURES, "python-pkg"), path.join(root, "weather"), { recursive: true });
    fs.mkdirSync(path.join(base, "outside"));
    const filler = Array.from({ length: 34 }, (_, i) => ({
      full_name: `octocat/tool-${String(i + 1).padStart(2, "0")}`,
      description: `Helper tool number ${i + 1}`,
    }));
    gh = await startFakeGitHub({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      repos: [
        { full_name: "acme/notes-api", description: "Notes API on Hono", files: fixtureFiles("node-ts-app") },
        ...filler,
      ],
    });
    [server, browser] = await Promise.all([
      startE2eServer({ env: { GITHUB_API_URL: gh.url, GITHUB_OAUTH_URL: gh.url, WORKSPACE_ROOTS: root } }),
      launchBrowser(),
    ]);
    for (const name of ["Notes app", "Weather"]) {
      const res = await server.api("POST", "/api/projects", { name });
      projects[name] = res.body.id;
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await gh?.close();
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  const tab = (page: Page, name: string) =>
    page.getByRole("tablist", { name: "Workspace sections" }).getByRole("tab", { name });
  const linkRow = (page: Page, text: string) =>
    page.getByRole("table", { name: "Workspace links" }).getByRole("row").filter({ hasText: text });
  const fieldRow = (page: Page, field: string) =>
    page.getByRole("table", { name: "Codebase context fields" }).locator(`tr[data-field="${field}"]`);

  it("sets up the OAuth app, connects through OAuth, pages and searches repositories and links one", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/#/workspace?tab=github`);
    await page.getByRole("heading", { level: 1, name: "Workspace" }).waitFor();
    await page.getByRole("heading", { name: "Set up a GitHub OAuth app" }).waitFor();
    // The exact callback URL to register at GitHub.
    expect(await page.getByTestId("callback-url").textContent()).toBe(`${server.url}/api/github/callback`);
    await expectAccessible(page);
    await screenshot(page, "workspace-github-setup");

    await page.getByLabel("Client ID").fill(CLIENT_ID);
    await page.getByLabel("Client secret").fill(CLIENT_SECRET);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Connect GitHub" }).waitFor();
    // The secret is stored masked: never on the page in full.
    expect(await page.content()).not.toContain(CLIENT_SECRET);
    expect(await page.getByRole("region", { name: "Connect GitHub" }).textContent()).toContain("••••");

    // OAuth: the server redirects to (fake) GitHub, which sends the browser back through the callback.
    await page.getByRole("link", { name: "Connect with GitHub" }).click();
    await page.getByRole("status").filter({ hasText: "GitHub is connected." }).waitFor();
    await expect.poll(() => page.url()).not.toContain("github=connected");
    expect(page.url()).toContain("tab=github");
    const account = page.getByRole("region", { name: "GitHub account" });
    expect(await account.textContent()).toContain("@octocat");
    expect(await account.textContent()).toContain("through OAuth");
    expect(gh.issuedTokens).toHaveLength(1);
    expect(await page.content()).not.toContain(gh.issuedTokens[0]);

    // GitHub's pages: 30 on the first, the other 5 on the second.
    const repos = page.getByRole("list", { name: "GitHub repositories" }).getByRole("listitem");
    await expect.poll(() => repos.count()).toBe(30);
    await page.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => repos.count()).toBe(5);
    await page.getByRole("button", { name: "Previous" }).click();
    await expect.poll(() => repos.count()).toBe(30);
    await page.getByLabel("Search repositories").fill("notes");
    await expect.poll(() => repos.count()).toBe(1);
    expect(await repos.first().textContent()).toContain("Notes API on Hono");
    await expectAccessible(page);
    await screenshot(page, "workspace-github-connected", { both: true });

    // Link it to "Notes app"; it syncs in the background through the contents API.
    await page.getByLabel("Link to project", { exact: true }).selectOption({ label: "Notes app" });
    await page.getByRole("button", { name: "Link to project: acme/notes-api" }).click();
    await repos.first().getByText("Linked").waitFor();

    await tab(page, "Workspaces").click();
    const row = linkRow(page, "acme/notes-api");
    await expect.poll(() => row.getByTestId("sync-status").textContent(), { timeout: 15_000 }).toBe("synced");
    expect(await row.textContent()).toContain("Notes app");
    expect(await row.textContent()).toContain("100%");

    // The Context inspector: each field, its value and the layer and file it came from.
    await row.getByRole("button", { name: "Context of Notes app" }).click();
    await page.getByRole("heading", { name: "Context of Notes app" }).waitFor();
    expect(page.url()).toContain(`project=${projects["Notes app"]}`);
    const framework = fieldRow(page, "framework");
    expect(await framework.textContent()).toContain("Hono 4.6.3");
    expect(await framework.textContent()).toContain("Workspace");
    expect(await framework.textContent()).toContain("github:acme/notes-api (package.json)");
    expect(await fieldRow(page, "test_framework").textContent()).toContain("Vitest 2.1.1");
    expect(await fieldRow(page, "conventions").textContent()).toContain("Biome for linting and formatting");
    const meter = page.getByRole("meter", { name: "Completeness" });
    expect(Number(await meter.getAttribute("aria-valuenow"))).toBeGreaterThan(0);
    // The stored file tree of the link, on demand.
    await page.getByText(/^Files \(\d+\)$/).click();
    const files = page.getByRole("list", { name: "Stored file tree" });
    await files.getByText("src/routes/notes.ts", { exact: true }).waitFor();
    expect(await files.getByRole("listitem").count()).toBe(15);
    await expectAccessible(page);
    await screenshot(page, "workspace-context", { both: true });

    expectNoProblems(problems);
    await context.close();
  }, 60_000);

  it("disconnects (revoking the token) and connects again with a device code", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/#/workspace?tab=github`);
    const account = page.getByRole("region", { name: "GitHub account" });
    await account.waitFor();
    const firstToken = gh.issuedTokens[0]!;
    await account.getByRole("button", { name: "Disconnect" }).click();
    await page.getByRole("dialog", { name: "Disconnect GitHub?" }).getByRole("button", { name: "Disconnect" }).click();
    await page.getByRole("heading", { name: "Connect GitHub" }).waitFor();
    expect(gh.revoked.has(firstToken)).toBe(true);

    gh.scriptDevice({ steps: ["pending"] });
    await page.getByRole("button", { name: "Use a device code" }).click();
    const code = page.getByTestId("device-code");
    await code.waitFor();
    expect(await code.textContent()).toMatch(/^ABCD-\d{4}$/);
    expect(await page.getByRole("group", { name: "Device code" }).textContent()).toContain(
      "https://github.com/login/device",
    );
    await expectAccessible(page);
    await screenshot(page, "workspace-device-code");
    // The fake grants the token on the second poll (after one authorization_pending).
    await account.waitFor({ timeout: 15_000 });
    expect(await account.textContent()).toContain("with a device code");
    expect(gh.issuedTokens).toHaveLength(2);

    expectNoProblems(problems);
    await context.close();
  });

  it("links a local folder, shows live sync progress, cancels, syncs again, refuses a folder outside the roots and unlinks", async () => {
    const { page, problems, context } = await openPage(browser, `${server.url}/#/workspace?tab=workspaces`, {
      allowErrors: [/status of 403/], // the folder outside WORKSPACE_ROOTS is refused by design
    });
    await page.getByRole("heading", { name: "Link a local folder" }).waitFor();
    await page.getByLabel("Project", { exact: true }).selectOption({ label: "Weather" });

    // Outside every root: the server's reason, shown beside the form.
    await page.getByLabel("Folder", { exact: true }).fill(path.join(base, "outside"));
    await page.getByRole("button", { name: "Link folder" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "WORKSPACE_ROOTS" });
    await refusal.waitFor();

    await page.getByLabel("Folder", { exact: true }).fill("weather");
    await page.getByRole("button", { name: "Link folder" }).click();
    const row = linkRow(page, "weather");
    await expect.poll(() => row.getByTestId("sync-status").textContent(), { timeout: 15_000 }).toBe("synced");
    expect(await row.textContent()).toContain("Weather");
    expect(await row.textContent()).toContain("Folder");

    // A slow GitHub makes the repository's sync long enough to watch: progress, then Cancel.
    gh.setDelay(1000);
    const repoRow = linkRow(page, "acme/notes-api");
    await repoRow.getByRole("button", { name: "Sync acme/notes-api" }).click();
    await repoRow.getByRole("progressbar", { name: "Sync progress of acme/notes-api" }).waitFor({ timeout: 10_000 });
    await expectAccessible(page);
    await screenshot(page, "workspace-syncing");
    await repoRow.getByRole("button", { name: "Cancel the sync of acme/notes-api" }).click();
    await expect.poll(() => repoRow.getByTestId("sync-status").textContent(), { timeout: 10_000 }).toBe("error");
    expect(await repoRow.textContent()).toContain("cancelled");
    gh.setDelay(0);
    // The previous context stays after a cancelled sync.
    const kept = await server.api("GET", `/api/workspace/context?project_id=${projects["Notes app"]}`);
    expect(kept.body.context.framework).toBe("Hono 4.6.3");

    await repoRow.getByRole("button", { name: "Sync acme/notes-api" }).click();
    await expect.poll(() => repoRow.getByTestId("sync-status").textContent(), { timeout: 15_000 }).toBe("synced");

    // The folder's context in the inspector; the project's own profile wins over the workspace per field.
    const profile = await server.api("PUT", `/api/projects/${projects.Weather}`, {
      context_profile: { description: "Forecast service for the Acme apps (project profile)" },
    });
    expect(profile.status).toBe(200);
    await row.getByRole("button", { name: "Context of Weather" }).click();
    await page.getByRole("heading", { name: "Context of Weather" }).waitFor();
    const framework = fieldRow(page, "framework");
    expect(await framework.textContent()).toContain("FastAPI 0.110");
    expect(await framework.textContent()).toContain("Workspace");
    expect(await fieldRow(page, "test_framework").textContent()).toContain("pytest 8.1");
    const description = fieldRow(page, "description");
    expect(await description.textContent()).toContain("Forecast service for the Acme apps (project profile)");
    expect(await description.textContent()).toContain("Project profile");
    expect(await description.textContent()).not.toContain("Workspace");

    // Unlink, confirmed.
    await tab(page, "Workspaces").click();
    await row.getByRole("button", { name: /^Unlink \/.*\/weather$/ }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Unlink" }).click();
    await expect.poll(() => row.count()).toBe(0);
    const status = await server.api("GET", "/api/workspace/status");
    expect(status.body.items.map((l: { local_path: string | null }) => l.local_path)).not.toContain(
      expect.stringContaining("weather"),
    );

    expectNoProblems(problems);
    await context.close();
  }, 90_000);

  it("explains a refused OAuth callback and moves between tabs from the keyboard", async () => {
    const { page, problems, context } = await openPage(
      browser,
      `${server.url}/#/workspace?github=error&reason=state_reused`,
    );
    const alert = page.getByRole("alert").filter({ hasText: "already used" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("(state_reused)");
    await expect.poll(() => page.url()).not.toContain("reason=");
    expect(await tab(page, "GitHub").getAttribute("aria-selected")).toBe("true");

    await tab(page, "GitHub").focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => tab(page, "Workspaces").getAttribute("aria-selected")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("wtab-workspaces");
    await page.keyboard.press("End");
    await expect.poll(() => tab(page, "Context inspector").getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => tab(page, "GitHub").getAttribute("aria-selected")).toBe("true");

    // Reached from the rail and the command palette too.
    await page.goto(`${server.url}/#/`);
    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Workspace", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Workspace" }).waitFor();
    await page.keyboard.press("Control+k");
    await page.getByRole("combobox", { name: "Search commands" }).fill("workspace: context");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toContain("tab=context");
    await expectAccessible(page);

    expectNoProblems(problems);
    await context.close();
  });
});
