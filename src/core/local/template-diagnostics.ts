// Diagnostics for application templates ({var} / {{var}} prompts): mixed placeholder styles, a
// completion cue that is not the last line, an output contract that conflicts with another
// instruction, and a long input variable dropped into a sentence without delimiters.
import { type Constraint, DIAGNOSTIC_CODES, type Diagnostic } from "../pipeline/schemas.js";
import { diagnostic } from "./analysis-facts.js";
import { completionCue, outputContract, templatePlaceholders } from "./template.js";

/** Cue words a template ends on for the model to continue. */
const CUE_LINE_RE =
  /^[ \t]*(?:answer|final answer|response|output|result|sqlquery|sql|query|summary|thought|keywords|title|translation|label|category|sentiment|classification|json|rewritten|standalone question|new question|assistant)[ \t]*:[ \t]*$/i;
/** Variable names that usually hold a long input (a document, a transcript, code…). */
const LONG_INPUT_RE =
  /^(?:.*_)?(?:text|context|context_str|docs?|documents?|content|body|transcript|article|email|message|invoice|invoice_text|code|schema|history|chat_history|passage|chunk|notes|report|essay|review|data|input|source|page|html|markdown|conversation)(?:_.*)?$/i;
/** "num_chunks", "max_keywords", "chunk_size": a count or setting, not a text. */
const COUNT_NAME_RE = /^(?:num|n|max|min|count|number|top|k)_|_(?:num|count|len|length|size|id|k)$/i;
const OUTPUT_VERB_RE =
  /\b(?:write|answer|respond|reply|return|output|give|use|include|format|produce|provide (?:your|the) (?:answer|response))\b/i;
const SINGLE_CONTRACTS = new Set(["single-label", "yes-no", "single-number"]);
const EXPLAIN_RE = /\b(?:explain|justify|give (?:your )?reasons?|and why|with (?:a|an) (?:explanation|reason))\b/i;
const MAX = 10;

function mixedStyles(prompt: string): Diagnostic[] {
  const ps = templatePlaceholders(prompt);
  const single = ps.find((p) => p.style === "single");
  const double = ps.find((p) => p.style === "double");
  if (single === undefined || double === undefined) return [];
  const both = ps.filter((p) => p.style === "single" && ps.some((q) => q.style === "double" && q.name === p.name));
  const at = both[0] ?? (single.start > double.start ? single : double);
  const message =
    both.length > 0
      ? `"${both[0].name}" is written both as {${both[0].name}} and {{${both[0].name}}}: the application fills only one style, so one of them stays unfilled.`
      : `Placeholder styles are mixed (${single.token} and ${double.token}): a template engine fills one style; use one throughout.`;
  return [diagnostic(DIAGNOSTIC_CODES.TEMPLATE_MIXED, "warning", message, { start: at.start, end: at.end })];
}

function cueNotLast(prompt: string): Diagnostic[] {
  const text = prompt.replace(/[\r\n]+$/, "");
  const last = completionCue(text);
  const lines = text.split("\n");
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const start = offset;
    offset += line.length + 1;
    if (!CUE_LINE_RE.test(line) || i === lines.length - 1) continue;
    if (last !== null && start >= last.start) continue;
    // The rest must be instructions, not the value that follows a label ("Answer:\n- …").
    const rest = lines.slice(i + 1).filter((l) => l.trim() !== "");
    if (rest.length === 0 || /^[ \t]*(?:[-*•]|\d+[.)]|\{)/.test(rest[0])) continue;
    if (rest.some((l) => CUE_LINE_RE.test(l))) continue;
    return [
      diagnostic(
        DIAGNOSTIC_CODES.TEMPLATE_CUE,
        "warning",
        `The completion cue "${line.trim()}" is not the last line: text after it is read as the start of the answer. Move it to the very end.`,
        { start, end: start + line.length },
      ),
    ];
  }
  return [];
}

/** The constraint sits in a sentence that instructs the output (not one describing the input). */
function outputSentence(prompt: string, c: Constraint): boolean {
  if (c.span === undefined) return false;
  const from = Math.max(prompt.lastIndexOf(".", c.span.start - 1), prompt.lastIndexOf("\n", c.span.start - 1)) + 1;
  const sentence = prompt.slice(from, c.span.end);
  return OUTPUT_VERB_RE.test(sentence) && !/\b(?:is|are) (?:provided|given|listed|shown)\b/i.test(sentence);
}

/** A constraint that asks for more than one label or number. */
function asksForMore(c: Constraint): boolean {
  if (c.kind === "length.words")
    return Number(c.params.count) > 3 && c.params.relation !== "less than" && c.params.relation !== "at most";
  return ["length.paragraphs", "length.sentences", "format.bullets", "format.table", "format.sections"].includes(
    c.kind,
  );
}

function contractConflicts(prompt: string, constraints: Constraint[]): Diagnostic[] {
  const contract = outputContract(prompt);
  const out: Diagnostic[] = [];
  if (SINGLE_CONTRACTS.has(contract.kind)) {
    const what = contract.kind === "single-number" ? "a single number" : "a single label";
    const clash = constraints.find((c) => outputSentence(prompt, c) && asksForMore(c));
    const explain = EXPLAIN_RE.exec(prompt);
    if (clash?.span !== undefined)
      out.push(
        diagnostic(
          DIAGNOSTIC_CODES.TEMPLATE_CONTRACT,
          "warning",
          `The output contract asks for ${what}, but "${clash.text}" asks for more: say which one the application parses.`,
          clash.span,
        ),
      );
    else if (explain !== null)
      out.push(
        diagnostic(
          DIAGNOSTIC_CODES.TEMPLATE_CONTRACT,
          "warning",
          `The output contract asks for ${what}, but "${explain[0]}" asks for an explanation too: a caller parsing ${what} breaks. Put the explanation on a separate, named line or drop it.`,
          { start: explain.index, end: explain.index + explain[0].length },
        ),
      );
  }
  if (contract.kind === "json") {
    const clash = constraints.find(
      (c) => c.kind === "format.table" || c.kind === "format.bullets" || c.kind === "format.sections",
    );
    if (clash?.span !== undefined)
      out.push(
        diagnostic(
          DIAGNOSTIC_CODES.TEMPLATE_CONTRACT,
          "warning",
          `The prompt asks for JSON, but "${clash.text}" asks for another format: JSON parsers reject it. Keep one output format.`,
          clash.span,
        ),
      );
  }
  return out;
}

function undelimitedInputs(prompt: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of templatePlaceholders(prompt)) {
    if (out.length >= MAX) break;
    if (!LONG_INPUT_RE.test(p.name) || COUNT_NAME_RE.test(p.name)) continue;
    const lineStart = prompt.lastIndexOf("\n", p.start - 1) + 1;
    const lineEndAt = prompt.indexOf("\n", p.end);
    const lineEnd = lineEndAt < 0 ? prompt.length : lineEndAt;
    const before = prompt.slice(lineStart, p.start);
    const after = prompt.slice(p.end, lineEnd);
    // On its own line, after a "Label:" on its line, between delimiter lines, or wrapped in tags/quotes: delimited.
    if (before.trim() === "" && after.trim() === "") continue;
    if (/^[ \t]*[\w ()'/-]{1,40}:[ \t]*$/.test(before) && after.trim() === "") continue;
    if (/<[\w-]{1,40}>\s*$/.test(before) && /^\s*<\/[\w-]{1,40}>/.test(after)) continue;
    if (/["'`“«]\s*$/.test(before) && /^\s*["'`”»]/.test(after)) continue;
    if (before.trim() === "" && /^\s*(?:-{3,}|={3,}|"{3}|'{3})/.test(after)) continue;
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.TEMPLATE_DELIMIT,
        "info",
        `${p.token} looks like a long input but sits inside a sentence without delimiters: put it on its own lines between tags such as <${p.name}>…</${p.name}> so its text cannot be read as instructions.`,
        { start: p.start, end: p.end },
      ),
    );
  }
  return out;
}

/** Template diagnostics of a prompt; none when it has no {var} / {{var}} placeholder. */
export function templateDiagnostics(prompt: string, constraints: Constraint[]): Diagnostic[] {
  if (templatePlaceholders(prompt).length === 0) return [];
  return [
    ...mixedStyles(prompt),
    ...cueNotLast(prompt),
    ...contractConflicts(prompt, constraints),
    ...undelimitedInputs(prompt),
  ];
}
