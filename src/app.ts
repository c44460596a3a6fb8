// Composition root: builds the store, the engine registry and the use-case services once from
// config. REST, MCP and CLI all talk to the `App` this returns, never to the database.
import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";
import { type InstanceLease, startInstanceLease, startRunWatch } from "./app-instance.js";
import { hardenDataDirectory, loadFieldCipher, loadInternalSecret } from "./app-secrets.js";
import type { Config } from "./config.js";
import { STRATEGY_CATALOGUE } from "./core/strategies/catalogue.js";
import { createRedisConnection, type RedisConnection } from "./events/redis.js";
import { createCancelChannel } from "./events/redis-cancel.js";
import { createRunEventStore } from "./events/run-events.js";
import { createProviderRegistry, type ProviderRegistry } from "./providers/registry.js";
import type { FieldCipher } from "./security/crypto.js";
import { assertDataDirUsable, explainDatabaseOpenFailure } from "./security/data-dir.js";
import { createReplayCache, type ReplayCache, type SharedReplayCache } from "./security/internal-signing.js";
import { RedisRateLimitStore } from "./security/rate-limit-redis.js";
import { createRedisReplayCache } from "./security/replay-cache-redis.js";
import { openStore, type Store } from "./store/index.js";
import { PromptTestRepository } from "./store/prompt-tests.js";
import { batchOptimize, optimizeMany } from "./usecases/batch-optimize.js";
import { cancelOptimization } from "./usecases/cancel-optimization.js";
import { RunRegistry, type UseCaseDeps } from "./usecases/context.js";
import { createCredentialService } from "./usecases/credentials.js";
import { createHistoryService } from "./usecases/history.js";
import { optimizePrompt } from "./usecases/optimize-prompt.js";
import { createProjectService } from "./usecases/projects.js";
import { createPromptTestService } from "./usecases/prompt-tests.js";
import { createTestCaseService } from "./usecases/prompt-tests-cases.js";
import { retryOptimization } from "./usecases/retry-optimization.js";
import { createStageService } from "./usecases/stages.js";
import { createTransferService } from "./usecases/transfer.js";
import { createWorkspaceHub } from "./usecases/workspace-hub.js";

export interface AppOptions {
  logger?: Logger;
  /** Where logs go when no logger is given: 1 = stdout (server), 2 = stderr (CLI, MCP stdio). */
  logDestination?: 1 | 2;
  /**
   * Recover (mark interrupted) the runs of instances whose lease is gone, at start and on every
   * heartbeat. Default true; the CLI passes false for commands that start no runs (history, doctor, …).
   */
  recoverRuns?: boolean;
}

/** How often a process with runs in flight looks for cancels and deletes made elsewhere. */
const RUN_WATCH_MS = 250;

export function createLogger(config: Pick<Config, "logLevel">, destination: 1 | 2 = 2): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: "promptforge" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          "*.authorization",
          "*.Authorization",
          "*.cookie",
          "*.api_key",
          "*.apiKey",
          "*.token",
          "*.secret",
          "*.password",
          "req.headers.authorization",
          "req.headers.cookie",
          'req.headers["x-llm-api-key"]',
        ],
        censor: "[redacted]",
      },
    },
    pino.destination({ dest: destination, sync: destination === 2 }),
  );
}

export async function createApp(config: Config, options: AppOptions = {}) {
  const logger = options.logger ?? createLogger(config, options.logDestination ?? 2);
  // A read-only or full DATA_DIR, or a locked database, stops the start with a sentence naming it.
  if (!config.databaseUrl) assertDataDirUsable(config.dataDir);
  hardenDataDirectory(config.dataDir, logger);
  const instanceId = randomUUID();
  const store: Store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    instanceId,
  }).catch((error: unknown) => {
    throw explainDatabaseOpenFailure(error, config.dataDir);
  });
  let cipher: FieldCipher;
  try {
    // The database's -wal/-shm files exist only now: hold them at 0600 too.
    hardenDataDirectory(config.dataDir, logger);
    cipher = await loadFieldCipher(config, store.settings, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const internalSecret = loadInternalSecret(config, logger);
  const credentials = createCredentialService({
    credentials: store.credentials,
    cipher,
    onChange: () => providers.invalidate(),
    onUnreadable: (provider) =>
      logger.warn(
        { provider },
        "the stored API key could not be decrypted (tampered, or moved from another row); it is ignored until stored again",
      ),
  });
  // Prompt-test runs carry this instance's id, so a second process recovers only runs of gone ones.
  const promptTestRows = new PromptTestRepository(store.db, { instanceId });
  let lease: InstanceLease;
  try {
    lease = await startInstanceLease(
      store,
      {
        heartbeatMs: config.instanceHeartbeatMs,
        ttlMs: config.instanceTtlMs,
        recover: options.recoverRuns ?? true,
        recoveries: [{ what: "prompt-test runs", markInterrupted: () => promptTestRows.markInterrupted() }],
      },
      logger,
      instanceId,
    );
  } catch (error) {
    await store.close();
    throw error;
  }
  const providers: ProviderRegistry = createProviderRegistry({
    defaultProvider: config.llmProvider,
    providers: config.providers,
    getStoredKey: (provider) => credentials.reveal(provider),
  });
  const runs = new RunRegistry();
  // Cancels and deletes made by other processes on the shared database stop this process's runs.
  const runWatch = startRunWatch(store, runs, { intervalMs: RUN_WATCH_MS }, logger);
  const promptTests = createPromptTestService({
    store,
    tests: promptTestRows,
    logger,
    maxCalls: config.testMaxCalls,
    models: {
      settings: config.providers,
      defaultProvider: () => providers.defaultEngine(),
      getStoredKey: (provider) => credentials.reveal(provider),
    },
  });
  const hub = await createWorkspaceHub({
    store,
    cipher,
    config: config.workspace,
    logger,
    sharedDatabase: config.databaseUrl !== undefined,
  });
  const deps: UseCaseDeps = {
    store,
    providers,
    runs,
    logger,
    batchConcurrency: config.batchConcurrency,
    workspaces: hub.workspaces,
  };
  const startedAt = Date.now();
  // Several instances share their rate limits (and replay caches, events) through Redis.
  const redis: RedisConnection | null = config.redisUrl
    ? createRedisConnection(config.redisUrl, {
        onError: (error) =>
          logger.error({ err: error }, "Redis (REDIS_URL) is unreachable; requests needing it get 503"),
        onReady: () => logger.info("Redis (REDIS_URL) is reachable again"),
      })
    : null;
  const rateLimitStore = redis ? new RedisRateLimitStore(redis.client) : undefined;
  // Signed internal requests: a replay is refused by every instance (Redis) or by this one.
  const replayCache: ReplayCache | SharedReplayCache = redis
    ? createRedisReplayCache(redis.client)
    : createReplayCache();
  const cancels = redis ? createCancelChannel(redis, (id) => runs.abort(id)) : null;
  // Every run's SSE events under its id, for GET /api/optimize/{id}/events (any instance with Redis).
  const runEvents = createRunEventStore({
    redis,
    ttlMs: config.runEventsTtlMs,
    onError: (error) => logger.error({ err: error }, "run events: Redis (REDIS_URL) write or read failed"),
  });

  return {
    config,
    logger,
    deps,
    startedAt,
    optimize: (input: unknown, opts?: Parameters<typeof optimizePrompt>[2]) => optimizePrompt(deps, input, opts),
    retry: (id: string, input: unknown, opts?: Parameters<typeof retryOptimization>[3]) =>
      retryOptimization(deps, id, input, opts),
    /** Cancels in the shared database; with Redis, the instance running it also aborts the run. */
    cancel: async (id: string) => {
      const record = await cancelOptimization(deps, id);
      await cancels?.publish(id);
      return record;
    },
    batch: (input: unknown, opts?: Parameters<typeof batchOptimize>[2]) => batchOptimize(deps, input, opts),
    optimizeMany: (...args: Parameters<typeof optimizeMany> extends [unknown, ...infer R] ? R : never) =>
      optimizeMany(deps, ...args),
    stages: createStageService(deps),
    history: createHistoryService(deps),
    projects: createProjectService(deps),
    strategies: () => STRATEGY_CATALOGUE,
    /** Prompt tests: runs of two prompts on the same cases (issue 15). */
    promptTests,
    testCases: createTestCaseService({ store, tests: promptTestRows }),
    credentials,
    /** The workspace hub: GitHub connection, workspace links and their sync events. */
    github: hub.github,
    workspaces: hub.workspaces,
    workspaceEvents: hub.events,
    audit: store.audit,
    internalSecret,
    /** This process's id among the instances sharing the database. */
    instanceId,
    /** Export/import of the whole installation (promptforge export / import). */
    transfer: createTransferService({ store, cipher }),
    /** The shared rate-limit store (Redis) when REDIS_URL is set; else each server keeps its own. */
    rateLimitStore,
    /** The Redis connection (REDIS_URL) shared by the stores and buses of this instance, or null. */
    redis,
    /** The retained SSE events of runs (resume after a dropped stream), shared through Redis when configured. */
    runEvents,
    /** The replay cache of signed internal requests (`/internal/*`): shared through Redis when configured. */
    replayCache,
    /** Liveness of the database (one indexed read) and, when configured, of Redis (one PING). */
    async health(): Promise<{ database: "ok" | "error"; redis: "ok" | "error" | "not configured" }> {
      const redisState = redis === null ? "not configured" : (await redis.ping()) ? "ok" : "error";
      try {
        await store.settings.get("health.probe");
        return { database: "ok", redis: redisState };
      } catch (error) {
        logger.error({ err: error }, "health: database probe failed");
        return { database: "error", redis: redisState };
      }
    },
    providers: () => providers.list(),
    /** Stops running work (records end cancelled) and closes the database. */
    async close(): Promise<void> {
      const ids = runs.abortAll();
      for (const id of ids) await store.optimizations.update(id, { status: "cancelled" }).catch(() => undefined);
      // Let aborted pipelines settle their records before the database closes.
      for (let i = 0; i < 50 && runs.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
      await promptTests.close();
      await hub.workspaces.close();
      runWatch.stop();
      await lease.stop();
      await cancels?.close();
      await runEvents.close();
      await redis?.close();
      await store.close();
      logger.flush?.();
    },
  };
}

export type App = Awaited<ReturnType<typeof createApp>>;
