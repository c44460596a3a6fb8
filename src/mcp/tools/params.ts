// Parameters shared by several tools, defined once with a description that tells an agent when and
// how to use each (the same bounds as the REST request schemas of src/usecases/schemas.ts).
import { z } from "zod";
import { STAGES, type StageName } from "../../core/pipeline/events.js";
import { CodebaseContextSchema, STRATEGY_NAMES } from "../../core/pipeline/schemas.js";
import { OptimizeOptionsSchema, PromptTextSchema } from "../../usecases/schemas.js";
import { SAMPLING_ENGINE_NAME } from "../sampling-engine.js";

const O = OptimizeOptionsSchema.shape;

export const OptimizationId = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe("Optimization id (UUID) from optimize, batch or search.");
export const ProjectId = z.string().trim().min(1).max(100).describe("Project id (see list_projects).");

export const Strategy = z
  .enum(STRATEGY_NAMES)
  .describe("Force a strategy (see the strategies tool); omit to let PromptForge choose.");
export const SecondaryFrameworks = z
  .array(z.enum(STRATEGY_NAMES))
  .max(2)
  .describe("Up to 2 strategies blended in; rarely needed.");

export const Provider = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .describe(
    "Engine: local (built-in, offline), anthropic, openai, gemini, openai-compatible, claude-cli, or " +
      `${SAMPLING_ENGINE_NAME} (your own model via MCP sampling). Omit for the server's default.`,
  );
export const Model = O.model.describe("Model of that provider; omit for its default.");

/** Stages run in order and each needs the one before; a list with a gap is refused, never widened. */
export const Stages = z
  .array(z.enum(STAGES))
  .min(1)
  .max(4)
  .superRefine((stages, ctx) => {
    const deepest = Math.max(...stages.map((s) => STAGES.indexOf(s)));
    const needed = STAGES.slice(0, deepest + 1);
    const missing = needed.filter((s) => !stages.includes(s));
    if (missing.length > 0) {
      ctx.addIssue({
        code: "custom",
        message:
          `${stages.join(", ")} also needs ${missing.join(", ")} (each stage uses the one before). ` +
          `Pass ${JSON.stringify(needed)}, or omit stages to run all four.`,
      });
    }
  })
  .describe(
    'Stop early: ["analyze"] only analyses, ["analyze","strategy"] also picks a strategy, ' +
      '["analyze","strategy","optimize"] rewrites without scoring. Omit for all four.',
  );

export function stagesRun(stages: StageName[] | undefined): StageName[] {
  return stages && stages.length > 0 ? [...STAGES].filter((s) => stages.includes(s)) : [...STAGES];
}

/** The options optimize and batch share. */
export const OptimizeOptionsInput = z.object({
  title: O.title.describe("Title shown in history."),
  project: O.project.describe("Project name to file the result under (created if new)."),
  project_id: O.project_id.describe("Or a project id; its context grounds the rewrite."),
  prompt_id: O.prompt_id.describe("The project prompt (get_project) this optimizes."),
  tags: O.tags.describe("Up to 20 labels, to find the result later."),
  version: O.version.describe('Your version label: "v1", "v2", …'),
  strategy: Strategy.optional(),
  secondary_frameworks: SecondaryFrameworks.optional(),
  provider: Provider.optional(),
  model: Model,
  codebase_context: CodebaseContextSchema.optional().describe(
    "Facts about the code the prompt is for, this call only (for a project: sync_workspace).",
  ),
  max_iterations: O.max_iterations.describe("1–5: rewrite again while overall < score_threshold."),
  score_threshold: O.score_threshold.describe("1–10: the overall score that stops iterating."),
  stages: Stages.optional(),
});

export const PromptText = PromptTextSchema;
