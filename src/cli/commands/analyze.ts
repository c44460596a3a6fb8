// `promptforge analyze [PROMPT]`: diagnostics like a linter; exit 1 when an error-severity finding exists.
import type { Command } from "commander";
import type { Span } from "../../core/pipeline/schemas.js";
import { readPromptInput } from "../io.js";
import type { CliContext } from "../main.js";

/** 1-based line:column of a character offset. */
export function lineCol(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return `${line}:${col}`;
}

export function registerAnalyze(program: Command, ctx: CliContext): void {
  program
    .command("analyze")
    .description("Lint a prompt: diagnostics with line:col, code and severity (argument, -f FILE, or stdin).")
    .argument("[prompt]", "the prompt text")
    .option("-f, --file <file>", "read the prompt from a file")
    .option("--json", "print the analysis as JSON")
    .action(async (promptArg: string | undefined, opts) => {
      const raw = await readPromptInput(ctx.io, promptArg, opts.file);
      const app = await ctx.app();
      const { analysis, warnings } = await app.stages.analyze({ prompt: raw });
      const strategy = (await app.stages.strategy({ prompt: raw, analysis })).strategy;
      const hasError = analysis.weaknesses.some((w) => w.severity === "error");
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify({ ...analysis, strategy, warnings }, null, 2)}\n`);
      } else {
        const at = (span?: Span) => (span ? lineCol(raw, span.start) : "1:1");
        const rows = analysis.weaknesses.map((w) => [at(w.span), w.code, w.severity, w.message]);
        const width = (i: number) => Math.max(0, ...rows.map((r) => (r[i] ?? "").length));
        for (const r of rows) {
          ctx.io.stdout.write(
            `${r[0]?.padEnd(width(0))}  ${r[1]?.padEnd(width(1))}  ${r[2]?.padEnd(width(2))}  ${r[3]}\n`,
          );
        }
        if (rows.length === 0) ctx.io.stdout.write("no findings\n");
        for (const c of analysis.constraints) ctx.io.stdout.write(`constraint ${c.kind}: ${JSON.stringify(c.text)}\n`);
        if (analysis.placeholders.length) ctx.io.stdout.write(`placeholders: ${analysis.placeholders.join(" ")}\n`);
        const extra = strategy.secondary_frameworks.length ? ` (+${strategy.secondary_frameworks.join(", ")})` : "";
        ctx.io.stdout.write(
          `task_type=${analysis.task_type} complexity=${analysis.complexity}  strategy=${strategy.strategy}${extra}\n`,
        );
        ctx.io.stdout.write(`reason: ${strategy.reasoning}\n`);
      }
      if (hasError) ctx.setExitCode(1);
    });
}
