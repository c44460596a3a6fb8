// Stored provider keys (encrypted at rest, masked on read) and the live key check.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { CredentialBodySchema, KEYED_PROVIDERS } from "../../usecases/credentials.js";
import type { HttpDeps } from "../http-deps.js";
import { errorResponses, jsonResponse } from "../openapi.js";
import { defineRoute } from "../route.js";

const NameParams = z.object({ name: z.string().min(1).max(50) });
const MaskedSchema = z
  .object({
    provider: z.string(),
    api_key: z.string().meta({ description: "Masked: only the last 4 characters are shown" }),
    last4: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "StoredCredential" });
const ValidateBody = z.object({
  provider: z.enum(KEYED_PROVIDERS),
  api_key: z.string().trim().min(1).max(500),
  model: z.string().trim().min(1).max(200).optional(),
});
const ValidationResult = z
  .object({
    provider: z.string(),
    model: z.string().nullable(),
    valid: z.boolean(),
    message: z.string(),
    reason: z.string().optional(),
  })
  .meta({ id: "KeyValidation" });

export function registerCredentialRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  const { app } = deps;

  defineRoute(
    http,
    {
      method: "put",
      path: "/api/providers/{name}/credential",
      operationId: "setProviderCredential",
      tags: ["providers"],
      summary: "Store a provider API key (encrypted at rest; the response shows only its last 4 characters)",
      params: NameParams,
      body: { schema: CredentialBodySchema },
      responses: { ...jsonResponse(MaskedSchema, "The stored key, masked"), ...errorResponses(404) },
    },
    async (c, { params, body }) => c.json(await app.credentials.put(params.name, body)),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/providers/{name}/credential",
      operationId: "getProviderCredential",
      tags: ["providers"],
      summary: "The stored key of a provider, masked",
      params: NameParams,
      responses: { ...jsonResponse(MaskedSchema, "The stored key, masked"), ...errorResponses(404) },
    },
    async (c, { params }) => c.json(await app.credentials.get(params.name)),
  );

  defineRoute(
    http,
    {
      method: "delete",
      path: "/api/providers/{name}/credential",
      operationId: "deleteProviderCredential",
      tags: ["providers"],
      summary: "Forget a stored provider key",
      params: NameParams,
      responses: { "204": { description: "Deleted" }, ...errorResponses(404) },
    },
    async (c, { params }) => {
      await app.credentials.delete(params.name);
      return c.body(null, 204);
    },
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/providers/validate-key",
      operationId: "validateProviderKey",
      tags: ["providers"],
      summary: "Check a key with a real minimal call to the provider (the key is not stored)",
      body: { schema: ValidateBody },
      responses: {
        ...jsonResponse(ValidationResult, "Whether the key works"),
        ...errorResponses(502, 504),
      },
    },
    async (c, { body }) => {
      const result = await app.deps.providers.validateKey(body.provider, body.api_key, {
        model: body.model,
        signal: c.req.raw.signal,
      });
      return c.json(result);
    },
  );
}
