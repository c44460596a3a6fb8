// `promptforge history`: recent optimizations, with full-text search.
import type { Command } from "commander";
import { OPTIMIZATION_STATUSES } from "../../core/records.js";
import { terminalSafe, UsageError } from "../io.js";
import type { CliContext } from "../main.js";

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 100)
    throw new UsageError(`--limit must be a whole number from 1 to 100, got "${terminalSafe(value.slice(0, 20))}"`);
  return n;
}

function parseStatus(value: string): string {
  if (!(OPTIMIZATION_STATUSES as readonly string[]).includes(value))
    throw new UsageError(
      `--status must be one of ${OPTIMIZATION_STATUSES.join(", ")}, got "${terminalSafe(value.slice(0, 40))}"`,
    );
  return value;
}

export function registerHistory(program: Command, ctx: CliContext): void {
  program
    .command("history")
    .description("List stored optimizations, newest first.")
    .option("--search <text>", "full-text search over prompts, titles, tags and project names")
    .option("-n, --limit <n>", "how many records (1–100)", parseLimit, 20)
    .option("--status <status>", `only records with this status (${OPTIMIZATION_STATUSES.join(", ")})`, parseStatus)
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
        const filters = [
          opts.search ? `matching "${terminalSafe(opts.search)}"` : null,
          opts.status ? `with status ${opts.status}` : null,
        ].filter(Boolean);
        ctx.io.stdout.write(filters.length > 0 ? `no optimizations ${filters.join(" ")}\n` : "no optimizations yet\n");
        return;
      }
      for (const r of page.items) {
        const score = r.validation ? r.validation.overall.toFixed(1) : "  - ";
        // Stored text is printed escaped: a title cannot drive the terminal (issue 17).
        const label = terminalSafe((r.title ?? r.raw_prompt).replace(/\s+/g, " ").slice(0, 60));
        ctx.io.stdout.write(
          `${r.created_at.slice(0, 19).replace("T", " ")}  ${r.status.padEnd(9)} ${score.padStart(4)}  ${(r.strategy?.strategy ?? "-").padEnd(20)} ${r.id}  ${label}\n`,
        );
      }
      ctx.io.stdout.write(`${page.items.length} of ${page.total}\n`);
    });
}
