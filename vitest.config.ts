import { configDefaults, defineConfig } from "vitest/config";
import { postgresProject } from "./test/helpers/pg-project.js";

const base = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  allowOnly: false,
  pool: "forks" as const,
};

export default defineConfig({
  test: {
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    allowOnly: false,
    projects: [
      {
        test: {
          ...base,
          name: "sqlite",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          // Fixture repositories (test/fixtures/repos) are data for the workspace extractor, not tests.
          exclude: [...configDefaults.exclude, "test/fixtures/**"],
          globalSetup: ["./test/e2e/global-setup.ts"],
        },
      },
      // The store, use-case and HTTP suites again on PostgreSQL (test/helpers/pg-project.ts).
      ...postgresProject(base),
    ],
  },
});
