// Which database the current test project runs on ("sqlite", or "postgres" in the postgres
// project of vitest.config.ts), and a fresh PostgreSQL database per test on the project's server.
import pg from "pg";
import { inject } from "vitest";

export type TestDialect = "sqlite" | "postgres";

export const TEST_DIALECT: TestDialect = process.env.PF_TEST_DIALECT === "postgres" ? "postgres" : "sqlite";

/** Secrets every instance on a shared database must share (config refuses DATABASE_URL without). */
export const SHARED_SECRETS = {
  ENCRYPTION_KEY: "5f".repeat(32),
  INTERNAL_WEBHOOK_SECRET: "test-internal-webhook-secret-0123456789",
};

async function query(url: string, statements: string[]): Promise<pg.QueryResult[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out = [];
    for (const s of statements) out.push(await client.query(s));
    return out;
  } finally {
    await client.end();
  }
}

function urlOf(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Databases of this worker given back by finished tests, emptied again before reuse. */
const released: string[] = [];
let counter = 0;

/**
 * A migrated, empty database on the project's PostgreSQL server. `drop` gives it back: the next
 * test of this worker gets it again after every table is truncated (cheaper than a new copy).
 */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = inject("pgAdminUrl");
  const prefix = inject("pgPrefix");
  let name = released.pop();
  if (name !== undefined) {
    const url = urlOf(adminUrl, name);
    const [tables] = await query(url, [
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%'",
    ]);
    const list = (tables.rows as Array<{ tablename: string }>).map((r) => `"${r.tablename}"`).join(", ");
    if (list) await query(url, [`TRUNCATE ${list} RESTART IDENTITY CASCADE`]);
  } else {
    name = `${prefix}w${process.pid}_${counter++}`;
    await query(adminUrl, [`CREATE DATABASE ${name} TEMPLATE ${prefix}template`]);
  }
  const db = name;
  let given = false;
  return {
    url: urlOf(adminUrl, db),
    drop: async () => {
      if (given) return;
      given = true;
      released.push(db);
    },
  };
}

/**
 * Environment for an app on the test dialect: on PostgreSQL a fresh database plus the shared
 * secrets; on SQLite nothing (DATA_DIR is enough).
 */
export async function dialectEnv(): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (TEST_DIALECT === "sqlite") return { env: {}, drop: async () => {} };
  const db = await freshPostgresDatabase();
  return { env: { DATABASE_URL: db.url, ...SHARED_SECRETS }, drop: db.drop };
}
