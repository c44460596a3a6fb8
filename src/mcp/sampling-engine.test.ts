import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { goodReply, type Stage, stageOf } from "../../test/mcp/sampling-replies.js";
import { createLocalEngine } from "../core/local/engine.js";
import { runPipeline } from "../core/pipeline/run.js";
import { createSamplingEngine, type SampleFn, type SampleRequest } from "./sampling-engine.js";

const PROMPT = 'Write a poem about the sea in exactly 3 lines. End with the phrase "Fair winds".';

function sampler(reply: (stage: Stage, req: SampleRequest) => string): { sample: SampleFn; stages: Stage[] } {
  const stages: Stage[] = [];
  return {
    stages,
    sample: async (req) => {
      const stage = stageOf(req.systemPrompt);
      if (!stage) throw new Error("no stage header");
      stages.push(stage);
      return { text: reply(stage, req), model: "client-model" };
    },
  };
}

describe("mcp-sampling engine", () => {
  it("runs every stage on the client's model and keeps the pipeline contracts", async () => {
    const { sample, stages } = sampler((stage, req) => goodReply(stage, req.messages[0]?.content ?? ""));
    const engine = createSamplingEngine({ sample, local: createLocalEngine(), random: () => 0.3 });
    const result = await runPipeline({ prompt: PROMPT, engine });
    expect(stages).toEqual(["analyze", "strategy", "optimize", "validate"]);
    expect(engine.name).toBe("mcp-sampling");
    expect(engine.model).toBe("client-model");
    expect(result.strategy?.strategy).toBe("co-star");
    expect(result.strategy?.reasoning).toBe("Sampled choice.");
    expect(result.optimization?.notes).toBe("sampled rewrite");
    expect(result.optimization?.optimized_prompt).toContain("Fair winds");
    // The model's extra weakness is merged into the local analysis; overall is computed, not trusted.
    expect(result.analysis.weaknesses.some((w) => w.code === "PF-AUDIENCE")).toBe(true);
    expect(result.validation?.preserved.constraints.kept).toBe(result.validation?.preserved.constraints.total);
  });

  it("falls back to the local engine, stage by stage, when a reply is not valid JSON", async () => {
    const { sample } = sampler(() => "I'd rather chat about the weather.");
    const local = createLocalEngine();
    const progress: string[] = [];
    const engine = createSamplingEngine({ sample, local });
    const result = await runPipeline({
      prompt: PROMPT,
      engine,
      emit: (e) => {
        if (e.type === "step_progress") progress.push(e.data.message);
      },
    });
    const baseline = await runPipeline({ prompt: PROMPT, engine: local });
    expect(result.analysis).toEqual(baseline.analysis);
    expect(result.strategy).toEqual(baseline.strategy);
    expect(result.optimization?.optimized_prompt).toBe(baseline.optimization?.optimized_prompt);
    expect(result.optimization?.notes).toContain("gave no usable rewrite");
    expect(result.validation).toEqual(baseline.validation);
    expect(progress.filter((m) => m.includes("using the built-in engine"))).toHaveLength(4);
    // Nothing came from the client's model: the record must not say mcp-sampling.
    expect(engine.name).toBe("local");
    expect(engine.provider).toBe("local");
    expect(engine.model).toBeNull();
    expect(result.optimization?.notes).toContain("Every stage so far ran on the built-in engine");
  });

  it("names the stages that fell back when only some did", async () => {
    const { sample } = sampler((stage, req) =>
      stage === "strategy" ? "no idea" : goodReply(stage, req.messages[0]?.content ?? ""),
    );
    const engine = createSamplingEngine({ sample, local: createLocalEngine() });
    const result = await runPipeline({ prompt: PROMPT, engine });
    expect(engine.name).toBe("mcp-sampling");
    expect(result.optimization?.notes).toContain(
      "Stages on the client's model (client-model): analyze, optimize; on the built-in engine: strategy.",
    );
  });

  it("rejects a rewrite that drops a protected constraint in favour of the local rewrite", async () => {
    const { sample } = sampler((stage, req) =>
      stage === "optimize"
        ? JSON.stringify({
            optimized_prompt: "Write a nice poem.",
            framework_applied: "co-star",
            changes_made: [],
            notes: "",
          })
        : goodReply(stage, req.messages[0]?.content ?? ""),
    );
    const result = await runPipeline({
      prompt: PROMPT,
      engine: createSamplingEngine({ sample, local: createLocalEngine() }),
    });
    expect(result.optimization?.optimized_prompt).toContain('"Fair winds"');
    expect(result.optimization?.notes).toMatch(/dropped \d+ protected item/);
  });

  it("stops at the first refusal: one request, a clear error", async () => {
    for (const refusal of [new McpError(-1, "User rejected sampling request"), new Error("The user declined")]) {
      let requests = 0;
      const refusing = createSamplingEngine({
        sample: async () => {
          requests++;
          throw refusal;
        },
        local: createLocalEngine(),
      });
      await expect(runPipeline({ prompt: PROMPT, engine: refusing })).rejects.toMatchObject({
        stage: "analyze",
        cause: {
          code: "forbidden",
          message: expect.stringMatching(/refused the sampling request for the analyze stage/),
        },
      });
      expect(requests).toBe(1);
    }
  });

  it("sends no further request after one fails for another reason; the rest runs on the built-in engine", async () => {
    let requests = 0;
    const failing = createSamplingEngine({
      sample: async () => {
        requests++;
        throw new McpError(-32001, "Request timed out");
      },
      local: createLocalEngine(),
    });
    const result = await runPipeline({ prompt: PROMPT, engine: failing });
    expect(requests).toBe(1);
    expect(result.validation).not.toBeNull();
    expect(failing.name).toBe("local");
  });

  it("is not a fallback when the run is cancelled", async () => {
    const controller = new AbortController();
    const aborting = createSamplingEngine({
      sample: async () => {
        controller.abort();
        throw Object.assign(new Error("aborted"), { name: "AbortError" });
      },
      local: createLocalEngine(),
    });
    await expect(runPipeline({ prompt: PROMPT, engine: aborting, signal: controller.signal })).rejects.toMatchObject({
      code: "cancelled",
    });
  });
});
