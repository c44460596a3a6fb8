// Engine, database and MCP state for the rail's footer, polled while the page is visible.
import { api } from "../api/client";

class Health {
  engine = $state<string | null>(null);
  version = $state<string | null>(null);
  database = $state<string | null>(null);
  mcp = $state<string | null>(null);
  reachable = $state(true);
  private timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    if (this.timer) return;
    void this.poll();
    this.timer = setInterval(() => {
      if (document.visibilityState === "visible") void this.poll();
    }, 20_000);
  }

  async poll(): Promise<void> {
    try {
      const { data, response } = await api.GET("/api/health");
      const body = data ?? ((await response.clone().json()) as typeof data);
      this.reachable = true;
      this.engine = body?.engine ?? null;
      this.version = body?.version ?? null;
      this.database = body?.database ?? null;
      this.mcp = body?.mcp ?? null;
    } catch {
      this.reachable = false;
    }
  }
}

export const health = new Health();
