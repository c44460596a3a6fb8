// POST /api/verify: check a model's output against the constraints its prompt states.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { VerdictSchema, VerifyRequestSchema, VerifyResultSchema, verifyOutputUseCase } from "../../usecases/verify.js";
import type { HttpDeps } from "../http-deps.js";
import { errorResponses, jsonResponse } from "../openapi.js";
import { defineRoute } from "../route.js";

// Named copies, so the OpenAPI document lists them as components (see ../schemas.ts).
const Verdict = VerdictSchema.meta({
  id: "Verdict",
  description: "Whether the output follows one constraint of the prompt, and what was measured",
});
const VerifyResult = VerifyResultSchema.extend({ verdicts: z.array(Verdict) }).meta({
  id: "VerifyResult",
  description: "One verdict per constraint of the prompt, with the prompt the spans point into",
});

export function registerVerifyRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  const { app } = deps;

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/verify",
      operationId: "verifyOutput",
      tags: ["verify"],
      summary: "Verify an output against the constraints of its prompt",
      description:
        "Extracts the verifiable constraints of the prompt (inline `prompt`, or the optimized — or with " +
        '`prompt_version: "original"` the original — prompt of a stored optimization) and checks the output ' +
        "against each: `follows` is true, false, or null when a constraint is not mechanically checkable " +
        "(`detail` says why). Semantics are IFEval's strict ones where the kinds are shared; languages are " +
        "detected offline. Nothing is stored and no provider is called, so only the general API rate limit " +
        "(`RATE_LIMIT_RPM`) applies, not the optimize family's.",
      body: { schema: VerifyRequestSchema },
      responses: { ...jsonResponse(VerifyResult, "The verdicts"), ...errorResponses(404, 409) },
    },
    async (c, { body }) => c.json(await verifyOutputUseCase(app.deps, body)),
  );
}
