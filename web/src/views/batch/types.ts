// Shapes of the Batch view, from the generated API types.
import type { paths, Schemas } from "../../api/client";

export type BatchRecord = Schemas["OptimizationRecord"];
export type BatchItemResult = Schemas["BatchItem"];
export type BatchSummary = Schemas["BatchSummary"];
export type BatchRequest = NonNullable<
  paths["/api/optimize/batch"]["post"]["requestBody"]
>["content"]["application/json"];
export type ProviderInfo = Schemas["Provider"];
export type StrategyInfo = Schemas["Strategy"];
export type ProjectInfo = Schemas["ProjectSummary"];

/** What the batch asks of every prompt (the shared options). */
export type BatchOptions = Omit<BatchRequest, "prompts">;

export type ItemState = "pending" | "queued" | "running" | "completed" | "error" | "cancelled" | "rejected";

export interface BatchItem {
  index: number;
  prompt: string;
  state: ItemState;
  record: BatchRecord | null;
  error: { code: string; message: string } | null;
  /** The pipeline stage running now (from the stream's `item_stage` events). */
  stage: { name: string; done: number } | null;
  /** A remark on the final state ("never started" after a cancel). */
  note: string | null;
}

export const FINAL_STATES: readonly ItemState[] = ["completed", "error", "cancelled", "rejected"];
