// How every PromptForge tool is declared: a zod input schema (made strict at every depth and checked
// here, so a misspelt field anywhere is refused with one readable line), a zod output schema the
// structured result is parsed through (so it always matches what tools/list advertised), the cap of
// compact.ts on every result, annotations, and one error mapping: AppError messages are shown with
// one code prefix and without REST/UI steps, anything else becomes a generic message (details logged).
// tools/list is served from these definitions (schema-lean.ts), filtered by the MCP_TOOLS preset.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  type CallToolResult,
  ListToolsRequestSchema,
  type ServerNotification,
  type ServerRequest,
  type Tool,
  type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import { z } from "zod";
import type { App } from "../app.js";
import { AppError, isAppError } from "../core/errors.js";
import type { PipelineEngine } from "../core/pipeline/engine.js";
import type { ToolCallTracker } from "./activity.js";
import { capResult, TruncationSchema } from "./compact.js";
import { deepStrict, listedTool } from "./schema-lean.js";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Tool presets (config MCP_TOOLS): `core` keeps an agent's context small, `all` is every tool. */
export const CORE_TOOLS = ["analyze", "optimize", "get", "search", "verify_output"] as const;
export type ToolPreset = "core" | "all";

/** A tool as tools/list shows it (JSON Schemas built once from the zod definitions). */
export type ListedTool = Tool;

export interface ToolDeps {
  app: App;
  server: McpServer;
  logger: Logger;
  tracker?: ToolCallTracker;
  /** Builds the mcp-sampling engine for a call, when the client can sample (see sampling-engine.ts). */
  samplingEngine?: (extra: ToolExtra) => PipelineEngine | null;
  /** Which tools to register (default: all). */
  preset?: ToolPreset;
  /** Filled by defineTool: what tools/list returns, in registration order. */
  listed?: ListedTool[];
}

export interface ToolOutcome<O> {
  value: O;
  /** One line for humans and the activity feed; never a whole prompt. */
  summary: string;
  /** A tool-level failure that still has a structured value (e.g. a run that ended in error). */
  isError?: boolean;
}

export interface ToolDefinition<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: Omit<ToolAnnotations, "title">;
  /** Where the whole value lives when the result had to be clipped to the cap. */
  readMore?: (value: z.input<O>) => string;
  run(args: z.output<I>, extra: ToolExtra): Promise<ToolOutcome<z.input<O>>>;
}

export const INTERNAL_ERROR_MESSAGE = "Internal error; details are in the PromptForge server log.";

// REST and web-UI steps an MCP client cannot take, rewritten to what it can do.
const REST_HINTS: Array<[RegExp, string]> = [
  [/,? or send X-LLM-API-Key\.?/g, "."],
  [/,? or the X-LLM-API-Key header\.?/g, "."],
  [/,? (?:the key )?stored in Settings/g, ""],
  [/,? store a key in Settings/g, ""],
  [/choose a model listed by GET \/api\/providers/g, "pass another `model`"],
  [/: PUT \/api\/github\/config first\./g, " (an administrator configures it in PromptForge)."],
];

/** An error message as an MCP client should read it: one code prefix, no REST/UI steps. */
export function mcpHints(message: string): string {
  let text = message;
  for (const [pattern, replacement] of REST_HINTS) text = text.replace(pattern, replacement);
  return text.replace(/\.\./g, ".");
}

export function mcpMessage(code: string, message: string): string {
  let text = mcpHints(message);
  const prefix = `${code}: `;
  while (text.startsWith(prefix)) text = text.slice(prefix.length);
  return `${prefix}${text}`;
}

/** The isError result of a failed call: AppError messages are safe to show, others are not. */
export function toolError(error: unknown, logger: Pick<Logger, "error">, tool: string): CallToolResult {
  const text = isAppError(error) ? mcpMessage(error.code, error.message) : INTERNAL_ERROR_MESSAGE;
  if (!isAppError(error)) logger.error({ err: error, tool }, "MCP tool failed");
  return { isError: true, content: [{ type: "text", text }] };
}

const MAX_ISSUES = 4;

/** Arguments refused by the input schema, as one readable line (no JSON dump of zod issues). */
export function invalidArguments(tool: string, error: z.ZodError): AppError {
  const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.map(String).join(".") || "(arguments)";
    const keys = issue.code === "unrecognized_keys" ? ` ${issue.keys.map((k) => `"${k}"`).join(", ")}` : "";
    const message = issue.code === "unrecognized_keys" ? "unknown field(s)" : issue.message;
    return `${path}: ${message}${keys}`.slice(0, 300);
  });
  const more = error.issues.length > MAX_ISSUES ? `; and ${error.issues.length - MAX_ISSUES} more` : "";
  return new AppError("validation_error", `Invalid arguments for ${tool} — ${issues.join("; ")}${more}.`);
}

/**
 * The structured result: the value parsed through the output schema and capped (see compact.ts),
 * plus ONE text block, the summary line (the JSON is not repeated there).
 */
export function toolResult<O extends z.ZodObject>(
  output: O,
  outcome: ToolOutcome<z.input<O>>,
  readMore: (value: Record<string, unknown>) => string = () =>
    "narrow the request (fewer items per page, a filter, or another tool for the one item you need)",
): CallToolResult {
  const parsed = output.parse(outcome.value) as Record<string, unknown>;
  const { structured, text } = capResult(parsed, outcome.summary, readMore);
  return {
    content: [{ type: "text", text }],
    structuredContent: structured,
    ...(outcome.isError ? { isError: true } : {}),
  };
}

// Any object schema; PromptForge validates arguments itself (deep-strict, readable errors).
const PASS_THROUGH = z.looseObject({});

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  deps: ToolDeps,
  def: ToolDefinition<I, O>,
): void {
  if (deps.preset === "core" && !(CORE_TOOLS as readonly string[]).includes(def.name)) return;
  const input = deepStrict(def.input) as z.ZodType;
  const output = def.output.extend({ truncated: TruncationSchema.optional() });
  deps.listed?.push(listedTool(def, input, output));
  const handler = async (args: unknown, extra: ToolExtra): Promise<CallToolResult> => {
    try {
      const parsed = input.safeParse(args ?? {});
      if (!parsed.success) throw invalidArguments(def.name, parsed.error);
      const outcome = await def.run(parsed.data as z.output<I>, extra);
      return toolResult(def.output, outcome, def.readMore as never);
    } catch (error) {
      return toolError(error, deps.logger, def.name);
    }
  };
  deps.server.registerTool(
    def.name,
    {
      title: def.title,
      description: def.description,
      inputSchema: PASS_THROUGH,
      outputSchema: PASS_THROUGH,
      annotations: { title: def.title, ...def.annotations },
    },
    handler as never,
  );
}

/** Serves tools/list from the definitions (lean JSON Schemas), replacing the SDK's own listing. */
export function serveToolList(deps: ToolDeps): void {
  const tools = deps.listed ?? [];
  deps.server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
}

/**
 * Reports progress of a long call: an MCP progress notification when the client asked for one
 * (progressToken), and a tool_progress activity event. Values only ever increase, as MCP requires;
 * they are rounded to two decimals and the message ends with the rounded percentage, e.g. "Rewriting (50%)".
 */
export function progressReporter(
  deps: Pick<ToolDeps, "tracker">,
  extra: ToolExtra,
): (progress: number, total: number | undefined, message: string) => void {
  const token = extra._meta?.progressToken;
  let last = -1;
  return (raw, total, text) => {
    // Two decimals are plenty for a progress bar; the message carries a whole-number percentage.
    const progress = Math.round(raw * 100) / 100;
    if (!(progress > last)) return;
    last = progress;
    const message = total ? `${text} (${Math.min(100, Math.round((progress / total) * 100))}%)` : text;
    if (token !== undefined) {
      extra
        .sendNotification({
          method: "notifications/progress",
          params: { progressToken: token, progress, total, message },
        })
        .catch(() => undefined);
    }
    deps.tracker?.progress(extra.requestId, { progress, total, message });
  };
}

/** Annotation presets. */
export const READ_ONLY: Omit<ToolAnnotations, "title"> = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
