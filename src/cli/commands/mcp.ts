// `promptforge mcp`: the MCP server on stdio for IDE agents (`claude mcp add promptforge -- npx promptforge mcp`).
// stdout is the protocol channel: nothing but JSON-RPC may be written to it; logs go to stderr.
// `--print-config` prints ready-to-paste client configuration instead.
import type { Command } from "commander";
import { loadConfig } from "../../config.js";
import type { CliContext } from "../main.js";

export function registerMcp(program: Command, ctx: CliContext): void {
  program
    .command("mcp")
    .description("Run the MCP server on stdio for IDE agents (Claude Code, Cursor, VS Code); logs go to stderr.")
    .option("--print-config", "print configuration for Claude Code, Claude Desktop, Cursor and VS Code, then exit")
    .action(async (opts: { printConfig?: boolean }) => {
      // The MCP SDK loads only for this command, keeping the other commands' start-up fast.
      const { renderClientConfig } = await import("../../mcp/client-config.js");
      const { runStdioMcpServer } = await import("../../mcp/stdio.js");
      if (opts.printConfig) {
        ctx.io.stdout.write(renderClientConfig({ config: loadConfig() }));
        return;
      }
      const app = await ctx.app();
      ctx.setExitCode(await runStdioMcpServer({ app, input: ctx.io.stdin, output: ctx.io.stdout }));
    });
}
