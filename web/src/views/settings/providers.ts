// What the Settings view says about each provider beyond `GET /api/providers`: its display name,
// the environment variable of its key, and whether a key can be stored for it (the server's
// KEYED_PROVIDERS; its key is optional for an OpenAI-compatible server).
import type { paths, Schemas } from "../../api/client";

export type Provider = Schemas["Provider"];
export type StoredCredential = Schemas["StoredCredential"];
export type KeyValidation = Schemas["KeyValidation"];
/** The providers `POST /api/providers/validate-key` accepts. */
export type KeyedProviderName =
  paths["/api/providers/validate-key"]["post"]["requestBody"]["content"]["application/json"]["provider"];

const LABELS: Record<string, string> = {
  local: "Local engine",
  "claude-cli": "Claude CLI",
  anthropic: "Anthropic",
  openai: "OpenAI",
  gemini: "Gemini",
  "openai-compatible": "OpenAI-compatible server",
};

const KEY_VARIABLES: Record<string, string> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  gemini: "GEMINI_API_KEY",
  "openai-compatible": "OPENAI_COMPATIBLE_API_KEY",
};

export function providerLabel(name: string): string {
  return LABELS[name] ?? name;
}

/** The environment variable holding the provider's key; null for providers without a key. */
export function keyVariable(name: string): string | null {
  return KEY_VARIABLES[name] ?? null;
}

/** Whether a key can be stored for the provider through `PUT /api/providers/{name}/credential`. */
export function isKeyed(name: string): name is KeyedProviderName {
  return keyVariable(name) !== null;
}

/** How the provider gets its key or configuration, in words. */
export function keySourceText(provider: Provider): string {
  switch (provider.key_source) {
    case "stored":
      return "Key stored here (encrypted at rest)";
    case "env":
      return `Key from the environment (${keyVariable(provider.name) ?? "variable"})`;
    case "path":
      return "The claude program found on PATH";
    case "config":
      return "Configured by OPENAI_COMPATIBLE_BASE_URL";
    default:
      if (provider.name === "local") return "Built in, needs nothing";
      if (provider.name === "claude-cli") return "Not found: install Claude Code or set CLAUDE_CLI_PATH";
      if (provider.name === "openai-compatible") return "Not configured: set OPENAI_COMPATIBLE_BASE_URL";
      return "No key yet";
  }
}
