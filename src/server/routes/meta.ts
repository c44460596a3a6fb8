// Health, the strategy catalogue and the provider list.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { STRATEGY_NAMES } from "../../core/pipeline/schemas.js";
import type { HttpDeps } from "../http-deps.js";
import { jsonResponse } from "../openapi.js";
import { defineRoute } from "../route.js";

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    engine: z.string().meta({ description: "Engine used when a request names none" }),
    database: z.enum(["ok", "error"]),
    redis: z
      .enum(["ok", "error", "not configured"])
      .meta({ description: "Redis (REDIS_URL), shared by several instances; `error` makes the status degraded" }),
    mcp: z.enum(["not started", "running", "stopped"]),
    uptime_seconds: z.number(),
  })
  .meta({ id: "Health" });
const StrategySchema = z
  .object({
    name: z.enum(STRATEGY_NAMES),
    title: z.string(),
    description: z.string(),
    best_when: z.string(),
    sections: z.array(z.string()),
  })
  .meta({ id: "Strategy" });
const ProviderSchema = z
  .object({
    name: z.string(),
    available: z.boolean(),
    default_model: z.string().nullable(),
    models: z.array(z.string()),
    requires_key: z.boolean(),
    description: z.string(),
    key_source: z.enum(["env", "stored", "path", "config"]).nullable(),
    is_default: z.boolean(),
  })
  .meta({ id: "Provider" });

/**
 * How long one health probe (database read, engine detection) answers for. Monitors and load
 * balancers poll health in tight loops; a failing database still shows within this time.
 */
export const HEALTH_PROBE_TTL_MS = 1_000;

interface HealthProbe {
  at: number;
  database: "ok" | "error";
  redis: "ok" | "error" | "not configured";
  engine: string;
}

export function registerMetaRoutes(http: OpenAPIHono, deps: HttpDeps): void {
  const { app } = deps;
  let probe: HealthProbe | null = null;
  let probing: Promise<HealthProbe> | null = null;
  const runProbe = async (): Promise<HealthProbe> => {
    const { database: probed, redis } = await app.health();
    // A deleted database file still answers reads (the old inode): the file itself is checked too.
    const database = deps.databaseFile?.check() ? ("error" as const) : probed;
    const engine = await app.deps.providers.defaultEngine();
    return { at: Date.now(), database, redis, engine };
  };
  const currentProbe = (): HealthProbe | Promise<HealthProbe> => {
    if (probe && Date.now() - probe.at < HEALTH_PROBE_TTL_MS) return probe;
    // Concurrent polls share one probe.
    probing ??= runProbe()
      .then((p) => {
        probe = p;
        return p;
      })
      .finally(() => {
        probing = null;
      });
    return probing;
  };

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/health",
      operationId: "getHealth",
      tags: ["meta"],
      summary: "Server health (never requires authentication)",
      responses: {
        ...jsonResponse(HealthSchema, "Healthy"),
        "503": {
          description: "Degraded: the database (or the configured Redis) is unavailable",
          content: { "application/json": { schema: HealthSchema } },
        },
      },
    },
    async (c) => {
      const current = currentProbe();
      const { database, redis, engine } = current instanceof Promise ? await current : current;
      const healthy = database === "ok" && redis !== "error";
      const body = {
        status: healthy ? ("ok" as const) : ("degraded" as const),
        version: deps.version,
        engine,
        database,
        redis,
        mcp: deps.mcpState(),
        uptime_seconds: Math.round((Date.now() - app.startedAt) / 100) / 10,
      };
      return c.json(body, healthy ? 200 : 503);
    },
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/strategies",
      operationId: "listStrategies",
      tags: ["meta"],
      summary: "The strategy catalogue",
      responses: jsonResponse(z.array(StrategySchema), "Every strategy with its description and when it fits"),
    },
    (c) => c.json(app.strategies()),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/providers",
      operationId: "listProviders",
      tags: ["meta"],
      summary: "Providers (engines), their availability and models",
      responses: jsonResponse(z.array(ProviderSchema), "Every provider"),
    },
    async (c) => c.json(await app.providers()),
  );
}
