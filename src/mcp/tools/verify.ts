// `verify_output`: an agent checks its own answer against the constraints of the prompt it answers
// (word counts, formats, keywords, language…) before replying. Same use case as POST /api/verify.
import { VerifyInputSchema, VerifyResultSchema, verifyOutputUseCase } from "../../usecases/verify.js";
import { defineTool, READ_ONLY, type ToolDeps } from "../tool-kit.js";

/** Failed constraints named in the one-line summary, at most this many. */
const SUMMARY_FAILURES = 3;

export function registerVerifyTools(deps: ToolDeps): void {
  const { app } = deps;
  defineTool(deps, {
    name: "verify_output",
    title: "Verify an output against its prompt's constraints",
    description:
      "Check an answer before you send it against the verifiable constraints of `prompt` (or of an " +
      "optimization's optimized prompt): lengths, formats, case, keywords, start/end phrases, language… One " +
      "verdict per constraint (follows true/false/null) with a detail such as '212 words, wanted less than " +
      "200'. Offline; nothing is stored.",
    input: VerifyInputSchema,
    output: VerifyResultSchema,
    annotations: READ_ONLY,
    async run(args) {
      const result = await verifyOutputUseCase(app.deps, args);
      const { summary } = result;
      const failed = result.verdicts.filter((v) => v.follows === false);
      const named = failed
        .slice(0, SUMMARY_FAILURES)
        .map((v) => `${v.kind} (${v.detail})`)
        .join("; ");
      const more = failed.length > SUMMARY_FAILURES ? `; +${failed.length - SUMMARY_FAILURES} more` : "";
      return {
        value: result,
        summary:
          summary.total === 0
            ? "The prompt states no verifiable constraints."
            : `${summary.followed}/${summary.total} constraints followed, ${summary.failed} failed, ` +
              `${summary.unchecked} not checkable${failed.length > 0 ? `. Failed: ${named}${more}` : ""}.`,
      };
    },
  });
}
