// `promptforge history`: recent optimizations, with full-text search.
import type { Command } from "commander";
import type { CliContext } from "../main.js";

export function registerHistory(program: Command, ctx: CliContext): void {
  program
    .command("history")
    .description("List stored optimizations, newest first.")
    .option("--search <text>", "full-text search over prompts, titles, tags and project names")
    .option("-n, --limit <n>", "how many records (1–100)", (v) => Number.parseInt(v, 10), 20)
    .option("--status <status>", "only records with this status")
    .option("--json", "print records as JSON")
    .action(async (opts) => {
      const app = await ctx.app();
      const page = await app.history.list({
        search: opts.search,
        per_page: opts.limit,
        status: opts.status,
        sort: opts.search ? "relevance" : undefined,
      });
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        return;
      }
      if (page.items.length === 0) {
        ctx.io.stdout.write(opts.search ? "no matching optimizations\n" : "no optimizations yet\n");
        return;
      }
      for (const r of page.items) {
        const score = r.validation ? r.validation.overall.toFixed(1) : "  - ";
        const label = (r.title ?? r.raw_prompt).replace(/\s+/g, " ").slice(0, 60);
        ctx.io.stdout.write(
          `${r.created_at.slice(0, 19).replace("T", " ")}  ${r.status.padEnd(9)} ${score.padStart(4)}  ${(r.strategy?.strategy ?? "-").padEnd(20)} ${r.id}  ${label}\n`,
        );
      }
      ctx.io.stdout.write(`${page.items.length} of ${page.total}\n`);
    });
}
