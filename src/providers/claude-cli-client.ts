// ModelClient over the `claude` command in print mode (the user's Claude subscription). Each call runs
// in a fresh temporary directory with every tool and MCP server disabled and only our system prompt;
// the prompt goes through stdin; cancellation kills the process.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ChatTurn, ModelCallRequest, ModelCallResult, ModelClient } from "./model-client.js";
import { type ProviderCallContext, providerError } from "./provider-errors.js";

const MAX_STDOUT = 10 * 1024 * 1024;
const MAX_STDERR = 64 * 1024;

/** Variables of PromptForge itself that the child must not see; an Anthropic key would also switch
 * the CLI from the subscription to API billing. */
const SCRUBBED_ENV = [
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "OPENAI_API_KEY",
  "OPENAI_COMPATIBLE_API_KEY",
  "GEMINI_API_KEY",
  "AUTH_TOKEN",
  "MCP_AUTH_TOKEN",
  "INTERNAL_WEBHOOK_SECRET",
  "ENCRYPTION_KEY",
  "DATABASE_URL",
  "REDIS_URL",
];

function childEnvironment(): NodeJS.ProcessEnv {
  // Passing the environment through to the child process, not reading configuration from it.
  const env = { ...process.env };
  for (const name of SCRUBBED_ENV) delete env[name];
  return env;
}

/** The CLI takes one prompt: earlier turns (a repair conversation) are folded into it. */
export function flattenTurns(turns: ChatTurn[]): string {
  if (turns.length === 1) return turns[0]?.content ?? "";
  return turns
    .map((t) =>
      t.role === "user" ? t.content : `Your previous reply was:\n<previous_reply>\n${t.content}\n</previous_reply>`,
    )
    .join("\n\n");
}

export function claudeArgs(model: string, system: string): string[] {
  return [
    "-p",
    "--output-format",
    "json",
    "--model",
    model,
    "--system-prompt",
    system,
    "--tools",
    "",
    "--strict-mcp-config",
    "--no-session-persistence",
  ];
}

interface CliEnvelope {
  type?: string;
  is_error?: boolean;
  result?: string;
  usage?: Record<string, number | undefined>;
}

function classify(text: string, ctx: ProviderCallContext, exitCode: number | null) {
  const t = text.slice(0, 500);
  if (/usage limit|hit your limit|limit reached|limit will reset|resets? (at )?\d/i.test(t)) {
    const epoch = /\|(\d{10})\b/.exec(t)?.[1];
    const when = epoch ? ` It resets at ${new Date(Number(epoch) * 1000).toISOString()}.` : "";
    return providerError(
      "usage_limit",
      ctx,
      `Your Claude subscription's usage limit is reached (claude CLI).${when} Wait for the reset or use another provider.`,
      { retryable: false },
    );
  }
  if (/invalid api key|\/login|not logged in|log ?in|oauth|authenticat/i.test(t)) {
    return providerError(
      "authentication",
      ctx,
      "The claude CLI is not logged in or its login expired: run `claude` in a terminal and log in, then retry.",
    );
  }
  if (/credit balance|billing/i.test(t)) {
    return providerError("usage_limit", ctx, "The claude CLI account has no credit left; check its billing.", {
      retryable: false,
    });
  }
  if (/unknown option|unrecognized option/i.test(t)) {
    return providerError(
      "bad_request",
      ctx,
      "The installed claude CLI is too old for PromptForge's options: update it (`claude update`).",
    );
  }
  if (/model/i.test(t) && /not found|invalid|not exist|unknown/i.test(t)) {
    return providerError(
      "model_not_found",
      ctx,
      `The claude CLI does not know the model "${ctx.model}". Set CLAUDE_MODEL.`,
    );
  }
  if (/overloaded|529|50[0-4]|timed? ?out|ECONNRESET|network/i.test(t)) {
    return providerError("unavailable", ctx, `The claude CLI could not reach Claude (${t.slice(0, 120)}).`);
  }
  const detail = t.trim() ? `: ${t.trim().slice(0, 200)}` : "";
  return providerError("unavailable", ctx, `The claude CLI failed (exit code ${exitCode ?? "signal"})${detail}`, {
    retryable: false,
  });
}

export function createClaudeCliClient(options: { executable: string; context: ProviderCallContext }): ModelClient {
  const { executable, context } = options;
  return {
    context,
    async call(request: ModelCallRequest): Promise<ModelCallResult> {
      const { signal } = request;
      if (signal.aborted) throw signal.reason;
      const workdir = await mkdtemp(path.join(os.tmpdir(), "promptforge-claude-"));
      try {
        const out = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
          const child = spawn(executable, claudeArgs(context.model, request.system), {
            cwd: workdir,
            env: childEnvironment(),
            stdio: ["pipe", "pipe", "pipe"],
          });
          let stdout = "";
          let stderr = "";
          const onAbort = () => {
            child.kill("SIGTERM");
            reject(signal.reason ?? new DOMException("Aborted", "AbortError"));
          };
          signal.addEventListener("abort", onAbort, { once: true });
          child.stdout.setEncoding("utf8").on("data", (d: string) => {
            if (stdout.length < MAX_STDOUT) stdout += d;
          });
          child.stderr.setEncoding("utf8").on("data", (d: string) => {
            if (stderr.length < MAX_STDERR) stderr += d;
          });
          child.on("error", (error: NodeJS.ErrnoException) => {
            signal.removeEventListener("abort", onAbort);
            const reason =
              error.code === "ENOENT" ? "was not found" : `could not be started (${error.code ?? "error"})`;
            reject(
              providerError(
                "cli_missing",
                context,
                `The claude command ${reason}. Install Claude Code (npm install -g @anthropic-ai/claude-code) ` +
                  "or set CLAUDE_CLI_PATH.",
                { retryable: false },
              ),
            );
          });
          child.on("close", (code) => {
            signal.removeEventListener("abort", onAbort);
            resolve({ stdout, stderr, code });
          });
          child.stdin.on("error", () => {}); // the child may exit before reading stdin
          child.stdin.end(flattenTurns(request.messages));
        });
        let envelope: CliEnvelope | null = null;
        try {
          envelope = JSON.parse(out.stdout.trim()) as CliEnvelope;
        } catch {
          envelope = null;
        }
        if (!envelope || typeof envelope !== "object") {
          if (out.code !== 0) throw classify(`${out.stderr}\n${out.stdout}`, context, out.code);
          throw providerError(
            "invalid_output",
            context,
            "The claude CLI printed something other than its JSON result.",
            {
              retryable: false,
            },
          );
        }
        if (envelope.is_error || out.code !== 0 || typeof envelope.result !== "string") {
          throw classify(`${envelope.result ?? ""}\n${out.stderr}`, context, out.code);
        }
        request.onText?.(envelope.result);
        const u = envelope.usage ?? {};
        const input = (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
        return {
          text: envelope.result,
          usage: envelope.usage ? { input_tokens: input, output_tokens: u.output_tokens ?? 0 } : null,
        };
      } finally {
        await rm(workdir, { recursive: true, force: true });
      }
    },
  };
}
