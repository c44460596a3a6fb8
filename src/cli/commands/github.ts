// `promptforge github login|status|logout`: connect GitHub from a terminal with the device flow (no
// client secret, no callback URL; works on a headless or remote install). Polls at GitHub's
// interval and backs off on slow_down, through the same use case the web UI calls.
import type { Command } from "commander";
import { UsageError } from "../io.js";
import type { CliContext } from "../main.js";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new UsageError("login cancelled"));
      },
      { once: true },
    );
  });

export function registerGitHub(program: Command, ctx: CliContext): void {
  const github = program.command("github").description("Connect GitHub for workspace sync (see docs/workspace.md).");

  github
    .command("login")
    .description("Connect GitHub with the device flow: enter the printed code at github.com/login/device.")
    .option("--client-id <id>", "the GitHub OAuth app's client id (stored; needed once)")
    .option("--json", "print the outcome as JSON")
    .action(async (opts: { clientId?: string; json?: boolean }) => {
      const app = await ctx.app();
      if (opts.clientId) await app.github.putConfig({ client_id: opts.clientId });
      const cfg = await app.github.getConfig();
      if (!cfg.configured) {
        throw new UsageError(
          "GitHub is not configured: pass --client-id <id> of an OAuth app with the device flow enabled (docs/workspace.md)",
        );
      }
      const flow = await app.github.deviceStart();
      ctx.io.stderr.write(
        `Open ${flow.verification_uri} and enter the code ${flow.user_code}\n(waiting; expires at ${flow.expires_at}; Ctrl-C to stop)\n`,
      );
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once("SIGINT", onSigint);
      try {
        let interval = flow.interval;
        for (;;) {
          await sleep(interval * 1000, controller.signal);
          const poll = await app.github.devicePoll(flow.id);
          if (poll.interval > interval)
            ctx.io.stderr.write(`GitHub asked to slow down: polling every ${poll.interval} s\n`);
          interval = poll.interval;
          if (poll.status === "pending") continue;
          if (poll.status === "authorized") {
            const status = await app.github.status();
            if (opts.json) ctx.io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
            else
              ctx.io.stdout.write(
                `Connected to GitHub as ${status.login} (scopes: ${status.scopes.join(", ") || "none"})\n`,
              );
            return;
          }
          throw new UsageError(
            poll.status === "expired"
              ? "the code expired before it was entered; run `promptforge github login` again"
              : "the request was denied at GitHub",
          );
        }
      } finally {
        process.off("SIGINT", onSigint);
      }
    });

  github
    .command("status")
    .description("Show whether GitHub is configured and connected.")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const status = await (await ctx.app()).github.status();
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      if (!status.configured) ctx.io.stdout.write("GitHub: not configured\n");
      else if (!status.connected) ctx.io.stdout.write("GitHub: configured, not connected\n");
      else
        ctx.io.stdout.write(
          `GitHub: connected as ${status.login} since ${status.connected_since} (${status.flow} flow; scopes: ${status.scopes.join(", ") || "none"})\n`,
        );
    });

  github
    .command("logout")
    .description("Delete the stored GitHub token (revoked at GitHub when the client secret is stored).")
    .action(async () => {
      const result = await (await ctx.app()).github.disconnect();
      ctx.io.stdout.write(result.revoked ? "Disconnected; the token was revoked at GitHub.\n" : "Disconnected.\n");
    });
}
