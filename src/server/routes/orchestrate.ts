// One pipeline stage alone: POST /api/orchestrate/{analyze,strategy,optimize,validate}.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { WarningSchema } from "../../core/records.js";
import {
  AnalyzeStageSchema,
  OptimizeStageSchema,
  StrategyStageSchema,
  ValidateStageSchema,
} from "../../usecases/stages.js";
import { apiKeyFrom, withEngineChoice } from "../engine-choice.js";
import type { HttpDeps } from "../http-deps.js";
import { errorResponses, jsonResponse } from "../openapi.js";
import { defineRoute } from "../route.js";
import { Analysis, OptimizationResult, StrategySelection, Validation } from "../schemas.js";

const common = { warnings: z.array(WarningSchema), engine: z.string() };

const STAGES = [
  {
    name: "analyze",
    operationId: "analyzePrompt",
    summary: "Analyze a prompt: task type, complexity, diagnostics, constraints, placeholders",
    body: AnalyzeStageSchema,
    result: z.object({ analysis: Analysis, ...common }).meta({ id: "AnalyzeStageResult" }),
  },
  {
    name: "strategy",
    operationId: "selectStrategy",
    summary: "Choose a strategy (the analysis is computed first when not given)",
    body: StrategyStageSchema,
    result: z
      .object({ strategy: StrategySelection, analysis: Analysis, ...common })
      .meta({ id: "StrategyStageResult" }),
  },
  {
    name: "optimize",
    operationId: "rewritePrompt",
    summary: "Rewrite a prompt (analysis and strategy are computed first when not given)",
    body: OptimizeStageSchema,
    result: z
      .object({ optimization: OptimizationResult, strategy: StrategySelection, analysis: Analysis, ...common })
      .meta({ id: "OptimizeStageResult" }),
  },
  {
    name: "validate",
    operationId: "validateRewrite",
    summary: "Score an original and an optimized prompt against each other",
    body: ValidateStageSchema,
    result: z.object({ validation: Validation, ...common }).meta({ id: "ValidateStageResult" }),
  },
] as const;

export function registerOrchestrateRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  const { app } = deps;
  for (const stage of STAGES) {
    defineRoute(
      http,
      {
        method: "post",
        path: `/api/orchestrate/${stage.name}`,
        operationId: stage.operationId,
        tags: ["orchestrate"],
        summary: stage.summary,
        body: { schema: stage.body as z.ZodType },
        responses: { ...jsonResponse(stage.result, "The stage result"), ...errorResponses(502, 504) },
      },
      async (c, { body }) =>
        c.json(await app.stages[stage.name](withEngineChoice(c, body), c.req.raw.signal, apiKeyFrom(c))),
    );
  }
}
