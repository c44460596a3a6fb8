// What every use case needs: the store, the engine registry, the in-process registry of running
// optimizations (for cancel), and settings. Built once by app.ts.
import type { Logger } from "pino";
import type { ProviderRegistry } from "../providers/registry.js";
import type { Store } from "../store/index.js";
import type { WorkspaceService } from "./workspace.js";

export interface UseCaseDeps {
  store: Store;
  providers: ProviderRegistry;
  runs: RunRegistry;
  logger: Logger;
  batchConcurrency: number;
  /** The workspace hub: the first layer of the codebase-context merge (absent in unit tests). */
  workspaces?: Pick<WorkspaceService, "resolve">;
}

/** Abort controllers of the optimizations running in this process, by record id. */
export class RunRegistry {
  private readonly controllers = new Map<string, AbortController>();

  register(id: string, controller: AbortController): void {
    this.controllers.set(id, controller);
  }

  unregister(id: string): void {
    this.controllers.delete(id);
  }

  abort(id: string): boolean {
    const controller = this.controllers.get(id);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  abortAll(): string[] {
    const ids = [...this.controllers.keys()];
    for (const controller of this.controllers.values()) controller.abort();
    return ids;
  }

  /** Ids of the runs in flight in this process. */
  ids(): string[] {
    return [...this.controllers.keys()];
  }

  get size(): number {
    return this.controllers.size;
  }
}
