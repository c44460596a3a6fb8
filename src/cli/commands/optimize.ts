// `promptforge optimize [PROMPT]`: run the pipeline on one prompt and print the result.
import type { Command } from "commander";
import { progressPrinter, readPromptInput, terminalSafe } from "../io.js";
import type { CliContext } from "../main.js";

/** `--tag` is repeatable, never variadic: a variadic option would swallow the prompt after it. */
function collectTag(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerOptimize(program: Command, ctx: CliContext): void {
  program
    .command("optimize")
    .description("Analyse, rewrite and score one prompt (argument, -f FILE, or stdin).")
    .argument("[prompt]", "the prompt text")
    .option("-f, --file <file>", "read the prompt from a file")
    .option("-s, --strategy <name>", "force a strategy (see `promptforge strategies`)")
    .option("-p, --project <name>", "file the result under a project (created if missing)")
    .option("-t, --title <title>", "title of the history record")
    .option("--tag <tag>", "a tag for the history record (repeat for more: --tag a --tag b)", collectTag, [])
    .option("--provider <name>", "engine to use (default: configured provider, else local)")
    .option("--max-iterations <n>", "re-optimize up to n times (1–5) while below --score-threshold", Number)
    .option("--score-threshold <score>", "target overall score (1–10)", Number)
    .option("--json", "print the full stored record as JSON")
    .option("-q, --quiet", "no progress on stderr")
    .action(async (promptArg: string | undefined, opts) => {
      const prompt = await readPromptInput(ctx.io, promptArg, opts.file);
      const app = await ctx.app();
      const record = await app.optimize(
        {
          prompt,
          strategy: opts.strategy,
          project: opts.project,
          title: opts.title,
          tags: opts.tag.length > 0 ? opts.tag : undefined,
          provider: opts.provider,
          max_iterations: opts.maxIterations,
          score_threshold: opts.scoreThreshold,
        },
        { emit: opts.quiet ? undefined : progressPrinter(ctx.io) },
      );
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      } else if (record.optimized_prompt) {
        ctx.io.stdout.write(`${terminalSafe(record.optimized_prompt, { multiline: true })}\n`);
      }
      if (record.status !== "completed") {
        if (!opts.json)
          ctx.io.stderr.write(
            `promptforge: optimization ${record.status}: ${terminalSafe(record.error_message ?? "")}\n`,
          );
        ctx.setExitCode(1);
      } else if (!opts.quiet) {
        ctx.io.stderr.write(`saved as ${record.id}\n`);
      }
    });
}
