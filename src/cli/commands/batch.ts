// `promptforge batch FILE.jsonl`: one {"prompt": …} per line in, one JSON line per input line out
// (in input order). A bad line is reported and the others still run.
import type { Command } from "commander";
import { isAppError } from "../../core/errors.js";
import { mapWithConcurrency } from "../../usecases/batch-optimize.js";
import { readStream, readTextFile, UsageError } from "../io.js";
import type { CliContext } from "../main.js";

interface ParsedLine {
  line: number;
  input?: Record<string, unknown>;
  error?: string;
}

export function parseBatchLines(text: string): ParsedLine[] {
  const out: ParsedLine[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      out.push({ line, error: `line ${line}: invalid JSON` });
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      out.push({ line, error: `line ${line}: expected a JSON object like {"prompt": "..."}` });
      return;
    }
    if (typeof (value as { prompt?: unknown }).prompt !== "string") {
      out.push({ line, error: `line ${line}: missing "prompt" string` });
      return;
    }
    out.push({ line, input: value as Record<string, unknown> });
  });
  return out;
}

export function registerBatch(program: Command, ctx: CliContext): void {
  program
    .command("batch")
    .description(
      'Optimize every {"prompt": …} line of a JSON Lines file ("-" for stdin); prints one JSON record per line.',
    )
    .argument("<file>", "JSON Lines input")
    .option("-c, --concurrency <n>", "prompts in flight at once", (v) => Number.parseInt(v, 10))
    .option("-s, --strategy <name>", "force a strategy for every line without its own")
    .option("-p, --project <name>", "file results under a project")
    .option("-q, --quiet", "no progress on stderr")
    .action(async (file: string, opts) => {
      const concurrency = opts.concurrency ?? undefined;
      if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32)) {
        throw new UsageError("--concurrency must be an integer from 1 to 32");
      }
      const text = file === "-" ? await readStream(ctx.io.stdin) : await readTextFile(file);
      const lines = parseBatchLines(text);
      if (lines.length === 0) throw new UsageError(`${file} has no prompts (expected one {"prompt": …} per line)`);
      const app = await ctx.app();
      const results = new Array<string | undefined>(lines.length);
      let written = 0;
      let done = 0;
      let failed = 0;
      const flush = () => {
        while (written < lines.length && results[written] !== undefined) {
          ctx.io.stdout.write(`${results[written]}\n`);
          results[written] = "";
          written++;
        }
      };
      await mapWithConcurrency(lines, concurrency ?? app.config.batchConcurrency, async (entry, index) => {
        let output: string;
        if (entry.error) {
          failed++;
          output = JSON.stringify({ line: entry.line, error: { code: "validation_error", message: entry.error } });
          ctx.io.stderr.write(`promptforge: ${entry.error}\n`);
        } else {
          try {
            const record = await app.optimize({ strategy: opts.strategy, project: opts.project, ...entry.input }, {});
            if (record.status !== "completed") failed++;
            output = JSON.stringify(record);
          } catch (error) {
            failed++;
            const message = isAppError(error) ? error.message : "internal error";
            const code = isAppError(error) ? error.code : "internal_error";
            output = JSON.stringify({ line: entry.line, error: { code, message } });
            ctx.io.stderr.write(`promptforge: line ${entry.line}: ${message}\n`);
          }
        }
        results[index] = output;
        done++;
        if (!opts.quiet && (done % 50 === 0 || done === lines.length)) {
          ctx.io.stderr.write(`… ${done}/${lines.length} done, ${failed} failed\n`);
        }
        flush();
      });
      flush();
      if (failed > 0) ctx.setExitCode(1);
    });
}
