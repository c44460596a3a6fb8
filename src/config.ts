// Environment → typed, validated configuration. The one place that reads process.env.
import path from "node:path";
import { z } from "zod";

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v, ctx) => {
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off", ""].includes(v)) return false;
    ctx.addIssue({ code: "custom", message: `expected true/false, got "${v}"` });
    return z.NEVER;
  });
const port = z.coerce.number().int().min(0).max(65535);
const list = z
  .string()
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const EnvSchema = z.object({
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  PORT: port.default(8000),
  PUBLIC_URL: list.default([]),
  ALLOWED_HOSTS: list.default([]),
  TRUST_PROXY: bool.default(false),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  DATABASE_URL: optionalString,
  REDIS_URL: optionalString,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  LLM_PROVIDER: optionalString,
  AUTH_TOKEN: optionalString,
  MCP_AUTH_TOKEN: optionalString,
  MCP_HOST: z.string().trim().min(1).default("127.0.0.1"),
  MCP_PORT: port.default(8001),
  INTERNAL_WEBHOOK_SECRET: optionalString,
  ENCRYPTION_KEY: optionalString,
  RATE_LIMIT_RPM: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_OPTIMIZE_RPM: z.coerce.number().int().min(1).default(10),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  host: string;
  port: number;
  publicUrls: string[];
  allowedHosts: string[];
  trustProxy: boolean;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  logLevel: Env["LOG_LEVEL"];
  bodyLimitBytes: number;
  batchConcurrency: number;
  llmProvider?: string;
  authToken?: string;
  mcpAuthToken?: string;
  mcpHost: string;
  mcpPort: number;
  internalWebhookSecret?: string;
  encryptionKey?: string;
  rateLimitRpm: number;
  rateLimitOptimizeRpm: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parses an environment (process.env by default). Errors name the variable, never its value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    publicUrls: e.PUBLIC_URL,
    allowedHosts: e.ALLOWED_HOSTS,
    trustProxy: e.TRUST_PROXY,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    batchConcurrency: e.BATCH_CONCURRENCY,
    llmProvider: e.LLM_PROVIDER,
    authToken: e.AUTH_TOKEN,
    mcpAuthToken: e.MCP_AUTH_TOKEN,
    mcpHost: e.MCP_HOST,
    mcpPort: e.MCP_PORT,
    internalWebhookSecret: e.INTERNAL_WEBHOOK_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    rateLimitRpm: e.RATE_LIMIT_RPM,
    rateLimitOptimizeRpm: e.RATE_LIMIT_OPTIMIZE_RPM,
  };
}
