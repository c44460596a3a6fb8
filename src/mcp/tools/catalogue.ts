// Read-only helpers an agent uses before optimizing: the strategy catalogue and `analyze`, which lints
// a prompt (diagnostics with stable codes, extracted constraints, placeholders) without rewriting it.
import { z } from "zod";
import { AnalyzeStageSchema } from "../../usecases/stages.js";
import { AnalyzeOutput, StrategiesOutput } from "../output-schemas.js";
import { defineTool, READ_ONLY, type ToolDeps } from "../tool-kit.js";

export function registerCatalogueTools(deps: ToolDeps): void {
  const { app } = deps;
  defineTool(deps, {
    name: "strategies",
    title: "List optimization strategies",
    description:
      "The ten optimization strategies (co-star, risen, chain-of-thought, few-shot-scaffolding, role-task-format, " +
      "structured-output, step-by-step, constraint-injection, context-enrichment, persona-assignment): what each does " +
      "and when it fits. Pass a name as `strategy` to optimize or retry to force it.",
    input: z.object({}),
    output: StrategiesOutput,
    annotations: READ_ONLY,
    async run() {
      const strategies = app.strategies().map((s) => ({ ...s, sections: [...s.sections] }));
      return {
        value: { strategies },
        summary: `${strategies.length} strategies: ${strategies.map((s) => s.name).join(", ")}.`,
      };
    },
  });

  defineTool(deps, {
    name: "analyze",
    title: "Analyze a prompt (no rewrite)",
    description:
      "Lint a prompt without rewriting it: task type, complexity, weaknesses as diagnostics with stable codes " +
      "(PF-ROLE, PF-FORMAT, PF-VAGUE, … with severity and character span), strengths, the verifiable output " +
      "constraints it states and its placeholders, plus warnings such as prompt_injection. Nothing is stored.",
    input: AnalyzeStageSchema.extend({
      prompt: AnalyzeStageSchema.shape.prompt.describe("The prompt to analyse (1–100 000 characters)."),
    }),
    output: AnalyzeOutput,
    annotations: { ...READ_ONLY, openWorldHint: true },
    async run(args, extra) {
      const result = await app.stages.analyze(args, extra.signal);
      const { analysis } = result;
      const errors = analysis.weaknesses.filter((w) => w.severity === "error").length;
      return {
        value: result,
        summary:
          `${analysis.task_type} prompt, ${analysis.complexity} complexity: ${analysis.weaknesses.length} finding(s) ` +
          `(${errors} error), ${analysis.constraints.length} constraint(s), ${analysis.placeholders.length} placeholder(s)` +
          `${result.warnings.length ? `; warnings: ${result.warnings.map((w) => w.code).join(", ")}` : ""}.`,
      };
    },
  });
}
