// `promptforge keygen`: a fresh random secret for ENCRYPTION_KEY, AUTH_TOKEN, MCP_AUTH_TOKEN or
// INTERNAL_WEBHOOK_SECRET (32 bytes from the CSPRNG, hex by default).
import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { UsageError } from "../io.js";
import type { CliContext } from "../main.js";

export function registerKeygen(program: Command, ctx: CliContext): void {
  program
    .command("keygen")
    .description("Print a new random secret (for ENCRYPTION_KEY, AUTH_TOKEN, MCP_AUTH_TOKEN, INTERNAL_WEBHOOK_SECRET).")
    .option("--bytes <n>", "number of random bytes (16–128)", "32")
    .option("--base64", "print base64url instead of hex")
    .action((opts: { bytes: string; base64?: boolean }) => {
      const n = Number(opts.bytes);
      if (!Number.isInteger(n) || n < 16 || n > 128) throw new UsageError("--bytes must be an integer from 16 to 128");
      const bytes = randomBytes(n);
      ctx.io.stdout.write(`${opts.base64 ? bytes.toString("base64url") : bytes.toString("hex")}\n`);
    });
}
