// PLACEHOLDER — the injection-detection helper replaces this file. Signature is the contract.
import type { Span } from "../pipeline/schemas.js";

export interface InjectionFinding {
  /** Stable signal code, e.g. "override-instructions", "prompt-leak", "role-hijack". */
  code: string;
  message: string;
  span: Span;
}

export interface InjectionResult {
  /** True when the text is judged a likely injection attempt (warn-only). */
  flagged: boolean;
  /** 0–1 confidence. */
  score: number;
  findings: InjectionFinding[];
}

export function detectInjection(text: string): InjectionResult {
  const m = /ignore (all )?(previous|prior) instructions/i.exec(text);
  if (!m) return { flagged: false, score: 0, findings: [] };
  return {
    flagged: true,
    score: 0.9,
    findings: [
      {
        code: "override-instructions",
        message: "Asks the model to ignore its instructions.",
        span: { start: m.index, end: m.index + m[0].length },
      },
    ],
  };
}
