// Pipeline events → MCP progress. A run is a sequence of slots (analyze, strategy, then optimize and
// validate per iteration); a stage that starts reports its slot index, step_progress inside a stage
// the fraction in between, and `complete` the total. The total is an upper bound: a run that stops
// iterating early jumps to it on completion.
import type { EmitEvent, PipelineEvent, StageName } from "../core/pipeline/events.js";
import { resolveStages } from "../core/pipeline/run.js";

export type ProgressFn = (progress: number, total: number | undefined, message: string) => void;

export interface PipelineProgressOptions {
  stages?: StageName[];
  maxIterations?: number;
}

const LABEL: Record<StageName, string> = {
  analyze: "Analysing the prompt",
  strategy: "Choosing a strategy",
  optimize: "Rewriting",
  validate: "Scoring the rewrite",
};

export function pipelineSlots(options: PipelineProgressOptions): string[] {
  const stages = resolveStages(options.stages);
  const iterations = Math.min(5, Math.max(1, Math.trunc(options.maxIterations ?? 1)));
  const slots: string[] = ["analyze:1"];
  if (stages.has("strategy")) slots.push("strategy:1");
  for (let i = 1; i <= iterations && stages.has("optimize"); i++) {
    slots.push(`optimize:${i}`);
    if (stages.has("validate")) slots.push(`validate:${i}`);
  }
  return slots;
}

/** An `emit` that turns pipeline events into progress calls (and forwards them to `next`). */
export function pipelineProgress(options: PipelineProgressOptions, report: ProgressFn, next?: EmitEvent): EmitEvent {
  const slots = pipelineSlots(options);
  const total = slots.length;
  let iteration = 1;
  const slotOf = (stage: StageName) => {
    const index = slots.indexOf(`${stage}:${stage === "analyze" || stage === "strategy" ? 1 : iteration}`);
    return index < 0 ? null : index;
  };
  return (event: PipelineEvent) => {
    next?.(event);
    switch (event.type) {
      case "stage": {
        iteration = event.data.iteration;
        const slot = slotOf(event.data.stage);
        if (slot === null) return;
        // A finished stage is reported by the start of the next one (same value), or by `complete`.
        if (event.data.status !== "started") return;
        const suffix = iteration > 1 ? ` (iteration ${iteration})` : "";
        report(slot, total, `${LABEL[event.data.stage]}${suffix}`);
        return;
      }
      case "step_progress": {
        const slot = slotOf(event.data.stage);
        if (slot !== null) report(slot + Math.min(0.99, event.data.progress), total, event.data.message);
        return;
      }
      case "complete":
        report(total, total, "Completed");
        return;
      default:
        return;
    }
  };
}
