// Global setup of the "postgres" test project: one throwaway PostgreSQL server for the whole run
// (or TEST_DATABASE_URL), and one migrated template database on it. Test workers get both with
// inject(); each test then takes a database copied from the template (test/helpers/dialect.ts),
// which is much cheaper than migrating a new one. Teardown drops every database of the run.
import { randomBytes } from "node:crypto";
import os from "node:os";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openStore } from "../../src/store/store.js";
import { postgresService } from "./services.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    /** Name prefix of this run's databases; `${prefix}template` is the migrated template. */
    pgPrefix: string;
  }
}

async function admin(adminUrl: string, statements: string[]): Promise<pg.QueryResult[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const out = [];
    for (const s of statements) out.push(await client.query(s));
    return out;
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const availability = await postgresService();
  if (availability.service === null) throw new Error(`PostgreSQL unavailable: ${availability.reason}`);
  const service = availability.service;
  const prefix = `pf_${randomBytes(3).toString("hex")}_`;
  const template = `${prefix}template`;
  await admin(service.adminUrl, [`CREATE DATABASE ${template}`]);
  const url = new URL(service.adminUrl);
  url.pathname = `/${template}`;
  const store = await openStore({ dataDir: os.tmpdir(), databaseUrl: url.toString() });
  await store.close();
  project.provide("pgAdminUrl", service.adminUrl);
  project.provide("pgPrefix", prefix);
  return async () => {
    // A given TEST_DATABASE_URL server outlives the run: leave nothing behind on it.
    const [rows] = await admin(service.adminUrl, [
      `SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'`,
    ]).catch(() => [{ rows: [] }] as never);
    const names = (rows.rows as Array<{ datname: string }>).map((r) => r.datname);
    await admin(
      service.adminUrl,
      names.map((n) => `DROP DATABASE IF EXISTS ${n} WITH (FORCE)`),
    ).catch(() => undefined);
    await service.stop();
  };
}
