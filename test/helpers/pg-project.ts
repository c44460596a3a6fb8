// The "postgres" vitest project: the store, use-case and HTTP suites run a second time with
// PF_TEST_DIALECT=postgres on one throwaway PostgreSQL server (pg-global-setup.ts). It exists when
// TEST_DATABASE_URL is given or initdb/postgres are installed; otherwise the run prints why it is
// left out — and under CI=true refuses to start, so CI can never silently skip it.
import fs from "node:fs";
import path from "node:path";

/** Suites that run on both dialects. SQLite-only files (FTS5 internals, the SQLite file) stay out. */
export const POSTGRES_SUITES = [
  "src/store/**/*.test.ts",
  "src/usecases/**/*.test.ts",
  "test/http/**/*.test.ts",
  "test/scale/**/*.test.ts",
  "test/workspace/github-oauth.test.ts",
  "test/workspace/workspace-sync.test.ts",
];
const SQLITE_ONLY = ["src/store/search-sqlite.test.ts", "src/store/store.test.ts"];

function hasBinary(name: string): boolean {
  const dirs = (process.env.PATH ?? "").split(path.delimiter);
  try {
    for (const v of fs.readdirSync("/usr/lib/postgresql")) dirs.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {}
  return dirs.some((dir) => {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export function postgresUnavailable(): string | null {
  if (process.env.TEST_DATABASE_URL) return null;
  if (!hasBinary("initdb") || !hasBinary("postgres")) {
    return "initdb/postgres not found (install Debian's postgresql, or set TEST_DATABASE_URL)";
  }
  return null;
}

export function postgresProject<T extends object>(base: T) {
  const reason = postgresUnavailable();
  if (reason !== null) {
    if (process.env.CI === "true" || process.env.CI === "1") {
      throw new Error(`CI=true but the PostgreSQL suites cannot run: ${reason}`);
    }
    console.warn(`[skip] PostgreSQL suites: ${reason}`);
    return [];
  }
  return [
    {
      test: {
        ...base,
        name: "postgres",
        include: POSTGRES_SUITES,
        exclude: ["**/node_modules/**", ...SQLITE_ONLY],
        env: { PF_TEST_DIALECT: "postgres" },
        globalSetup: ["./test/helpers/pg-global-setup.ts"],
      },
    },
  ];
}
