// State of the Settings view: the providers, their stored (masked) keys, the MCP client
// configuration, and the key actions. Methods are the only writers. A typed API key is only ever a
// call argument here: it is never kept in state and never logged.
import { api, type Schemas, unwrap } from "../../api/client";
import { emit } from "../../lib/bus";
import { describeError, reportError } from "../../lib/errors";
import { health } from "../../lib/health.svelte";
import { toasts } from "../../lib/toasts.svelte";
import {
  type KeyedProviderName,
  type KeyValidation,
  type Provider,
  providerLabel,
  type StoredCredential,
} from "./providers";

export type McpClientConfig = Schemas["McpClientConfig"];
type Problem = { code: string; message: string };

export class SettingsState {
  #providers = $state.raw<Provider[]>([]);
  #credentials = $state.raw<ReadonlyMap<string, StoredCredential>>(new Map());
  #loaded = $state(false);
  #error = $state<Problem | null>(null);
  #mcp = $state.raw<McpClientConfig | null>(null);
  #mcpError = $state<Problem | null>(null);
  #busy = $state.raw<ReadonlyMap<string, "save" | "validate" | "delete">>(new Map());
  #validations = $state.raw<ReadonlyMap<string, KeyValidation | { error: Problem }>>(new Map());
  #status = $state("");
  #emitting = false;

  get providers() {
    return this.#providers;
  }
  get loaded() {
    return this.#loaded;
  }
  get error() {
    return this.#error;
  }
  get mcp() {
    return this.#mcp;
  }
  get mcpError() {
    return this.#mcpError;
  }
  /** The latest outcome, for the polite live region. */
  get status() {
    return this.#status;
  }
  /** The provider a request that names none runs on. */
  get defaultProvider(): string | null {
    return this.#providers.find((p) => p.is_default)?.name ?? health.engine;
  }

  credential(name: string): StoredCredential | undefined {
    return this.#credentials.get(name);
  }
  busy(name: string): "save" | "validate" | "delete" | undefined {
    return this.#busy.get(name);
  }
  validation(name: string): KeyValidation | { error: Problem } | undefined {
    return this.#validations.get(name);
  }

  /** The typed key changed: an earlier check no longer says anything about it. */
  forgetValidation(name: string): void {
    if (this.#validations.has(name)) this.#validations = without(this.#validations, name);
  }

  announce(message: string): void {
    this.#status = message;
  }

  async load(): Promise<void> {
    try {
      const providers = await unwrap(api.GET("/api/providers"));
      // Masked keys only where one is stored (asking for the others would be a 404 each).
      const stored = await Promise.all(
        providers
          .filter((p) => p.key_source === "stored")
          .map((p) =>
            unwrap(api.GET("/api/providers/{name}/credential", { params: { path: { name: p.name } } })).catch(
              (error) => {
                reportError(error, `Could not read the stored ${providerLabel(p.name)} key`);
                return null;
              },
            ),
          ),
      );
      this.#providers = providers;
      this.#credentials = new Map(stored.filter((c) => c !== null).map((c) => [c.provider, c]));
      this.#error = null;
    } catch (error) {
      this.#error = describeError(error);
      reportError(error, "Could not load the providers");
    } finally {
      this.#loaded = true;
    }
  }

  async loadMcp(): Promise<void> {
    try {
      this.#mcp = await unwrap(api.GET("/api/mcp/client-config"));
      this.#mcpError = null;
    } catch (error) {
      this.#mcpError = describeError(error);
    }
  }

  async saveKey(name: string, apiKey: string): Promise<boolean> {
    const label = providerLabel(name);
    this.#setBusy(name, "save");
    try {
      const saved = await unwrap(
        api.PUT("/api/providers/{name}/credential", { params: { path: { name } }, body: { api_key: apiKey } }),
      );
      this.#validations = without(this.#validations, name);
      this.#status = `${label} key saved (${saved.api_key}).`;
      toasts.push({ kind: "success", message: this.#status });
      await this.#changed();
      return true;
    } catch (error) {
      const d = reportError(error, `Could not save the ${label} key`);
      if (d) this.#status = `Could not save the ${label} key: ${d.message}`;
      return false;
    } finally {
      this.#setBusy(name, undefined);
    }
  }

  async validateKey(name: KeyedProviderName, apiKey: string): Promise<void> {
    const label = providerLabel(name);
    this.#setBusy(name, "validate");
    this.#status = `Checking the ${label} key…`;
    try {
      const result = await unwrap(
        api.POST("/api/providers/validate-key", {
          body: { provider: name, api_key: apiKey },
        }),
      );
      this.#validations = new Map(this.#validations).set(name, result);
      this.#status = result.valid ? result.message : `${label} rejected the key: ${result.message}`;
    } catch (error) {
      const d = describeError(error);
      this.#validations = new Map(this.#validations).set(name, { error: d });
      this.#status = `The ${label} key could not be checked: ${d.message}`;
    } finally {
      this.#setBusy(name, undefined);
    }
  }

  async deleteKey(name: string): Promise<void> {
    const label = providerLabel(name);
    this.#setBusy(name, "delete");
    try {
      await unwrap(api.DELETE("/api/providers/{name}/credential", { params: { path: { name } } }));
      this.#validations = without(this.#validations, name);
      this.#status = `The stored ${label} key was deleted.`;
      toasts.push({ kind: "info", message: this.#status });
      await this.#changed();
    } catch (error) {
      const d = reportError(error, `Could not delete the ${label} key`);
      if (d) this.#status = `Could not delete the ${label} key: ${d.message}`;
    } finally {
      this.#setBusy(name, undefined);
    }
  }

  /** Another view changed the providers: reload (our own events are skipped, we reload already). */
  externalChange(): void {
    if (!this.#emitting) void this.load();
  }

  async #changed(): Promise<void> {
    await this.load();
    void health.poll();
    this.#emitting = true;
    try {
      emit("providers-changed", {});
    } finally {
      this.#emitting = false;
    }
  }

  #setBusy(name: string, what: "save" | "validate" | "delete" | undefined): void {
    const next = new Map(this.#busy);
    if (what) next.set(name, what);
    else next.delete(name);
    this.#busy = next;
  }
}

function without<V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
  const next = new Map(map);
  next.delete(key);
  return next;
}
