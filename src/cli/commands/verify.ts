// `promptforge verify --prompt FILE --output FILE`: one linter line per constraint of the prompt
// (`prompt.txt:3:14: fail: 212 words, wanted less than 200 [length.words] "under 200 words"`);
// exit 1 when a constraint fails. `--optimization ID` verifies against a stored optimization.
import type { Command } from "commander";
import { type VerifyResult, verifyOutputUseCase } from "../../usecases/verify.js";
import { readStream, readTextFile, UsageError } from "../io.js";
import type { CliContext } from "../main.js";
import { lineCol } from "./analyze.js";

const STATUS = { true: "ok", false: "fail", null: "unchecked" } as const;

/** One line per verdict, located in the prompt like a compiler message, then a summary line. */
export function formatVerdicts(result: VerifyResult, label: string): string {
  const lines = result.verdicts.map((v) => {
    const at = v.span ? lineCol(result.prompt, v.span.start) : "1:1";
    return `${label}:${at}: ${STATUS[String(v.follows) as keyof typeof STATUS]}: ${v.detail} [${v.kind}] ${JSON.stringify(v.text)}`;
  });
  const { total, followed, failed, unchecked } = result.summary;
  lines.push(
    total === 0
      ? "the prompt states no verifiable constraints"
      : `${total} constraint${total === 1 ? "" : "s"}: ${followed} followed, ${failed} failed, ${unchecked} not checkable`,
  );
  return `${lines.join("\n")}\n`;
}

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command("verify")
    .description(
      "Check a model's output against the constraints its prompt states; one line per constraint, exit 1 when one fails.",
    )
    .option("-p, --prompt <file>", "the prompt the output answers")
    .option("--optimization <id>", "instead of --prompt: a stored optimization (its optimized prompt)")
    .option("--original", "with --optimization: verify against its original prompt")
    .requiredOption("-o, --output <file>", 'the output to check ("-" reads stdin)')
    .option("--json", "print the verdicts as JSON")
    .action(
      async (opts: { prompt?: string; optimization?: string; original?: boolean; output: string; json?: boolean }) => {
        if ((opts.prompt === undefined) === (opts.optimization === undefined)) {
          throw new UsageError("give exactly one of --prompt FILE or --optimization ID");
        }
        if (opts.original && opts.optimization === undefined) throw new UsageError("--original needs --optimization");
        const output = opts.output === "-" ? await readStream(ctx.io.stdin) : await readTextFile(opts.output);
        const input =
          opts.prompt !== undefined
            ? { prompt: await readTextFile(opts.prompt), output }
            : {
                optimization_id: opts.optimization,
                ...(opts.original ? { prompt_version: "original" } : {}),
                output,
              };
        // An inline prompt needs no database; only a stored optimization opens the app.
        const deps = opts.prompt !== undefined ? {} : { store: (await ctx.app()).deps.store };
        const result = await verifyOutputUseCase(deps, input);
        const label = opts.prompt ?? `optimization:${opts.optimization}`;
        ctx.io.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatVerdicts(result, label));
        if (result.summary.failed > 0) ctx.setExitCode(1);
      },
    );
}
