import { describe, expect, it } from "vitest";
import type { WorkspaceLink } from "../store/workspaces.js";
import { fitField, mergeContextLayers, workspaceLayer } from "./workspace-context.js";

function link(id: string, context: WorkspaceLink["context"], repo = `octo/${id}`): WorkspaceLink {
  return {
    id,
    project_id: "p",
    kind: "github",
    repo_full_name: repo,
    local_path: null,
    origin: "sync",
    sync_status: "synced",
    last_synced_at: null,
    sync_started_at: null,
    error: null,
    completeness: 0.5,
    context,
    tree: [],
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
  };
}

describe("three-layer merge", () => {
  it("later layers win per field and every field names its layer", () => {
    const ws = workspaceLayer([
      link("a", {
        language: { value: "TypeScript", source: "package.json" },
        framework: { value: "Hono 4", source: "package.json" },
        conventions: { value: ["ESM only"], source: "biome.json" },
      }),
    ]);
    const resolved = mergeContextLayers([
      ws ?? { layer: "workspace", context: {} },
      { layer: "project", context: { framework: "Express", description: "" } },
      { layer: "request", context: { conventions: ["Tabs"], test_patterns: [] } },
    ]);
    expect(resolved.context).toEqual({ language: "TypeScript", framework: "Express", conventions: ["Tabs"] });
    expect(resolved.sources).toEqual({
      language: { layer: "workspace", source: "github:octo/a (package.json)" },
      framework: { layer: "project", source: "project context profile" },
      conventions: { layer: "request", source: "per-request context" },
    });
  });

  it("newer links win over older ones inside the workspace layer; unsynced links add nothing", () => {
    const ws = workspaceLayer([
      link("old", { language: { value: "Go", source: "go.mod" } }),
      link("none", null),
      link("new", { language: { value: "Rust", source: "Cargo.toml" } }),
    ]);
    expect(ws?.context).toEqual({ language: "Rust" });
    expect(ws?.sources?.language).toBe("github:octo/new (Cargo.toml)");
  });

  it("is empty when no layer says anything", () => {
    expect(mergeContextLayers([{ layer: "project", context: { language: "  " } }])).toEqual({
      context: undefined,
      sources: undefined,
    });
    expect(workspaceLayer([])).toBeNull();
  });
});

describe("fitField", () => {
  it("clips to the record schema's limits and drops unusable values", () => {
    expect(fitField("language", "x".repeat(500))).toHaveLength(200);
    expect(
      fitField(
        "conventions",
        Array.from({ length: 80 }, (_, i) => `c${i}`),
      ),
    ).toHaveLength(50);
    expect(fitField("conventions", ["", "  ", "ok"])).toEqual(["ok"]);
    expect(fitField("language", ["not", "a string"])).toBeUndefined();
    expect(fitField("conventions", "not a list")).toBeUndefined();
    expect(fitField("unknown_field", "x")).toBeUndefined();
  });
});
