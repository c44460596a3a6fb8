// State of the GitHub tab: the OAuth app config, the connection, a running device flow (polled at
// GitHub's interval, which grows on slow_down) and the repository list (pages and search).
import { describeError, isAbort, reportError } from "../../lib/errors";
import { toasts } from "../../lib/toasts.svelte";
import type { DeviceFlow, GitHubConfig, GitHubRepo, GitHubStatus } from "./workspace-api";
import * as wsApi from "./workspace-api";

type Problem = { code: string; message: string } | null;

export const REPOS_PER_PAGE = 30;

export class GitHubState {
  #config = $state.raw<GitHubConfig | null>(null);
  #status = $state.raw<GitHubStatus | null>(null);
  #loaded = $state(false);
  #error = $state<Problem>(null);
  #saving = $state(false);
  #announcement = $state("");

  #device = $state.raw<DeviceFlow | null>(null);
  #deviceState = $state<"idle" | "starting" | "pending" | "authorized" | "expired" | "denied">("idle");
  #deviceError = $state<Problem>(null);
  #deviceTimer: ReturnType<typeof setTimeout> | undefined;
  #deviceController: AbortController | null = null;

  #repos = $state.raw<GitHubRepo[]>([]);
  #reposPage = $state(1);
  #reposHasMore = $state(false);
  #reposTotal = $state<number | null>(null);
  #reposLoading = $state(false);
  #reposError = $state<Problem>(null);
  #reposController: AbortController | null = null;
  #controller = new AbortController();

  get config() {
    return this.#config;
  }
  get status() {
    return this.#status;
  }
  get loaded() {
    return this.#loaded;
  }
  get error() {
    return this.#error;
  }
  get saving() {
    return this.#saving;
  }
  get announcement() {
    return this.#announcement;
  }
  get device() {
    return this.#device;
  }
  get deviceState() {
    return this.#deviceState;
  }
  get deviceError() {
    return this.#deviceError;
  }
  get repos() {
    return this.#repos;
  }
  get reposPage() {
    return this.#reposPage;
  }
  get reposHasMore() {
    return this.#reposHasMore;
  }
  get reposTotal() {
    return this.#reposTotal;
  }
  get reposLoading() {
    return this.#reposLoading;
  }
  get reposError() {
    return this.#reposError;
  }
  /** "setup" (no OAuth app), "connect" (configured, not connected) or "connected". */
  get stage(): "setup" | "connect" | "connected" {
    if (!this.#status?.configured) return "setup";
    return this.#status.connected ? "connected" : "connect";
  }

  async load(): Promise<void> {
    try {
      const [config, status] = await Promise.all([
        wsApi.getConfig(this.#controller.signal),
        wsApi.getStatus(this.#controller.signal),
      ]);
      this.#config = config;
      this.#status = status;
      this.#error = null;
      this.#loaded = true;
    } catch (error) {
      if (!isAbort(error)) this.#error = describeError(error);
    }
  }

  async saveConfig(clientId: string, clientSecret: string): Promise<boolean> {
    this.#saving = true;
    try {
      const body = clientSecret ? { client_id: clientId, client_secret: clientSecret } : { client_id: clientId };
      this.#config = await wsApi.putConfig(body);
      this.#status = await wsApi.getStatus(this.#controller.signal);
      this.#announcement = "GitHub OAuth app saved.";
      toasts.push({ kind: "success", message: "GitHub OAuth app saved" });
      return true;
    } catch (error) {
      reportError(error, "Could not save the GitHub OAuth app");
      return false;
    } finally {
      this.#saving = false;
    }
  }

  async removeConfig(): Promise<void> {
    try {
      await wsApi.deleteConfig();
      this.#announcement = "GitHub OAuth app removed.";
      await this.load();
    } catch (error) {
      reportError(error, "Could not remove the GitHub OAuth app");
    }
  }

  async disconnect(): Promise<void> {
    try {
      const result = await wsApi.disconnect();
      const how = result.revoked
        ? "the token was revoked at GitHub"
        : "the token was deleted here (GitHub did not revoke it)";
      this.#announcement = `Disconnected: ${how}.`;
      toasts.push({ kind: "info", message: `GitHub disconnected: ${how}` });
      this.#repos = [];
      await this.load();
    } catch (error) {
      reportError(error, "Could not disconnect GitHub");
    }
  }

  async startDevice(): Promise<void> {
    this.cancelDevice();
    this.#deviceState = "starting";
    this.#deviceError = null;
    try {
      const flow = await wsApi.startDevice();
      this.#device = flow;
      this.#deviceState = "pending";
      this.#announcement = `Enter the code ${flow.user_code} at ${flow.verification_uri}.`;
      this.#schedulePoll(flow.id, flow.interval);
    } catch (error) {
      this.#deviceState = "idle";
      if (!isAbort(error)) this.#deviceError = describeError(error);
    }
  }

  cancelDevice(): void {
    clearTimeout(this.#deviceTimer);
    this.#deviceController?.abort();
    this.#deviceController = null;
    this.#device = null;
    this.#deviceState = "idle";
  }

  #schedulePoll(id: string, intervalSeconds: number): void {
    clearTimeout(this.#deviceTimer);
    this.#deviceTimer = setTimeout(() => void this.#poll(id), Math.max(1, intervalSeconds) * 1000);
  }

  async #poll(id: string): Promise<void> {
    const controller = new AbortController();
    this.#deviceController = controller;
    try {
      const result = await wsApi.pollDevice(id, controller.signal);
      if (this.#device?.id !== id) return;
      if (result.status === "pending") {
        this.#schedulePoll(id, result.interval);
        return;
      }
      this.#deviceState = result.status;
      if (result.status === "authorized") {
        this.#announcement = `Connected to GitHub as ${result.login ?? "you"}.`;
        toasts.push({ kind: "success", message: `GitHub connected as ${result.login ?? "you"}` });
        this.#device = null;
        await this.load();
      } else {
        this.#announcement =
          result.status === "expired" ? "The device code expired. Start again." : "The request was declined at GitHub.";
      }
    } catch (error) {
      if (isAbort(error)) return;
      this.#deviceState = "idle";
      this.#device = null;
      this.#deviceError = describeError(error);
    }
  }

  async loadRepos(page: number, search: string): Promise<void> {
    this.#reposController?.abort();
    const controller = new AbortController();
    this.#reposController = controller;
    this.#reposLoading = true;
    try {
      const q = search.trim();
      const result = await wsApi.listRepos(
        { page, per_page: REPOS_PER_PAGE, ...(q ? { search: q } : {}) },
        controller.signal,
      );
      this.#repos = result.items;
      this.#reposPage = result.page;
      this.#reposHasMore = result.has_more;
      this.#reposTotal = result.total;
      this.#reposError = null;
    } catch (error) {
      if (!isAbort(error)) this.#reposError = describeError(error);
    } finally {
      if (this.#reposController === controller) this.#reposLoading = false;
    }
  }

  stop(): void {
    this.cancelDevice();
    this.#reposController?.abort();
    this.#controller.abort();
  }
}
