// Output formats for the rewriter, per task type and genre; adapted so a format never contradicts a
// stated constraint (no numbered list when punctuation is banned).
import type { Constraint } from "../pipeline/schemas.js";
import type { Subject } from "./rewriter-subject.js";

export interface FormatOptions {
  constraints: readonly Constraint[];
}

const PLAIN_KINDS = new Set(["punctuation.no_commas", "case.lower", "case.upper"]);

/** Lines of the Output format section; adapted so it never contradicts a stated constraint. */
export function outputFormatFor(subject: Subject, opts: FormatOptions): string[] {
  const plain = opts.constraints.some((c) => PLAIN_KINDS.has(c.kind)) || /punctuation/i.test(constraintText(opts));
  const { genre } = subject;
  switch (subject.taskType) {
    case "writing":
      if (genre === "blog-post")
        return ["Markdown: a title, an introduction, 3–5 sections with descriptive headings, and a conclusion."];
      if (genre === "product-copy")
        return ["Plain text ready to publish: a one-line headline, then one or two short paragraphs. No preamble."];
      if (genre === "email") return ["Plain text: a subject line, then the email body with a greeting and a sign-off."];
      if (genre === "social-post") return ["Plain text ready to paste: a strong first line, then short paragraphs."];
      if (genre === "summary") return ["Only what the task asks for, with no preamble or closing commentary."];
      if (genre === "rewrite") return ["The rewritten text only, with no commentary before or after."];
      return ["Markdown with a title and short paragraphs; no preamble or closing commentary."];
    case "creative":
      if (genre === "haiku") return ["Only the haiku: three lines, with no title or commentary."];
      if (genre === "poem") return ["Only the poem, one verse line per line, with no commentary."];
      if (genre === "names")
        return [plain ? "One name per line and nothing else." : "One name per line, each followed by a short reason."];
      if (genre === "story") return ["The story only: a title line, then the text in paragraphs. No commentary."];
      return ["The piece only, with no commentary before or after."];
    case "coding":
      if (genre === "code-fix")
        return [
          "1. **Cause**: one or two sentences on what is wrong and why.",
          "2. **Fix**: the corrected code in one fenced code block.",
          "3. **Check**: how to verify the fix (a test or example calls, including an edge case).",
        ];
      if (genre === "sql")
        return [
          "1. The query in one fenced `sql` code block.",
          "2. One line per assumption about table and column names.",
        ];
      if (genre === "regex")
        return [
          "1. **Explanation**: what the pattern matches, part by part.",
          "2. **Improved pattern**: in one fenced code block.",
          "3. **Why it is faster**: one or two sentences, with an input that shows the difference.",
        ];
      return [
        `1. The complete code in one fenced${subject.language ? ` ${subject.language}` : ""} code block.`,
        "2. A short explanation of the design choices and how to run it.",
        "3. Tests or example calls that cover normal and edge cases.",
      ];
    case "analysis":
      if (genre === "diagnosis")
        return [
          "1. **Root cause**: one or two sentences.",
          "2. **Evidence**: the log lines or data points that show it, quoted exactly.",
          "3. **Fix and prevention**: the immediate fix, then how to stop it recurring.",
        ];
      if (genre === "comparison")
        return [
          "1. A comparison table: one row per option, one column per criterion.",
          "2. **Recommendation**: one paragraph naming the option you recommend and why.",
        ];
      return [
        "Markdown:",
        "1. **Summary**: the main finding in 2–3 sentences.",
        "2. **Findings**: the evidence, under short headings.",
        "3. **Next steps**: concrete actions, most important first.",
      ];
    case "reasoning":
    case "math":
      if (genre === "proof") return ["A numbered proof, ending with one line:", "Conclusion: <the statement proved>"];
      if (genre === "decision")
        return [
          "Numbered reasoning steps, then exactly one final line:",
          "Recommendation: <what to do, in one sentence>",
        ];
      return ["Numbered reasoning steps, then exactly one final line:", `Final answer: ${subject.answerShape}`];
    case "classification": {
      return ["A Markdown table with columns Item, Label and Reason (one short clause per row)."];
    }
    case "extraction":
      return extractionFormat(subject);
    case "formatting":
      if (genre === "conversion") return ["Only the converted result in one fenced code block, with no commentary."];
      if (genre === "notes")
        return [
          "Markdown:",
          "- **Summary**: 3–5 bullets covering decisions and key points.",
          "- **Action items**: one bullet each: the action, its owner and its due date as written in the notes (or “not stated”).",
        ];
      return ["The reformatted content only, with no commentary before or after."];
    case "medical":
      return [
        "Markdown: a two-sentence answer first, then one short section with a heading for each part of the question, then a **When to seek medical advice** section.",
      ];
    case "legal":
      return [
        "1. **Risk rating**: low, medium or high, with one sentence why.",
        "2. **Issues**: for each risk, the exact wording quoted, why it matters for your side, and a suggested change.",
        "3. **Questions to clarify**: what to ask before agreeing.",
      ];
    case "education":
      if (genre === "quiz") return ["Numbered questions first; the answer key in a separate section at the end."];
      return [
        "Markdown: a one-sentence definition, an explanation built on an everyday analogy, a worked example, and a short recap of the key points.",
      ];
    default:
      if (genre === "plan")
        return [
          "Markdown: a short overview, then the plan as a numbered list, then a checklist of things to book or prepare.",
        ];
      if (genre === "improve")
        return ["The improved version first, then a short bullet list of the main changes and why each helps."];
      return ["A direct answer first, then supporting details as a short bulleted list."];
  }
}

function constraintText(opts: FormatOptions): string {
  return opts.constraints.map((c) => c.text).join(" ");
}

function extractionFormat(subject: Subject): string[] {
  const fields = subject.fields.length > 0 ? subject.fields : null;
  if (!fields) {
    return [
      "Return only JSON, no commentary: one object per record, with one key per field named in the task.",
      "Use the values exactly as written in the input; use null for a field that is absent.",
    ];
  }
  const body = subject.exactKeys
    ? fields.map((f) => `    "${f}": "<${f} as written>"`).join(",\n")
    : fields
        .map((f) => `  "${f}": ["<each ${f.replace(/_/g, " ").replace(/s$/, "")} exactly as written>"]`)
        .join(",\n");
  const json = subject.exactKeys ? `[\n  {\n${body}\n  }\n]` : `{\n${body}\n}`;
  return ["Return only JSON, no commentary, in this shape:", `\`\`\`json\n${json}\n\`\`\``];
}
