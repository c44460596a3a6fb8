// How every PromptForge tool is declared: a zod input schema (validated by the SDK before the handler
// runs), a zod output schema the structured result is parsed through (so it always matches what
// tools/list advertised), annotations, and one error mapping: AppError messages are shown as they
// are, anything else becomes a generic message while the details go to the log.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
  ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import type { z } from "zod";
import type { App } from "../app.js";
import { isAppError } from "../core/errors.js";
import type { PipelineEngine } from "../core/pipeline/engine.js";
import type { ToolCallTracker } from "./activity.js";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolDeps {
  app: App;
  server: McpServer;
  logger: Logger;
  tracker?: ToolCallTracker;
  /** Builds the mcp-sampling engine for a call, when the client can sample (see sampling-engine.ts). */
  samplingEngine?: (extra: ToolExtra) => PipelineEngine | null;
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
  run(args: z.output<I>, extra: ToolExtra): Promise<ToolOutcome<z.input<O>>>;
}

export const INTERNAL_ERROR_MESSAGE = "Internal error; details are in the PromptForge server log.";

/** The isError result of a failed call: AppError messages are safe to show, others are not. */
export function toolError(error: unknown, logger: Pick<Logger, "error">, tool: string): CallToolResult {
  const text = isAppError(error) ? `${error.code}: ${error.message}` : INTERNAL_ERROR_MESSAGE;
  if (!isAppError(error)) logger.error({ err: error, tool }, "MCP tool failed");
  return { isError: true, content: [{ type: "text", text }] };
}

/** A structured result: the value parsed through the output schema, plus text for clients without structured content. */
export function toolResult<O extends z.ZodObject>(output: O, outcome: ToolOutcome<z.input<O>>): CallToolResult {
  const structured = output.parse(outcome.value) as Record<string, unknown>;
  return {
    content: [
      { type: "text", text: outcome.summary },
      { type: "text", text: JSON.stringify(structured, null, 2) },
    ],
    structuredContent: structured,
    ...(outcome.isError ? { isError: true } : {}),
  };
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  deps: ToolDeps,
  def: ToolDefinition<I, O>,
): void {
  const handler = async (args: z.output<I>, extra: ToolExtra): Promise<CallToolResult> => {
    try {
      return toolResult(def.output, await def.run(args, extra));
    } catch (error) {
      return toolError(error, deps.logger, def.name);
    }
  };
  deps.server.registerTool(
    def.name,
    {
      title: def.title,
      description: def.description,
      // Strict: a misspelt argument is reported instead of silently ignored.
      inputSchema: def.input.strict(),
      outputSchema: def.output,
      annotations: { title: def.title, ...def.annotations },
    },
    // The SDK infers the argument type from the schema; ours is the same zod output type.
    handler as never,
  );
}

/**
 * Reports progress of a long call: an MCP progress notification when the client asked for one
 * (progressToken), and a tool_progress activity event. Values only ever increase, as MCP requires.
 */
export function progressReporter(
  deps: Pick<ToolDeps, "tracker">,
  extra: ToolExtra,
): (progress: number, total: number | undefined, message: string) => void {
  const token = extra._meta?.progressToken;
  let last = -1;
  return (progress, total, message) => {
    if (!(progress > last)) return;
    last = progress;
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
