// Shared pieces of the prompt-test tests: two prompts (the optimized one asks for lowercase), cases,
// and a fake-model responder that answers prompts and judge requests like a real model would.
import type { FakeReply, RecordedRequest } from "../fakes/fake-llm-core.js";

export const ORIGINAL = "Answer the question: {{q}}";
export const OPTIMIZED =
  "Answer the question: {{q}}\nYour entire response should be in English, and in all lowercase letters.";

export const QUESTIONS = [
  "capital of France",
  "capital of Italy",
  "capital of Spain",
  "capital of Peru",
  "capital of Japan",
  "capital of Kenya",
  "capital of Chile",
  "capital of Norway",
  "capital of Egypt",
  "capital of Canada",
];

export function cases(n = QUESTIONS.length, assertion = true) {
  return QUESTIONS.slice(0, n).map((q) => ({
    vars: { q },
    assert: assertion ? [{ type: "icontains" as const, value: "capital" }] : [],
  }));
}

export const isJudge = (req: RecordedRequest) => req.system.includes("impartial judge");

/** The text between <tag> and </tag> of the judge's request. */
export function section(text: string, tag: string): string {
  const m = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(text);
  return m?.[1] ?? "";
}

export interface ResponderOptions {
  /** Answer these questions with an HTTP error instead. */
  failOn?: (question: string) => boolean;
  /** Judge behaviour; default prefers the lowercase response. */
  judge?: "prefers-lowercase" | "prefers-first" | "garbage";
  delayMs?: number;
}

/** Answers a rendered prompt (lowercase when asked to) or a judge request (JSON verdict). */
export function responder(options: ResponderOptions = {}) {
  return (req: RecordedRequest): FakeReply => {
    const delayMs = options.delayMs;
    if (isJudge(req)) {
      if (options.judge === "garbage") return { type: "text", text: "I like both.", delayMs };
      const a = section(req.user, "response_a");
      const b = section(req.user, "response_b");
      if (options.judge === "prefers-first") {
        return { type: "json", value: { reason: "The first one reads better.", score: 0, pass: true }, delayMs };
      }
      const bLower = b === b.toLowerCase();
      const aLower = a === a.toLowerCase();
      const score = bLower && !aLower ? 0.9 : aLower && !bLower ? 0.1 : 0.5;
      // `pass` deliberately contradicts the score: PromptForge must compute it from the score.
      return { type: "json", value: { reason: "Follows the lowercase rule.", score, pass: score < 0.5 }, delayMs };
    }
    const question = /Answer the question: (.*)/.exec(req.user)?.[1]?.trim() ?? "";
    if (options.failOn?.(question)) return { type: "error", status: 400, message: `cannot answer ${question}` };
    const city = question.replace(/^capital of /, "");
    const text = `The capital of ${city} is its capital city.`;
    return { type: "text", text: req.user.includes("lowercase") ? text.toLowerCase() : text, delayMs };
  };
}
