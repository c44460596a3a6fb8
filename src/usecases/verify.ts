// Use case: verify a model's output against the constraints its prompt states (POST /api/verify,
// MCP `verify_output`, CLI `promptforge verify`). The prompt comes inline or from a stored
// optimization (its optimized prompt by default, or the original). Offline; nothing is stored.
import { z } from "zod";
import { AppError } from "../core/errors.js";
import { CONSTRAINT_KINDS, SpanSchema } from "../core/pipeline/schemas.js";
import type { Store } from "../store/index.js";
import { PromptTextSchema } from "./schemas.js";
import { parseInput } from "./validate.js";
import { loadVerifier } from "./verifier.js";

/** Outputs longer than this are refused: two orders above any answer a prompt asks for. */
export const MAX_OUTPUT_CHARS = 200_000;

export const VerifyInputSchema = z.object({
  prompt: PromptTextSchema.optional().describe("The prompt whose constraints the output must follow."),
  optimization_id: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe("Instead of `prompt`: a stored optimization whose prompt is used."),
  prompt_version: z
    .enum(["optimized", "original"])
    .optional()
    .describe('With `optimization_id`: verify against its "optimized" prompt (default) or the "original" one.'),
  output: z
    .string({ error: "output must be a string" })
    .max(MAX_OUTPUT_CHARS, `output must be at most ${MAX_OUTPUT_CHARS} characters`)
    .describe("The model's output to check (may be empty)."),
});

/** Exactly one prompt source; `prompt_version` only with an optimization. */
export const VerifyRequestSchema = VerifyInputSchema.superRefine((v, ctx) => {
  if ((v.prompt === undefined) === (v.optimization_id === undefined)) {
    ctx.addIssue({ code: "custom", path: ["prompt"], message: "give exactly one of prompt or optimization_id" });
  }
  if (v.prompt_version !== undefined && v.optimization_id === undefined) {
    ctx.addIssue({ code: "custom", path: ["prompt_version"], message: "prompt_version needs optimization_id" });
  }
});
export type VerifyRequest = z.infer<typeof VerifyRequestSchema>;

const ParamValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

export const VerdictSchema = z.object({
  kind: z.union([z.enum(CONSTRAINT_KINDS), z.string()]).describe("The constraint kind (PRODUCT.md 3.2)."),
  text: z.string().describe("The constraint's verbatim span of the prompt."),
  follows: z.boolean().nullable().describe("true = followed, false = not, null = not mechanically checkable."),
  detail: z.string().describe("What was measured, or why it could not be checked."),
  span: SpanSchema.optional().describe("Offsets of `text` in the verified prompt (`prompt` of the result)."),
  params: z.record(z.string(), ParamValueSchema).describe("The constraint's parameters."),
});

export const VerifySummarySchema = z.object({
  total: z.number().int(),
  followed: z.number().int(),
  failed: z.number().int(),
  unchecked: z.number().int(),
});

export const VerifyResultSchema = z.object({
  /** The prompt the verdicts' spans point into. */
  prompt: z.string(),
  source: z.enum(["request", "optimized", "original"]).describe("Where the prompt came from."),
  optimization_id: z.string().nullable(),
  /** true when no constraint failed (unchecked ones do not count against it). */
  passed: z.boolean(),
  summary: VerifySummarySchema,
  verdicts: z.array(VerdictSchema),
});
export type VerifyResult = z.infer<typeof VerifyResultSchema>;

/** The store is needed only to look up `optimization_id`; the CLI verifies inline prompts without one. */
export interface VerifyDeps {
  store?: Pick<Store, "optimizations">;
}

async function promptOf(
  deps: VerifyDeps,
  input: VerifyRequest,
): Promise<Pick<VerifyResult, "prompt" | "source" | "optimization_id">> {
  if (input.prompt !== undefined) return { prompt: input.prompt, source: "request", optimization_id: null };
  const id = input.optimization_id as string;
  if (deps.store === undefined) throw new AppError("validation_error", "stored optimizations are not available here");
  const record = await deps.store.optimizations.get(id);
  if (!record) throw new AppError("not_found", `Optimization ${id} does not exist.`);
  if ((input.prompt_version ?? "optimized") === "original") {
    return { prompt: record.raw_prompt, source: "original", optimization_id: id };
  }
  if (record.optimized_prompt === null || record.optimized_prompt.trim() === "") {
    throw new AppError(
      "conflict",
      `Optimization ${id} has no optimized prompt (status ${record.status}); pass prompt_version "original" to verify against its original prompt.`,
    );
  }
  return { prompt: record.optimized_prompt, source: "optimized", optimization_id: id };
}

export async function verifyOutputUseCase(deps: VerifyDeps, raw: unknown): Promise<VerifyResult> {
  const input = parseInput(VerifyRequestSchema, raw);
  const source = await promptOf(deps, input);
  const { summarize, verifyPromptOutput } = await loadVerifier();
  const { verdicts } = verifyPromptOutput(source.prompt, input.output);
  const summary = summarize(verdicts);
  return { ...source, passed: summary.failed === 0, summary, verdicts };
}
