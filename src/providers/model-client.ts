// One call to a model, whatever carries it (AI SDK over HTTP, or the claude CLI). Clients throw
// typed AppErrors (see provider-errors.ts) or the abort error of the signal they were given.
import type { z } from "zod";
import type { TokenUsage } from "../core/pipeline/engine.js";
import type { ProviderCallContext } from "./provider-errors.js";

export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
}

export interface ModelCallRequest {
  system: string;
  messages: ChatTurn[];
  /** Schema of the expected JSON reply; sent as the provider's structured-output format. */
  schema: z.ZodType;
  schemaName: string;
  signal: AbortSignal;
  maxOutputTokens: number;
  /** When set, the reply is streamed and this receives the text accumulated so far. */
  onText?: (textSoFar: string) => void;
}

export interface ModelCallResult {
  text: string;
  usage: TokenUsage | null;
}

export interface ModelClient {
  readonly context: ProviderCallContext;
  call(request: ModelCallRequest): Promise<ModelCallResult>;
}
