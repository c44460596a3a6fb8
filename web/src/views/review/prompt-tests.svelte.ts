// The Test tab's state: the cases of a test of this optimization's original against its optimized
// prompt, the estimated calls, and one streamed run (POST /api/tests/run) with its live progress.
import { parseTestFile } from "$core/prompt-tests/files.js";
import { requiredVars } from "$core/prompt-tests/render.js";
import type { TestCase } from "$core/prompt-tests/schema.js";
import { api, type Schemas, unwrap } from "../../api/client";
import { openSse } from "../../api/sse";
import { describeError, isAbort } from "../../lib/errors";

export type TestRun = Schemas["TestRun"];
export type TestEstimate = Schemas["TestEstimate"];

export interface CaseRow {
  vars: Record<string, string>;
  /** One optional `icontains` assertion per row (more via import). */
  expect: string;
  extra: TestCase["assert"];
}

export class TestSession {
  rows = $state<CaseRow[]>([]);
  vars = $state<string[]>([]);
  provider = $state("");
  judge = $state(false);
  estimate = $state<TestEstimate | null>(null);
  run = $state.raw<TestRun | null>(null);
  done = $state(0);
  total = $state(0);
  status = $state<"idle" | "running" | "done" | "error">("idle");
  error = $state("");
  #controller: AbortController | null = null;
  #runId: string | null = null;
  #optimizationId = "";

  load(optimizationId: string, original: string): void {
    this.#optimizationId = optimizationId;
    this.vars = requiredVars(original);
    if (this.rows.length === 0) this.addRow();
  }

  addRow(): void {
    this.rows = [...this.rows, { vars: Object.fromEntries(this.vars.map((v) => [v, ""])), expect: "", extra: [] }];
    this.estimate = null;
  }

  removeRow(index: number): void {
    this.rows = this.rows.filter((_, i) => i !== index);
    this.estimate = null;
  }

  /** Appends the cases of a JSONL or promptfoo-style YAML text. */
  importText(text: string): void {
    const cases = parseTestFile(text);
    this.rows = [
      ...this.rows.filter((r) => Object.values(r.vars).some((v) => v.trim() !== "") || r.expect.trim() !== ""),
      ...cases.map((c) => ({
        vars: Object.fromEntries(Object.entries(c.vars).map(([k, v]) => [k, String(v)])),
        expect: "",
        extra: c.assert,
      })),
    ];
    this.estimate = null;
  }

  cases(): TestCase[] {
    return this.rows.map((r) => ({
      vars: r.vars,
      assert: [...(r.expect.trim() ? [{ type: "icontains" as const, value: r.expect.trim() }] : []), ...r.extra],
    }));
  }

  body(): Record<string, unknown> {
    return {
      optimization_id: this.#optimizationId,
      cases: this.cases(),
      ...(this.provider ? { provider: this.provider } : {}),
      ...(this.judge ? { judge: true } : {}),
    };
  }

  async refreshEstimate(): Promise<void> {
    try {
      this.error = "";
      this.estimate = await unwrap(api.POST("/api/tests/estimate", { body: this.body() as never }));
    } catch (error) {
      this.estimate = null;
      this.error = describeError(error).message;
    }
  }

  async start(resume = false): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = "running";
    this.error = "";
    this.done = 0;
    try {
      const body = resume && this.#runId ? { resume: this.#runId } : this.body();
      const { response, frames } = await openSse("/api/tests/run", { body, signal: controller.signal });
      this.#runId = response.headers.get("X-Test-Run-Id");
      for await (const frame of frames) {
        const data = JSON.parse(frame.data);
        if (frame.event === "start") this.total = data.outputs_total + data.judgments_total;
        else if (frame.event === "output" || frame.event === "judgment") this.done++;
        else if (frame.event === "complete") {
          this.run = data as TestRun;
          this.status = "done";
        } else if (frame.event === "error") {
          this.error = data.message;
          this.status = "error";
        }
      }
      if (this.#runId && this.status !== "done") {
        this.run = await unwrap(api.GET("/api/tests/runs/{id}", { params: { path: { id: this.#runId } } }));
      }
      if (this.status === "running") this.status = "done";
    } catch (error) {
      if (isAbort(error)) return;
      this.status = "error";
      this.error = describeError(error).message;
    }
  }

  async cancel(): Promise<void> {
    if (!this.#runId) return this.#controller?.abort();
    await unwrap(api.POST("/api/tests/runs/{id}/cancel", { params: { path: { id: this.#runId } } })).catch(() => {});
  }

  get canResume(): boolean {
    return this.#runId !== null && this.status === "error";
  }

  dispose(): void {
    this.#controller?.abort();
  }
}
