// `promptforge doctor`: checks the installation and configuration and says what to fix.
import { statSync } from "node:fs";
import net from "node:net";
import type { Command } from "commander";
import { loadConfig } from "../../config.js";
import type { CliContext } from "../main.js";

type Level = "ok" | "warn" | "fail";

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port }, () => server.close(() => resolve(true)));
  });
}

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .description("Check Node.js, configuration, data directory, database, encryption key, providers and ports.")
    .action(async () => {
      let failed = false;
      const report = (level: Level, what: string, detail: string) => {
        if (level === "fail") failed = true;
        ctx.io.stdout.write(`${level.padEnd(4)}  ${what.padEnd(14)} ${detail}\n`);
      };
      const major = Number(process.versions.node.split(".")[0]);
      report(
        major >= 20 ? "ok" : "fail",
        "node",
        `v${process.versions.node}${major >= 20 ? "" : " (20 or newer is required)"}`,
      );
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig();
        report("ok", "config", "environment is valid");
      } catch (error) {
        report("fail", "config", (error as Error).message);
        ctx.setExitCode(1);
        return;
      }
      try {
        const app = await ctx.app();
        const mode = (statSync(config.dataDir).mode & 0o777).toString(8).padStart(3, "0");
        report(mode === "700" ? "ok" : "warn", "data dir", `${config.dataDir} (mode 0${mode})`);
        const { database } = await app.health();
        report(database === "ok" ? "ok" : "fail", "database", `${config.dataDir}/promptforge.db ${database}`);
        report(
          "ok",
          "encryption",
          config.encryptionKey ? "ENCRYPTION_KEY matches the stored data" : "key file in the data directory",
        );
        const providers = await app.providers();
        const available = providers.filter((p) => p.available).map((p) => p.name);
        report(
          "ok",
          "providers",
          `available: ${available.join(", ")}; default: ${await app.deps.providers.defaultEngine()}`,
        );
      } catch (error) {
        report("fail", "start-up", (error as Error).message);
      }
      for (const [name, host, port] of [
        ["api port", config.host, config.port],
        ["mcp port", config.mcpHost, config.mcpPort],
      ] as const) {
        const free = await portFree(host, port);
        report(
          free ? "ok" : "warn",
          name,
          `${host}:${port} ${free ? "is free" : "is in use (a server already running?)"}`,
        );
      }
      if (!config.authToken && !["127.0.0.1", "localhost", "::1"].includes(config.host)) {
        report("warn", "exposure", `HOST=${config.host} without AUTH_TOKEN: anyone on the network can use the API`);
      }
      if (failed) ctx.setExitCode(1);
    });
}
