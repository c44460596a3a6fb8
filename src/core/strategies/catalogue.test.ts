import { describe, expect, it } from "vitest";
import { STRATEGY_NAMES, TASK_TYPES } from "../pipeline/schemas.js";
import { describeStrategy, resolveStrategyName, STRATEGY_CATALOGUE, TASK_AFFINITIES } from "./catalogue.js";

describe("strategy catalogue", () => {
  it("describes each of the ten strategies exactly once, with sections", () => {
    expect(STRATEGY_CATALOGUE.map((s) => s.name).sort()).toEqual([...STRATEGY_NAMES].sort());
    for (const s of STRATEGY_CATALOGUE) {
      expect(s.title.length).toBeGreaterThan(0);
      expect(s.description.length).toBeGreaterThan(10);
      expect(s.best_when.length).toBeGreaterThan(10);
      expect(s.sections.length).toBeGreaterThan(0);
    }
  });

  it("has an affinity for every task type with two distinct secondaries", () => {
    for (const t of TASK_TYPES) {
      const a = TASK_AFFINITIES[t];
      expect(new Set([a.primary, ...a.secondary]).size).toBe(3);
    }
    expect(TASK_AFFINITIES.writing).toEqual({
      primary: "persona-assignment",
      secondary: ["context-enrichment", "co-star"],
    });
    expect(TASK_AFFINITIES.other).toEqual({ primary: "risen", secondary: ["role-task-format", "context-enrichment"] });
  });

  it("resolves canonical names case-insensitively", () => {
    expect(resolveStrategyName("CO-STAR")).toBe("co-star");
    expect(resolveStrategyName("  Chain-Of-Thought ")).toBe("chain-of-thought");
    expect(resolveStrategyName("step_by_step")).toBe("step-by-step");
  });

  it("maps the legacy aliases", () => {
    expect(resolveStrategyName("few-shot")).toBe("few-shot-scaffolding");
    expect(resolveStrategyName("role-based")).toBe("persona-assignment");
    expect(resolveStrategyName("Constraint-Focused")).toBe("constraint-injection");
    expect(resolveStrategyName("structured-enhancement")).toBe("structured-output");
  });

  it("rejects unknown names, including object-prototype keys", () => {
    for (const bad of ["", "magic", "constructor", "__proto__", "toString"])
      expect(resolveStrategyName(bad)).toBeNull();
  });

  it("describes a strategy by name", () => {
    expect(describeStrategy("risen").sections).toContain("End goal");
  });
});
