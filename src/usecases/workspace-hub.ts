// Builds the workspace hub's services once (app.ts calls this): the GitHub client on the configured
// base URLs, the GitHub connection service, the workspace-link service and its event bus.
import type { Logger } from "pino";
import type { WorkspaceConfig } from "../config.js";
import { createMemoryEventBus, type EventBus } from "../events/bus.js";
import type { FieldCipher } from "../security/crypto.js";
import { GitHubRepository } from "../store/github.js";
import type { Store } from "../store/index.js";
import { WorkspaceRepository } from "../store/workspaces.js";
import { createGitHubClient, type GitHubClient } from "../workspace/github-client.js";
import { createWorkspaceService, type WorkspaceEvent } from "./workspace.js";
import { createGitHubService } from "./workspace-github.js";

export interface WorkspaceHubDeps {
  store: Store;
  cipher: FieldCipher;
  config: WorkspaceConfig;
  logger: Logger;
  /** The bus sync progress goes to; default an in-process one. */
  bus?: EventBus<WorkspaceEvent>;
  client?: GitHubClient;
  /** Several instances share the database: a sync still "syncing" may be running elsewhere. */
  sharedDatabase?: boolean;
}

export async function createWorkspaceHub(deps: WorkspaceHubDeps) {
  // The repositories share the store's database, clock and ids.
  const ctx = {
    db: deps.store.db,
    search: deps.store.search,
    clock: () => new Date(),
    newId: () => crypto.randomUUID(),
  };
  const githubRepo = new GitHubRepository(ctx);
  const links = new WorkspaceRepository(ctx);
  const client =
    deps.client ?? createGitHubClient({ apiUrl: deps.config.githubApiUrl, oauthUrl: deps.config.githubOauthUrl });
  const bus = deps.bus ?? createMemoryEventBus<WorkspaceEvent>({ capacity: 200 });
  const github = createGitHubService({
    repo: githubRepo,
    client,
    cipher: deps.cipher,
    onRefused: (reason) => deps.logger.warn({ reason }, "refused a GitHub OAuth callback"),
  });
  const workspaces = createWorkspaceService({
    store: deps.store,
    links,
    github,
    client,
    config: deps.config,
    bus,
    logger: deps.logger,
  });
  const interrupted = await links.markInterrupted(deps.sharedDatabase ? undefined : 0);
  if (interrupted > 0) deps.logger.warn({ count: interrupted }, "marked workspace syncs left running as interrupted");
  return { github, workspaces, events: bus, client };
}

export type WorkspaceHub = Awaited<ReturnType<typeof createWorkspaceHub>>;
