// A sync left "syncing" by a process that died ends as an error at the next start (one instance on
// SQLite), keeping the context it had; and a pushed IDE link cannot be re-synced by the server.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-ws-restart-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const open = () => createApp(loadConfig({ DATA_DIR: dir, LOG_LEVEL: "silent", LLM_PROVIDER: "local" }));

describe("workspace sync across a restart", () => {
  it("marks an interrupted sync as an error and keeps its context", async () => {
    const first = await open();
    const project = await first.projects.create({ name: "Restart" });
    const pushed = await first.workspaces.push(project.id, { language: "Go" });
    expect(pushed.sync_status).toBe("synced");
    await expect(first.workspaces.sync(pushed.id)).rejects.toMatchObject({ code: "conflict" });
    // Simulate a crash in the middle of a sync.
    await first.deps.store.db
      .updateTable("workspace_link" as never)
      .set({ sync_status: "syncing", sync_started_at: new Date().toISOString() } as never)
      .execute();
    await first.close();

    const second = await open();
    try {
      const [link] = await second.workspaces.status({ project_id: project.id });
      expect(link).toMatchObject({ sync_status: "error", error: expect.stringMatching(/interrupted/) });
      const resolved = await second.workspaces.resolve(project.id, null, null);
      expect(resolved.context).toEqual({ language: "Go" });
    } finally {
      await second.close();
    }
  });
});
