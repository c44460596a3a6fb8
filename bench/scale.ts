// Scale-out figures (`BENCH=scale`), PostgreSQL side by side with SQLite on this machine:
// history search over 100 000 records through the API (p95 of 100 distinct queries, so no read
// cache helps; beside it the p95 of repeated queries, which the read caches answer),
// POST /api/optimize (local engine) time to first event (median), and the latency a Redis
// rate-limit check adds (p99), with the in-memory store as reference. Throwaway PostgreSQL and
// Redis servers are started from the binaries on this machine (test/helpers/services.ts), or
// TEST_DATABASE_URL / TEST_REDIS_URL.
import http from "node:http";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { MemoryRateLimitStore } from "../src/security/rate-limit.js";
import { RedisRateLimitStore } from "../src/security/rate-limit-redis.js";
import type { RunningServer } from "../src/server/serve.js";
import { seedSyntheticHistory } from "../src/store/index.js";
import { postgresService, redisService } from "../test/helpers/services.js";
import { timeFirstEvent as firstEvent, timedGet as get, withBenchServer } from "./load.js";
import { type Figure, round, summarize } from "./stats.js";

const RECORDS = Number(process.env.BENCH_SCALE_RECORDS ?? 100_000);
const WORDS = [
  "kubernetes",
  "sales report",
  "python decorators",
  "customer churn",
  "write",
  "invoice",
  "json",
  "onboarding email",
  "graph",
  "marathon",
];
function withServer<T>(env: Record<string, string>, fn: (s: RunningServer) => Promise<T>): Promise<T> {
  return withBenchServer("pf-bench-scale-", fn, env);
}

async function measure(label: "sqlite" | "postgres", env: Record<string, string>) {
  return withServer(env, async (server) => {
    const seedStart = performance.now();
    await seedSyntheticHistory(server.app.deps.store, RECORDS);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    if (label === "postgres") await sql`ANALYZE`.execute(server.app.deps.store.db);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const history = (w: string, page: number, perPage = 20) =>
        get(
          new URL(`/api/history?search=${encodeURIComponent(w)}&page=${page}&per_page=${perPage}`, server.url),
          agent,
        );
      // Warm-up (connections, JIT, the database's own buffers) under keys no measured query uses.
      for (const w of WORDS.slice(0, 3)) await history(w, 1, 19);
      // Uncached: every query distinct (10 words × pages 1–10), so no read cache can answer any.
      const search: number[] = [];
      for (let page = 1; page <= 10; page++) for (const w of WORDS) search.push(await history(w, page));
      // Repeated: the same 10 queries 10 times — the UI polling a page; a read cache answers the
      // repeats while nothing is written (the first round are misses, and they count).
      const repeated: number[] = [];
      for (let r = 0; r < 10; r++) for (const w of WORDS) repeated.push(await history(w, 11));
      const url = new URL("/api/optimize", server.url);
      for (let i = 0; i < 10; i++) await firstEvent(url, agent);
      const first: number[] = [];
      for (let i = 0; i < 100; i++) first.push(await firstEvent(url, agent));
      return { seedSeconds, search: summarize(search), repeated: summarize(repeated), first: summarize(first) };
    } finally {
      agent.destroy();
    }
  });
}

const RATE_LIMIT_WARMUP = 2_000;
const RATE_LIMIT_SAMPLES = Number(process.env.BENCH_RATE_LIMIT_SAMPLES ?? 20_000);

/**
 * The latency one rate-limit check adds: the Redis store against the in-memory store, measured
 * alternately in the same loop (so both see the same machine), after a warm-up (connection, script
 * load, JIT). Every sample counts — none is dropped as an outlier — and a bare PING beside each
 * check shows how much of the tail is the round trip itself rather than the script.
 */
async function measureRateLimit(url: string) {
  const client = new Redis(url);
  try {
    const store = new RedisRateLimitStore(client, { keyPrefix: `bench:${Date.now()}:` });
    const memory = new MemoryRateLimitStore();
    const redisSamples: number[] = [];
    const memorySamples: number[] = [];
    const pingSamples: number[] = [];
    for (let i = 0; i < RATE_LIMIT_WARMUP + RATE_LIMIT_SAMPLES; i++) {
      const key = `client-${i % 50}`;
      const record = i >= RATE_LIMIT_WARMUP;
      let start = performance.now();
      await store.hit(key, Date.now(), 60_000, 1_000_000);
      if (record) redisSamples.push(performance.now() - start);
      start = performance.now();
      await memory.hit(key, Date.now(), 60_000, 1_000_000);
      if (record) memorySamples.push(performance.now() - start);
      start = performance.now();
      await client.ping();
      if (record) pingSamples.push(performance.now() - start);
    }
    const quarter = Math.ceil(redisSamples.length / 4);
    const quarters = [0, 1, 2, 3].map((q) => summarize(redisSamples.slice(q * quarter, (q + 1) * quarter)).p99);
    return {
      redis: summarize(redisSamples),
      memory: summarize(memorySamples),
      ping: summarize(pingSamples),
      quarters,
    };
  } finally {
    client.disconnect();
  }
}

export async function runScaleBench(): Promise<Figure[]> {
  const pg = await postgresService();
  const redis = await redisService();
  if (pg.service === null) throw new Error(`PostgreSQL unavailable: ${pg.reason}`);
  if (redis.service === null) throw new Error(`Redis unavailable: ${redis.reason}`);
  try {
    const sqlite = await measure("sqlite", {});
    const databaseUrl = await pg.service.freshDatabase("pfbench");
    const postgres = await measure("postgres", {
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: "5f".repeat(32),
      INTERNAL_WEBHOOK_SECRET: "bench-internal-webhook-secret-0123456789",
      // Seeding 100 000 rows and rebuilding the index is one long statement on a busy machine.
      DATABASE_STATEMENT_TIMEOUT_MS: "0",
    });

    const rl = await measureRateLimit(redis.service.url);
    const added = rl.redis.p99 - rl.memory.p99;

    return [
      {
        name: "scale.seed.postgres",
        value: round(postgres.seedSeconds, 2),
        unit: "s",
        records: RECORDS,
        reference: { name: "scale.seed.sqlite", value: round(sqlite.seedSeconds, 2), unit: "s" },
      },
      {
        name: "scale.history_search.postgres.p95",
        value: round(postgres.search.p95),
        unit: "ms",
        budget: "< 50",
        within_budget: postgres.search.p95 < 50,
        records: RECORDS,
        median: round(postgres.search.median),
        queries: "100 distinct (10 words x pages 1-10): uncached on both dialects",
        reference: { name: "scale.history_search.sqlite.p95", value: round(sqlite.search.p95), unit: "ms" },
      },
      {
        name: "scale.history_search.postgres.repeated.p95",
        value: round(postgres.repeated.p95),
        unit: "ms",
        records: RECORDS,
        median: round(postgres.repeated.median),
        queries: "10 queries x 10 rounds, no writes: the read cache answers repeats (first round misses)",
        reference: {
          name: "scale.history_search.sqlite.repeated.p95",
          value: round(sqlite.repeated.p95),
          unit: "ms",
        },
      },
      {
        name: "scale.optimize.time_to_first_event.postgres.median",
        value: round(postgres.first.median),
        unit: "ms",
        budget: "< 15",
        within_budget: postgres.first.median < 15,
        p95: round(postgres.first.p95),
        reference: {
          name: "scale.optimize.time_to_first_event.sqlite.median",
          value: round(sqlite.first.median),
          unit: "ms",
        },
      },
      {
        name: "scale.rate_limit.redis.added_p99",
        value: round(added),
        unit: "ms",
        budget: "< 2",
        within_budget: added < 2,
        samples: rl.redis.count,
        redis_p99: round(rl.redis.p99),
        redis_median: round(rl.redis.median),
        redis_max: round(rl.redis.max),
        // The p99 of each quarter of the run: a steady tail, or one burst of machine load?
        redis_p99_by_quarter: rl.quarters.map((q) => round(q)),
        // A bare PING on the same connection: the round trip every Redis command pays.
        ping_p99: round(rl.ping.p99),
        reference: { name: "scale.rate_limit.memory.p99", value: round(rl.memory.p99, 4), unit: "ms" },
      },
    ];
  } finally {
    await redis.service.stop();
    await pg.service.stop();
  }
}
