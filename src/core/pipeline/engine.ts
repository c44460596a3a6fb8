// The engine interface: the four stages every engine implements. The local engine is the default;
// LLM providers and MCP sampling implement the same contract.
import type { Analysis, CodebaseContext, Optimization, StrategyName, StrategyResult, Validation } from "./schemas.js";

export interface StageContext {
  /** Aborted when the run is cancelled or the client disconnects; engines must honour it. */
  signal: AbortSignal;
  /** Resolved codebase context (already merged); untrusted content. */
  codebaseContext?: CodebaseContext;
  /** Progress inside a stage, 0–1. */
  onProgress?: (progress: number, message: string) => void;
  /** Streaming text of the rewrite, for engines that stream (LLMs). */
  onDelta?: (text: string) => void;
  /** Token usage reported by the engine for the call it just made. */
  onUsage?: (usage: TokenUsage) => void;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

export interface StrategyRequest {
  prompt: string;
  analysis: Analysis;
  /** A user override skips selection (confidence 1.0). */
  override?: StrategyName;
  secondary?: StrategyName[];
}

export interface OptimizeRequest {
  prompt: string;
  analysis: Analysis;
  strategy: StrategyResult;
  /** On iteration > 1 the engine re-optimizes this previous result (still against `prompt`). */
  previous?: Optimization;
  iteration: number;
}

export interface ValidateRequest {
  original: string;
  optimized: string;
  analysis: Analysis;
}

export interface PipelineEngine {
  /** Engine name as stored on the record: "local", "anthropic", "openai", ... */
  readonly name: string;
  readonly provider: string;
  readonly model: string | null;
  analyze(prompt: string, ctx: StageContext): Promise<Analysis>;
  selectStrategy(req: StrategyRequest, ctx: StageContext): Promise<StrategyResult>;
  optimize(req: OptimizeRequest, ctx: StageContext): Promise<Optimization>;
  validate(req: ValidateRequest, ctx: StageContext): Promise<Validation>;
}
