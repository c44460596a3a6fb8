// Ready-to-paste MCP client configuration (`promptforge mcp --print-config`, docs/mcp.md): Claude Code,
// Claude Desktop, Cursor and VS Code, over stdio and over Streamable HTTP. The MCP token itself is
// never printed: commands read it from $MCP_AUTH_TOKEN and JSON files get a placeholder.
// Every stdio snippet works where it is pasted: an absolute command (an IDE starts it in the user's
// repository, where `npx promptforge` would go to the registry) and an env block with the data
// directory and the API address, so the stdio process uses the same store as `serve` and reports
// its activity to it.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "../config.js";

export const TOKEN_PLACEHOLDER = "<your MCP_AUTH_TOKEN>";

type ConfigFields = "mcpHost" | "mcpPort" | "mcpAuthToken" | "dataDir" | "host" | "port" | "databaseUrl";

export interface ClientConfigInput {
  /** `host`/`port` (the API, for the activity webhook) default to 127.0.0.1:8000 when absent. */
  config: Pick<Config, "mcpHost" | "mcpPort" | "mcpAuthToken" | "dataDir"> & Partial<Pick<Config, ConfigFields>>;
  /** The command that starts the stdio server (default: `stdioCommand()`). */
  command?: string[];
}

/** The package root (src/mcp and dist/mcp both sit two levels below it). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** `package`: running from an npm-installed copy (inside node_modules); `checkout`: from a clone. */
export function installKind(root = PACKAGE_ROOT): "package" | "checkout" {
  return root.split(/[\\/]/).includes("node_modules") ? "package" : "checkout";
}

/**
 * The command that starts the stdio server from any directory: this Node binary and this copy's
 * bin/promptforge.js, both absolute. (`npx promptforge` resolves only inside a project that has
 * the package installed, and the package is not published to the registry.)
 */
export function stdioCommand(root = PACKAGE_ROOT, node = process.execPath): string[] {
  return [node, path.join(root, "bin", "promptforge.js"), "mcp"];
}

/** The environment of the stdio server: the data directory and the API address (activity webhook). */
export function stdioEnv(config: ClientConfigInput["config"]): Record<string, string> {
  const env: Record<string, string> = { DATA_DIR: config.dataDir };
  if (config.host !== undefined && config.host !== "127.0.0.1") env.HOST = config.host;
  // PORT=0 (an ephemeral port) cannot be written down: the stdio default (8000) stays, and the text says so.
  if (config.port !== 0) env.PORT = String(config.port ?? 8000);
  return env;
}

export function mcpHttpUrl(config: Pick<Config, "mcpHost" | "mcpPort">): string {
  const host = config.mcpHost === "0.0.0.0" ? "127.0.0.1" : config.mcpHost === "::" ? "::1" : config.mcpHost;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.mcpPort}/mcp`;
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** The configuration snippets, keyed by client and transport. */
export function clientConfigs(input: ClientConfigInput) {
  const { config } = input;
  const [command = process.execPath, ...args] = input.command ?? stdioCommand();
  const env = stdioEnv(config);
  const url = mcpHttpUrl(config);
  const token = config.mcpAuthToken !== undefined;
  const headers = token ? { Authorization: `Bearer ${TOKEN_PLACEHOLDER}` } : undefined;
  const quoted = [command, ...args].map((a) => (/^[\w@./:-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
  return {
    claudeCode: {
      stdio: `claude mcp add promptforge ${Object.entries(env)
        .map(([k, v]) => `--env ${k}=${/^[\w@./:-]+$/.test(v) ? v : JSON.stringify(v)}`)
        .join(" ")} -- ${quoted}`,
      http: `claude mcp add --transport http promptforge ${url}${token ? ' --header "Authorization: Bearer $MCP_AUTH_TOKEN"' : ""}`,
    },
    claudeDesktop: {
      stdio: pretty({ mcpServers: { promptforge: { command, args, env } } }),
    },
    cursor: {
      stdio: pretty({ mcpServers: { promptforge: { command, args, env } } }),
      http: pretty({ mcpServers: { promptforge: { url, ...(headers ? { headers } : {}) } } }),
    },
    vscode: {
      stdio: pretty({ servers: { promptforge: { type: "stdio", command, args, env } } }),
      http: pretty({
        ...(token
          ? {
              inputs: [
                {
                  type: "promptString",
                  id: "promptforge-mcp-token",
                  description: "PromptForge MCP_AUTH_TOKEN",
                  password: true,
                },
              ],
            }
          : {}),
        servers: {
          promptforge: {
            type: "http",
            url,
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a VS Code input variable, substituted by VS Code
            ...(token ? { headers: { Authorization: "Bearer ${input:promptforge-mcp-token}" } } : {}),
          },
        },
      }),
    },
  };
}

/** Where each client keeps its configuration (shown in the printed config and the web UI). */
export const CLIENT_CONFIG_FILES = {
  claudeDesktop: "claude_desktop_config.json",
  cursor: "~/.cursor/mcp.json or .cursor/mcp.json",
  vscode: ".vscode/mcp.json",
} as const;

export interface ClientConfigSnippet {
  /** Stable id, e.g. `cursor-http`. */
  id: string;
  client: "Claude Code" | "Claude Desktop" | "Cursor" | "VS Code";
  transport: "stdio" | "http";
  /** `shell`: a command to run; `json`: a file's content. */
  format: "shell" | "json";
  /** The file the JSON goes into; null for commands. */
  file: string | null;
  content: string;
}

/** The same snippets as `clientConfigs`, as a flat list (the web UI's copy buttons). */
export function clientConfigSnippets(input: ClientConfigInput): ClientConfigSnippet[] {
  const c = clientConfigs(input);
  const f = CLIENT_CONFIG_FILES;
  return [
    {
      id: "claude-code-stdio",
      client: "Claude Code",
      transport: "stdio",
      format: "shell",
      file: null,
      content: c.claudeCode.stdio,
    },
    {
      id: "claude-code-http",
      client: "Claude Code",
      transport: "http",
      format: "shell",
      file: null,
      content: c.claudeCode.http,
    },
    {
      id: "claude-desktop-stdio",
      client: "Claude Desktop",
      transport: "stdio",
      format: "json",
      file: f.claudeDesktop,
      content: c.claudeDesktop.stdio,
    },
    {
      id: "cursor-stdio",
      client: "Cursor",
      transport: "stdio",
      format: "json",
      file: f.cursor,
      content: c.cursor.stdio,
    },
    { id: "cursor-http", client: "Cursor", transport: "http", format: "json", file: f.cursor, content: c.cursor.http },
    {
      id: "vscode-stdio",
      client: "VS Code",
      transport: "stdio",
      format: "json",
      file: f.vscode,
      content: c.vscode.stdio,
    },
    { id: "vscode-http", client: "VS Code", transport: "http", format: "json", file: f.vscode, content: c.vscode.http },
  ];
}

/** The human-readable text `promptforge mcp --print-config` prints. */
export function renderClientConfig(input: ClientConfigInput): string {
  const c = clientConfigs(input);
  const url = mcpHttpUrl(input.config);
  const token = input.config.mcpAuthToken !== undefined;
  return [
    "# PromptForge MCP server: client configuration",
    "",
    "stdio: the client starts `promptforge mcp` itself, from any directory. DATA_DIR points it at the",
    "same database as `promptforge serve`, and HOST/PORT at the running API, so its calls show up in the",
    "web UI's history and activity feed.",
    input.config.databaseUrl
      ? "With DATABASE_URL, add DATABASE_URL, ENCRYPTION_KEY and INTERNAL_WEBHOOK_SECRET to the env (not printed: secrets)."
      : `Data directory: ${input.config.dataDir}`,
    input.config.port === 0
      ? "PORT is 0 (an ephemeral port): add PORT=<the port `serve` printed> to the env, or activity will not reach it."
      : `API (activity feed): port ${input.config.port ?? 8000}; run \`serve\` there, or print again with its PORT.`,
    installKind() === "package"
      ? "Running from an installed package: inside the project that installed it, `npx promptforge mcp` also works."
      : "Running from a checkout: the commands use its absolute path (rebuild with `npm run build` after updates).",
    `Streamable HTTP: ${url}, served by \`promptforge serve\`` +
      (token ? "; send MCP_AUTH_TOKEN as a bearer token (never the API's AUTH_TOKEN)." : " (no MCP_AUTH_TOKEN set)."),
    "",
    "## Claude Code",
    c.claudeCode.stdio,
    c.claudeCode.http,
    "",
    `## Claude Desktop (${CLIENT_CONFIG_FILES.claudeDesktop})`,
    c.claudeDesktop.stdio,
    "",
    `## Cursor (${CLIENT_CONFIG_FILES.cursor}), stdio`,
    c.cursor.stdio,
    "## Cursor, HTTP",
    c.cursor.http,
    "",
    `## VS Code (${CLIENT_CONFIG_FILES.vscode}), stdio`,
    c.vscode.stdio,
    "## VS Code, HTTP",
    c.vscode.http,
    "",
  ].join("\n");
}
