// Terminal I/O of the CLI: reading a prompt from an argument, a file or stdin, and writing
// progress to stderr so stdout carries only the result.
import { readFile } from "node:fs/promises";
import { AppError } from "../core/errors.js";
import type { PipelineEvent } from "../core/pipeline/events.js";
import { redactSecrets } from "../providers/provider-errors.js";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : code === "EISDIR"
            ? "it is a directory"
            : "it cannot be read";
    throw new UsageError(`cannot read ${file}: ${reason}`);
  }
}

/** The prompt from the positional argument, `-f FILE`, or stdin (in that order). */
export async function readPromptInput(io: Io, arg: string | undefined, file: string | undefined): Promise<string> {
  if (arg !== undefined && file !== undefined)
    throw new UsageError("give the prompt as an argument or with -f, not both");
  if (file !== undefined) return readTextFile(file);
  if (arg !== undefined) return arg;
  if (io.stdin.isTTY) throw new UsageError("no prompt given: pass it as an argument, with -f FILE, or on stdin");
  return readStream(io.stdin);
}

// C0 controls (ESC, BEL, NUL, CR, …), DEL, C1 controls (CSI, OSC, …) and the bidi/invisible format
// characters that reorder or hide text on a terminal.
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const TERMINAL_UNSAFE_MULTILINE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function escapeControl(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Text from the store made safe to print: every control, bidi and invisible character becomes a
 * visible escape (`\x1b`, `\u202e`), so a stored title cannot move the cursor, set the window
 * title, ring the bell or reorder a line. `multiline` keeps line feeds and tabs (prompt bodies).
 */
export function terminalSafe(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? TERMINAL_UNSAFE_MULTILINE : TERMINAL_UNSAFE, escapeControl);
}

const STAGE_LABEL: Record<string, string> = {
  analyze: "Analyzing",
  strategy: "Choosing a strategy",
  optimize: "Rewriting",
  validate: "Scoring",
};

/** Renders pipeline events as short progress lines on stderr. */
export function progressPrinter(io: Io, prefix = ""): (event: PipelineEvent) => void {
  return (event) => {
    // Model-written text (reasoning, messages) is escaped before it reaches the terminal.
    const line = (text: string) => io.stderr.write(`${prefix}${terminalSafe(text)}\n`);
    switch (event.type) {
      case "stage":
        if (event.data.status === "started") {
          const iter = event.data.iteration > 1 ? ` (iteration ${event.data.iteration})` : "";
          line(`… ${STAGE_LABEL[event.data.stage] ?? event.data.stage}${iter}`);
        }
        break;
      case "analysis":
        line(
          `  task_type=${event.data.task_type} complexity=${event.data.complexity} findings=${event.data.weaknesses.length} constraints=${event.data.constraints.length}`,
        );
        break;
      case "strategy": {
        const extra = event.data.secondary_frameworks.length ? ` (+${event.data.secondary_frameworks.join(", ")})` : "";
        line(`  strategy=${event.data.strategy}${extra}: ${event.data.reasoning}`);
        break;
      }
      case "validation":
        line(
          `  overall=${event.data.overall} constraints kept ${event.data.preserved.constraints.kept}/${event.data.preserved.constraints.total}, placeholders kept ${event.data.preserved.placeholders.kept}/${event.data.preserved.placeholders.total}`,
        );
        break;
      case "warning":
        line(`warning: ${event.data.message}`);
        break;
      case "error":
        line(`error: ${event.data.message}`);
        break;
      default:
        break;
    }
  };
}

export function describeError(error: unknown): string {
  if (error instanceof UsageError || error instanceof AppError) return error.message;
  if (error instanceof Error && error.name === "ConfigError") return error.message;
  return "unexpected internal error (run with LOG_LEVEL=debug for details)";
}

const SECRET_ENV = /(KEY|TOKEN|SECRET|PASSWORD|URL)$/;

/**
 * The cause behind "unexpected internal error", for LOG_LEVEL=debug: the error chain with its
 * stack, with the values of secret-bearing variables and URL credentials removed.
 */
export function describeCause(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const secrets = Object.entries(env)
    .filter(([name, value]) => SECRET_ENV.test(name) && typeof value === "string" && value.length >= 8)
    .map(([, value]) => value as string);
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push("caused by:");
  }
  return redactSecrets(parts.join("\n"), secrets).replace(/(\/\/[^/\s:@]+):[^@\s/]+@/g, "$1:[redacted]@");
}
