// `promptforge strategies`: the strategy catalogue.
import type { Command } from "commander";
import { STRATEGY_CATALOGUE } from "../../core/strategies/catalogue.js";
import type { CliContext } from "../main.js";

export function registerStrategies(program: Command, ctx: CliContext): void {
  program
    .command("strategies")
    .description("List the optimization strategies and when each works best.")
    .option("--json", "print as JSON")
    .action((opts) => {
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify(STRATEGY_CATALOGUE, null, 2)}\n`);
        return;
      }
      for (const s of STRATEGY_CATALOGUE) {
        ctx.io.stdout.write(`${s.name}\n  ${s.description}\n  best when: ${s.best_when}\n`);
      }
    });
}
