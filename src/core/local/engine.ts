// The built-in deterministic engine: the four stages as pure functions behind the engine interface.
import type { PipelineEngine } from "../pipeline/engine.js";
import { analyzePrompt } from "./analyzer.js";
import { rewritePrompt } from "./rewriter.js";
import { validateRewrite } from "./scorer.js";
import { selectStrategy } from "./selector.js";

export function createLocalEngine(): PipelineEngine {
  return {
    name: "local",
    provider: "local",
    model: null,
    async analyze(prompt, ctx) {
      return analyzePrompt(prompt, { codebaseContext: ctx.codebaseContext });
    },
    async selectStrategy(req) {
      return selectStrategy(req);
    },
    async optimize(req, ctx) {
      return rewritePrompt({ ...req, codebaseContext: ctx.codebaseContext });
    },
    async validate(req) {
      return validateRewrite(req);
    },
  };
}
