// Environment → typed, validated configuration. The one place that reads process.env.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { LLM_PROVIDER_NAMES } from "./providers/catalogue.js";
import { type DataDirSource, resolveDataDir } from "./security/data-dir.js";

// src/config.ts and dist/config.js both sit one level below the package root.
const DEFAULT_WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "web");

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
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);
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
  // Unset: the user data directory (src/security/data-dir.ts), or an existing ./data store.
  DATA_DIR: optionalString,
  WEB_DIR: optionalString,
  DATABASE_URL: optionalString,
  REDIS_URL: optionalString,
  // Scale-out (docs/scale-out.md): PostgreSQL pool, instance heartbeat.
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  INSTANCE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  INSTANCE_TTL_MS: z.coerce.number().int().min(300).max(3_600_000).default(30_000),
  // Run events (resume with GET /api/optimize/{id}/events): how long a run whose clients all left
  // keeps going, and how long its events are kept after it ends.
  RUN_RESUME_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  RUN_EVENTS_TTL_MS: z.coerce.number().int().min(0).max(604_800_000).default(3_600_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  LLM_PROVIDER: optionalString,
  AUTH_TOKEN: optionalString,
  MCP_AUTH_TOKEN: optionalString,
  MCP_HOST: z.string().trim().min(1).default("127.0.0.1"),
  MCP_PORT: port.default(8001),
  // Streamable HTTP sessions: the least-recently-used idle one is evicted beyond the cap.
  MCP_MAX_SESSIONS: z.coerce.number().int().min(1).max(10_000).default(100),
  MCP_SESSION_IDLE_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(1_800_000),
  /** MCP tool preset: core (analyze, optimize, get, search, verify_output) or all (every tool). */
  MCP_TOOLS: z.preprocess(
    (v) => (typeof v === "string" ? v.trim().toLowerCase() || undefined : v),
    z.enum(["core", "all"], { error: "must be core or all" }).default("all"),
  ),
  INTERNAL_WEBHOOK_SECRET: optionalString,
  ENCRYPTION_KEY: optionalString,
  RATE_LIMIT_RPM: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_OPTIMIZE_RPM: z.coerce.number().int().min(1).default(10),
  TEST_MAX_CALLS: z.coerce.number().int().min(1).max(100_000).default(200),
  // LLM providers (PRODUCT.md section 2). Keys are secrets: errors name the variable, never the value.
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString,
  ANTHROPIC_MODEL: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString,
  OPENAI_MODEL: optionalString,
  OPENAI_COMPATIBLE_BASE_URL: optionalString,
  OPENAI_COMPATIBLE_API_KEY: optionalString,
  OPENAI_COMPATIBLE_MODEL: optionalString,
  OPENAI_COMPATIBLE_STRUCTURED_OUTPUTS: bool.default(true),
  GEMINI_API_KEY: optionalString,
  GEMINI_BASE_URL: optionalString,
  GEMINI_MODEL: optionalString,
  CLAUDE_MODEL: optionalString,
  CLAUDE_CLI_PATH: optionalString,
  LLM_TIMEOUT_MS: z.coerce.number().int().min(1000).max(900_000).default(120_000),
  // Workspace hub (docs/workspace.md): GitHub base URLs (GitHub Enterprise, tests) and local roots.
  GITHUB_API_URL: z.url({ protocol: /^https?$/ }).default("https://api.github.com"),
  GITHUB_OAUTH_URL: z.url({ protocol: /^https?$/ }).default("https://github.com"),
  WORKSPACE_ROOTS: list.default([]),
  WORKSPACE_MAX_FILES: z.coerce.number().int().min(1).max(200_000).default(10_000),
  WORKSPACE_MAX_FILE_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(1_048_576),
  /** Only used to find the `claude` executable; never logged. */
  PATH: optionalString,
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  host: string;
  port: number;
  publicUrls: string[];
  allowedHosts: string[];
  trustProxy: boolean;
  dataDir: string;
  /** Why `dataDir` is what it is (announced at start-up). */
  dataDirSource?: DataDirSource;
  /** The built web UI served at `/`; default the package's dist/web. */
  webDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** PostgreSQL connections per instance. */
  databasePoolSize: number;
  /** PostgreSQL per-statement time limit (0 = none). */
  databaseStatementTimeoutMs: number;
  /** How often an instance renews its lease in the shared database. */
  instanceHeartbeatMs: number;
  /** How long a lease lasts: runs of an instance silent for longer are recovered. */
  instanceTtlMs: number;
  /** A run whose stream client left is cancelled once no client has followed it for this long (0 = at once). */
  runResumeGraceMs: number;
  /** How long a run's events stay replayable after it ends. */
  runEventsTtlMs: number;
  logLevel: Env["LOG_LEVEL"];
  bodyLimitBytes: number;
  batchConcurrency: number;
  llmProvider?: string;
  authToken?: string;
  mcpAuthToken?: string;
  mcpHost: string;
  mcpPort: number;
  /** Open MCP HTTP sessions at most; beyond it the least-recently-used idle one is evicted. */
  mcpMaxSessions: number;
  /** An MCP HTTP session without requests for this long is closed. */
  mcpSessionIdleMs: number;
  /** Which MCP tools are registered (MCP_TOOLS). */
  mcpTools: "core" | "all";
  internalWebhookSecret?: string;
  encryptionKey?: string;
  rateLimitRpm: number;
  rateLimitOptimizeRpm: number;
  /** The most provider calls one prompt-test run may make (TEST_MAX_CALLS). */
  testMaxCalls: number;
  providers: ProvidersConfig;
  workspace: WorkspaceConfig;
}

/** The workspace hub (docs/workspace.md). */
export interface WorkspaceConfig {
  githubApiUrl: string;
  githubOauthUrl: string;
  /** Absolute folders under which local workspaces may be linked; empty = local linking off. */
  roots: string[];
  /** A scan stops after this many files. */
  maxFiles: number;
  /** Files larger than this are skipped by scans and never read. */
  maxFileBytes: number;
}

/** Provider settings (PRODUCT.md section 2); the registry in src/providers consumes this shape. */
export interface ProvidersConfig {
  anthropic: { apiKey?: string; baseUrl?: string; model?: string };
  openai: { apiKey?: string; baseUrl?: string; model?: string };
  openaiCompatible: { baseUrl?: string; apiKey?: string; model?: string; structuredOutputs: boolean };
  gemini: { apiKey?: string; baseUrl?: string; model?: string };
  claudeCli: { path?: string; model?: string; searchPath?: string };
  /** Per-attempt time limit of one provider call. */
  timeoutMs: number;
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
  if (e.DATABASE_URL !== undefined && !/^postgres(ql)?:\/\//i.test(e.DATABASE_URL)) {
    throw new ConfigError("Invalid configuration: DATABASE_URL: expected a postgres:// or postgresql:// URL");
  }
  if (e.INSTANCE_TTL_MS <= e.INSTANCE_HEARTBEAT_MS) {
    throw new ConfigError("Invalid configuration: INSTANCE_TTL_MS must be longer than INSTANCE_HEARTBEAT_MS");
  }
  const provider = e.LLM_PROVIDER?.toLowerCase();
  if (provider && !["auto", "local", ...LLM_PROVIDER_NAMES].includes(provider)) {
    throw new ConfigError(
      `Invalid configuration: LLM_PROVIDER must be auto, local, ${LLM_PROVIDER_NAMES.join(", ")}; got "${provider.slice(0, 50)}"`,
    );
  }
  if (e.DATABASE_URL !== undefined && (e.ENCRYPTION_KEY === undefined || e.INTERNAL_WEBHOOK_SECRET === undefined)) {
    const missing = [
      e.ENCRYPTION_KEY ? null : "ENCRYPTION_KEY",
      e.INTERNAL_WEBHOOK_SECRET ? null : "INTERNAL_WEBHOOK_SECRET",
    ]
      .filter(Boolean)
      .join(" and ");
    throw new ConfigError(
      `Invalid configuration: with DATABASE_URL set, ${missing} must be set, the same on every instance: ` +
        "a key generated into one instance's data directory would leave the stored credentials and " +
        "signed internal requests of the other instances unreadable",
    );
  }
  const data = resolveDataDir({ env: { ...env, DATA_DIR: e.DATA_DIR } });
  return {
    host: e.HOST,
    port: e.PORT,
    publicUrls: e.PUBLIC_URL,
    allowedHosts: e.ALLOWED_HOSTS,
    trustProxy: e.TRUST_PROXY,
    dataDir: data.dataDir,
    dataDirSource: data.source,
    webDir: e.WEB_DIR ? path.resolve(e.WEB_DIR) : DEFAULT_WEB_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    instanceHeartbeatMs: e.INSTANCE_HEARTBEAT_MS,
    instanceTtlMs: e.INSTANCE_TTL_MS,
    runResumeGraceMs: e.RUN_RESUME_GRACE_MS,
    runEventsTtlMs: e.RUN_EVENTS_TTL_MS,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    batchConcurrency: e.BATCH_CONCURRENCY,
    llmProvider: e.LLM_PROVIDER,
    authToken: e.AUTH_TOKEN,
    mcpAuthToken: e.MCP_AUTH_TOKEN,
    mcpHost: e.MCP_HOST,
    mcpPort: e.MCP_PORT,
    mcpMaxSessions: e.MCP_MAX_SESSIONS,
    mcpSessionIdleMs: e.MCP_SESSION_IDLE_MS,
    mcpTools: e.MCP_TOOLS,
    internalWebhookSecret: e.INTERNAL_WEBHOOK_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    rateLimitRpm: e.RATE_LIMIT_RPM,
    rateLimitOptimizeRpm: e.RATE_LIMIT_OPTIMIZE_RPM,
    testMaxCalls: e.TEST_MAX_CALLS,
    providers: {
      anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL, model: e.ANTHROPIC_MODEL },
      openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL },
      openaiCompatible: {
        baseUrl: e.OPENAI_COMPATIBLE_BASE_URL,
        apiKey: e.OPENAI_COMPATIBLE_API_KEY,
        model: e.OPENAI_COMPATIBLE_MODEL,
        structuredOutputs: e.OPENAI_COMPATIBLE_STRUCTURED_OUTPUTS,
      },
      gemini: { apiKey: e.GEMINI_API_KEY, baseUrl: e.GEMINI_BASE_URL, model: e.GEMINI_MODEL },
      claudeCli: { path: e.CLAUDE_CLI_PATH, model: e.CLAUDE_MODEL, searchPath: e.PATH },
      timeoutMs: e.LLM_TIMEOUT_MS,
    },
    workspace: {
      githubApiUrl: e.GITHUB_API_URL.replace(/\/+$/, ""),
      githubOauthUrl: e.GITHUB_OAUTH_URL.replace(/\/+$/, ""),
      roots: e.WORKSPACE_ROOTS.map((r) => path.resolve(r)),
      maxFiles: e.WORKSPACE_MAX_FILES,
      maxFileBytes: e.WORKSPACE_MAX_FILE_BYTES,
    },
  };
}
