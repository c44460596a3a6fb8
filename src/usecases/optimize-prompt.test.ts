import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempApp } from "../../test/helpers/temp-app.js";
import type { App } from "../app.js";
import type { PipelineEvent } from "../core/pipeline/events.js";

let app: App;
let dispose: () => Promise<void>;

beforeEach(async () => {
  ({ app, dispose } = await createTempApp());
});
afterEach(async () => {
  await dispose();
});

describe("optimizePrompt", () => {
  it("stores a complete record and emits complete last, after the commit", async () => {
    const events: PipelineEvent[] = [];
    let storedAtComplete: unknown;
    const record = await app.optimize(
      { prompt: "write a blog post about remote work", title: "Remote", tags: ["blog"] },
      {
        emit: (e) => {
          events.push(e);
          if (e.type === "complete") storedAtComplete = app.history.get((e.data as { id: string }).id);
        },
      },
    );
    expect(record.status).toBe("completed");
    expect(record.optimized_prompt).toContain("remote work");
    expect(record.analysis?.task_type).toBe("writing");
    expect(record.strategy?.reasoning.length).toBeGreaterThan(10);
    expect(record.validation?.preserved).toBeDefined();
    expect(events.at(-1)?.type).toBe("complete");
    await expect(storedAtComplete).resolves.toMatchObject({ id: record.id, status: "completed" });
    const fetched = await app.history.get(record.id);
    expect(fetched).toEqual(record);
  });

  it("rejects an empty prompt without storing anything", async () => {
    await expect(app.optimize({ prompt: "   " })).rejects.toMatchObject({ code: "validation_error" });
    expect((await app.history.list({})).total).toBe(0);
  });

  it("rejects a prompt over 100 000 characters", async () => {
    await expect(app.optimize({ prompt: "a".repeat(100_001) })).rejects.toMatchObject({
      code: "validation_error",
      status: 422,
    });
  });

  it("creates a named project and files the record under it", async () => {
    const record = await app.optimize({ prompt: "Explain recursion to a beginner.", project: "Docs" });
    const project = await app.deps.store.projects.getByName("Docs");
    expect(project?.id).toBe(record.project_id);
  });

  it("refuses to file into an archived project", async () => {
    const project = await app.projects.create({ name: "Frozen" });
    await app.projects.archive(project.id);
    await expect(app.optimize({ prompt: "hello there", project: "Frozen" })).rejects.toMatchObject({
      code: "project_archived",
    });
  });

  it("ends cancelled when the signal aborts, and a late completion never overwrites it", async () => {
    const controller = new AbortController();
    const record = await app.optimize(
      { prompt: "Write a haiku about autumn leaves." },
      {
        signal: controller.signal,
        emit: (e) => {
          if (e.type === "analysis") controller.abort();
        },
      },
    );
    expect(record.status).toBe("cancelled");
    expect((await app.history.get(record.id)).status).toBe("cancelled");
  });

  it("retries as a new record linked by retry_of, with another strategy", async () => {
    const first = await app.optimize({ prompt: "Write a SQL query to find the top customers." });
    const second = await app.retry(first.id, { strategy: "few-shot" });
    expect(second.id).not.toBe(first.id);
    expect(second.retry_of).toBe(first.id);
    expect(second.strategy?.strategy).toBe("few-shot-scaffolding");
    expect(second.strategy?.confidence).toBe(1);
  });

  it("cancel answers not_running for a finished record", async () => {
    const record = await app.optimize({ prompt: "Explain recursion to a beginner." });
    await expect(app.cancel(record.id)).rejects.toMatchObject({ code: "not_running", status: 409 });
    await expect(app.cancel("missing")).rejects.toMatchObject({ code: "not_found" });
  });

  it("batch runs every prompt and one failure does not stop the rest", async () => {
    const done: number[] = [];
    const summary = await app.optimizeMany(
      ["Explain recursion to a beginner.", "   ", "write a blog post about remote work"],
      {},
      { concurrency: 2, onItem: (r) => done.push(r.index) },
    );
    expect(summary.total).toBe(3);
    expect(summary.completed).toBe(2);
    expect(summary.results[1]).toMatchObject({ status: "rejected", error: { code: "validation_error" } });
    expect(done.sort()).toEqual([0, 1, 2]);
  });

  it("batch validates its size", async () => {
    await expect(app.batch({ prompts: [] })).rejects.toMatchObject({ code: "validation_error" });
    await expect(app.batch({ prompts: Array(21).fill("hi there") })).rejects.toMatchObject({
      code: "validation_error",
    });
  });
});
