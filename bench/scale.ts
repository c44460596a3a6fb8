// Scale-out figures (`BENCH=scale`), PostgreSQL side by side with SQLite on this machine:
// history search over 100 000 records through the API (p95), POST /api/optimize (local engine)
// time to first event (median), and the latency a Redis rate-limit check adds (p99), with the
// in-memory store as reference. Throwaway PostgreSQL and Redis servers are started from the
// binaries on this machine (test/helpers/services.ts), or TEST_DATABASE_URL / TEST_REDIS_URL.
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
      for (const w of WORDS.slice(0, 3))
        await get(new URL(`/api/history?search=${encodeURIComponent(w)}`, server.url), agent);
      const search: number[] = [];
      for (let r = 0; r < 10; r++) {
        for (const w of WORDS)
          search.push(await get(new URL(`/api/history?search=${encodeURIComponent(w)}`, server.url), agent));
      }
      const url = new URL("/api/optimize", server.url);
      for (let i = 0; i < 10; i++) await firstEvent(url, agent);
      const first: number[] = [];
      for (let i = 0; i < 100; i++) first.push(await firstEvent(url, agent));
      return { seedSeconds, search: summarize(search), first: summarize(first) };
    } finally {
      agent.destroy();
    }
  });
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

    const client = new Redis(redis.service.url);
    const store = new RedisRateLimitStore(client, { keyPrefix: `bench:${Date.now()}:` });
    const memory = new MemoryRateLimitStore();
    const redisSamples: number[] = [];
    const memorySamples: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const key = `client-${i % 50}`;
      let start = performance.now();
      await store.hit(key, Date.now(), 60_000, 1_000_000);
      if (i >= 300) redisSamples.push(performance.now() - start);
      start = performance.now();
      await memory.hit(key, Date.now(), 60_000, 1_000_000);
      if (i >= 300) memorySamples.push(performance.now() - start);
    }
    client.disconnect();
    const r = summarize(redisSamples);
    const m = summarize(memorySamples);
    const added = r.p99 - m.p99;

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
        reference: { name: "scale.history_search.sqlite.p95", value: round(sqlite.search.p95), unit: "ms" },
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
        redis_p99: round(r.p99),
        redis_median: round(r.median),
        reference: { name: "scale.rate_limit.memory.p99", value: round(m.p99, 4), unit: "ms" },
      },
    ];
  } finally {
    await redis.service.stop();
    await pg.service.stop();
  }
}
