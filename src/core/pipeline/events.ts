// Typed events of a pipeline run. The SSE stream, the CLI progress lines and MCP progress
// notifications are all renderings of these.
import type { Analysis, Optimization, StrategyResult, Validation } from "./schemas.js";

export const STAGES = ["analyze", "strategy", "optimize", "validate"] as const;
export type StageName = (typeof STAGES)[number];

export interface WarningPayload {
  code: string;
  message: string;
  /** prompt_injection only: the detector's score (0–1, flagged at 0.5), the classifier's and the patterns'. */
  score?: number;
  model_score?: number | null;
  pattern_score?: number;
  /** prompt_injection only: what fired where (offsets into the sanitised prompt). */
  evidence?: Array<{ signal: string; pattern: string; span: { start: number; end: number } }>;
}

export type PipelineEvent =
  | { type: "stage"; data: { stage: StageName; status: "started" | "completed"; iteration: number } }
  | { type: "step_progress"; data: { stage: StageName; progress: number; message: string } }
  | { type: "analysis"; data: Analysis }
  | { type: "strategy"; data: StrategyResult }
  | { type: "optimization_delta"; data: { text: string } }
  | { type: "optimization"; data: Optimization & { iteration: number } }
  | { type: "validation"; data: Validation & { iteration: number } }
  | {
      type: "iteration";
      data: {
        iteration: number;
        max_iterations: number;
        overall: number;
        score_threshold: number | null;
        continue: boolean;
      };
    }
  | { type: "warning"; data: WarningPayload }
  | { type: "complete"; data: unknown }
  | { type: "error"; data: { code: string; message: string; stage: StageName | null; retryable: boolean } };

export type PipelineEventType = PipelineEvent["type"];
export type EmitEvent = (event: PipelineEvent) => void;
