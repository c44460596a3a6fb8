import { describe, expect, it } from "vitest";
import type { PipelineEvent } from "../core/pipeline/events.js";
import { pipelineProgress, pipelineSlots } from "./progress.js";

describe("pipelineProgress", () => {
  it("counts one slot per stage and per iteration", () => {
    expect(pipelineSlots({})).toEqual(["analyze:1", "strategy:1", "optimize:1", "validate:1"]);
    expect(pipelineSlots({ maxIterations: 2 })).toHaveLength(6);
    expect(pipelineSlots({ stages: ["analyze"] })).toEqual(["analyze:1"]);
  });

  it("maps stage starts, step progress and completion onto increasing values", () => {
    const calls: Array<[number, number | undefined, string]> = [];
    const emit = pipelineProgress({}, (p, t, m) => calls.push([p, t, m]));
    const events: PipelineEvent[] = [
      { type: "stage", data: { stage: "analyze", status: "started", iteration: 1 } },
      { type: "step_progress", data: { stage: "analyze", progress: 0.5, message: "half" } },
      { type: "stage", data: { stage: "analyze", status: "completed", iteration: 1 } },
      { type: "stage", data: { stage: "strategy", status: "started", iteration: 1 } },
      { type: "stage", data: { stage: "optimize", status: "started", iteration: 1 } },
      { type: "stage", data: { stage: "validate", status: "started", iteration: 1 } },
      { type: "complete", data: {} },
    ];
    for (const e of events) emit(e);
    expect(calls.map((c) => c[0])).toEqual([0, 0.5, 1, 2, 3, 4]);
    expect(calls.every((c) => c[1] === 4)).toBe(true);
    expect(calls[0]?.[2]).toBe("Analysing the prompt");
  });
});
