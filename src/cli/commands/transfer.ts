// `promptforge export` / `promptforge import`: the whole installation as JSON Lines (optimization
// records in the API's history export format, other tables as {"_type", "row"} lines), to move
// from SQLite to PostgreSQL (DATABASE_URL) and back. Import is idempotent.
import fs from "node:fs";
import readline from "node:readline";
import type { Command } from "commander";
import { UsageError } from "../io.js";
import type { CliContext } from "../main.js";

export function registerTransfer(program: Command, ctx: CliContext): void {
  program
    .command("export")
    .description(
      "Write the whole installation (history, projects, prompts, versions, audit, settings, stored keys) as JSON Lines.",
    )
    .option("-o, --out <file>", "write to FILE instead of stdout")
    .action(async (opts: { out?: string }) => {
      const app = await ctx.app();
      // The export holds stored keys (encrypted) and the audit log: the file is private (0600).
      const file = opts.out ? fs.createWriteStream(opts.out, { mode: 0o600 }) : null;
      const out: NodeJS.WritableStream = file ?? ctx.io.stdout;
      let lines = 0;
      for await (const line of app.transfer.exportLines()) {
        if (!out.write(`${JSON.stringify(line)}\n`)) await new Promise((r) => out.once("drain", r));
        lines++;
      }
      if (file)
        await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
      ctx.io.stderr.write(`exported ${lines} lines\n`);
    });

  program
    .command("import")
    .description("Import an export (or a history export) into this installation; rows already present are skipped.")
    .argument("<file>", "JSON Lines file written by `promptforge export` (- for stdin)")
    .option(
      "--source-key-file <file>",
      "file holding the ENCRYPTION_KEY the export was made under, when it differs (stored keys are re-encrypted)",
    )
    .option("--json", "print the per-table counts as JSON")
    .action(async (file: string, opts: { sourceKeyFile?: string; json?: boolean }) => {
      let input: NodeJS.ReadableStream;
      if (file === "-") input = ctx.io.stdin;
      else {
        if (!fs.existsSync(file)) throw new UsageError(`cannot read ${file}: no such file`);
        input = fs.createReadStream(file, { encoding: "utf8" });
      }
      let sourceKey: string | undefined;
      if (opts.sourceKeyFile) {
        try {
          sourceKey = fs.readFileSync(opts.sourceKeyFile, "utf8").trim();
        } catch {
          throw new UsageError(`cannot read --source-key-file ${opts.sourceKeyFile}`);
        }
      }
      const app = await ctx.app();
      async function* parsed() {
        let n = 0;
        for await (const text of readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
          n++;
          if (text.trim() === "") continue;
          try {
            yield JSON.parse(text) as unknown;
          } catch {
            throw new UsageError(`line ${n}: not valid JSON`);
          }
        }
      }
      const report = await app.transfer.importLines(parsed(), { sourceKey });
      if (opts.json) ctx.io.stdout.write(`${JSON.stringify(report)}\n`);
      else {
        for (const [table, c] of Object.entries(report)) {
          ctx.io.stdout.write(
            `${table.padEnd(20)} ${String(c.inserted).padStart(7)} imported ${String(c.skipped).padStart(7)} skipped\n`,
          );
        }
      }
    });
}
