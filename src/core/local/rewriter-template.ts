// Rewrites an application template as a system/template prompt the application can still fill:
// the role sentence first, then Goal, Rules, Inputs (each placeholder in its delimiters) and the
// author's Output contract, with the completion cue as the very last line, byte for byte.
// The author's contract is law: nothing is added that contradicts or extends it (a single label
// stays a single label, JSON stays JSON; a JSON schema with [[…]] fill-ins is proposed only when
// the prompt names its fields). Whenever the restructured text would change the placeholder
// sequence, move the cue or lose a protected span, the template is kept exactly as written.
import type { Analysis, Optimization } from "../pipeline/schemas.js";
import { checkPreservation } from "./preservation.js";
import { rulesFor } from "./rewriter-rules.js";
import { detectSubject } from "./rewriter-subject.js";
import { isSystemPrompt } from "./system-prompt.js";
import {
  detectTemplate,
  type OutputContract,
  outputContract,
  placeholderSequence,
  type TemplateInfo,
} from "./template.js";

const ROLE_RE =
  /^(?:you are|you're|(?:please )?act as|you will act as|your role is|as an? [\w -]{2,40},|(?:the )?assistant is|i am an? [\w -]{2,60}\b(?:who|that))\b/i;
/** "You are friendly and concise.", "You help people…": the role sentence continued. */
const ROLE_MORE_RE = /^(?:you|i|the assistant|assistant)(?: are| am| is| help| write| speak| work)\b/i;
/** A system prompt whose author already laid out lists keeps them where they are. */
const LIST_LINE_RE = /^[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]+\S/m;
const RULE_RE =
  /\b(?:only|never|do not|don't|must|should|always|avoid|unless|keep|make sure|ensure|limit|no more than|at most|under \d|without|not prior knowledge|cannot|can't|shouldn't|mustn't|if\b)/i;
const CONTRACT_RE =
  /\b(?:json|yaml|xml|csv|format|respond with|reply with|answer with|output (?:only|in)|return (?:only|json|a json|valid json|in)|one per line|comma-separated|separated by|in the form|structured as|the answer should be|your (?:answer|response|output) (?:should|must) (?:be|start|contain))\b/i;
const DONT_KNOW_RE =
  /^if (?:you (?:do not|don't) know(?: the answer)?|the answer is not (?:in|contained in) [^,]{1,60}),? (?:just )?say (?:so|that you don't know|"?i don't know"?)\.?$/i;
const DELIMITER_LINE_RE = /^[ \t]*(?:-{3,}|={3,}|\*{3,}|_{3,}|"""|'''|#{3,}|~{3,})[ \t]*$/;
const OPEN_TAG_LINE_RE = /^[ \t]*<([A-Za-z][\w-]{0,40})(?: [^<>]{0,80})?>[ \t]*$/;
const INLINE_TAGGED_RE =
  /<([A-Za-z][\w-]{0,40})>\s*(\{\{\s*[A-Za-z_][\w.-]{0,47}\s*\}\}|\{[A-Za-z_][\w.-]{0,47}(?::[^{}\n]{0,12})?\})\s*<\/\1>/g;
const PLACEHOLDER_ONLY_RE =
  /^[ \t]*(\{\{\s*[A-Za-z_][\w.-]{0,47}\s*\}\}|\{[A-Za-z_][\w.-]{0,47}(?::[^{}\n]{0,12})?\})[ \t]*$/;
const LABELLED_PLACEHOLDER_RE =
  /^[ \t]*([A-Za-z][\w ()'/-]{0,40}):[ \t]*(\{\{\s*[A-Za-z_][\w.-]{0,47}\s*\}\}|\{[A-Za-z_][\w.-]{0,47}(?::[^{}\n]{0,12})?\})[ \t]*\.?$/;
const TRAILING_PLACEHOLDER_RE =
  /^(.*[\w)'"\]])[ \t]*:[ \t]*["']?(\{\{\s*[A-Za-z_][\w.-]{0,47}\s*\}\}|\{[A-Za-z_][\w.-]{0,47}(?::[^{}\n]{0,12})?\})["']?[ \t]*\.?$/s;
const HAS_PLACEHOLDER_RE = /\{\{?\s*[A-Za-z_][\w.-]{0,47}(?::[^{}\n]{0,12})?\s*\}?\}/;
const HEADING_RE = /^#{1,6} \S/m;
const FORMAT_LINE_RE = /^[ \t]*[A-Z][\w ()/'-]{0,30}: \S/;
const SENTENCE_RE = /[^.!?]+(?:[.!?]+(?=\s|$)|$)/g;
/** Task rules that would shape the output (its form, length or opening) are not added to a template. */
const SHAPING_RULE_RE =
  /\b(?:format|json|table|bullets?|list|sections?|headings?|markdown|words?|sentences?|paragraphs?|lines?|open with|close with|end with|start with|begin with|first two|labels?|items?|numbered|steps?|assumptions?)\b/i;
/** Task types whose engine rules are about faithfulness to the input, safe to add to a template. */
const RULE_TASKS = new Set(["extraction", "classification", "writing", "analysis"]);
/** Templates that already state this many rules get none of the engine's. */
const OWN_RULES_ENOUGH = 3;

interface Parts {
  role: string | null;
  goal: string[];
  rules: string[];
  inputs: string[];
  contract: string[];
  /** Prose ("P") and input ("I") units in their original order, to spot positional templates. */
  order: string[];
}

function nameOf(token: string): string {
  return token.replace(/[{}\s]/g, "").replace(/[:!].*$/, "");
}

/** Wrap a lone placeholder in tags named after it, unless it is short (a name, a number). */
function delimited(token: string, label?: string): string {
  const name = nameOf(token);
  const head = label ? `${label}:\n` : "";
  return `${head}<${name}>\n${token}\n</${name}>`;
}

function sentencesOf(line: string): string[] {
  const out: string[] = [];
  SENTENCE_RE.lastIndex = 0;
  for (let m = SENTENCE_RE.exec(line); m !== null; m = SENTENCE_RE.exec(line)) {
    if (m[0].length === 0) {
      SENTENCE_RE.lastIndex++;
      continue;
    }
    const s = m[0].trim();
    if (s !== "") out.push(s);
  }
  return out;
}

function explicitRule(sentence: string): string {
  if (DONT_KNOW_RE.test(sentence))
    return `${sentence.replace(/\.?$/, ":")} reply that you don't know instead of guessing or using outside knowledge.`;
  return sentence;
}

function classify(sentence: string, parts: Parts): void {
  const inline: string[] = [];
  const text = sentence.replace(INLINE_TAGGED_RE, (_all, tag: string, token: string) => {
    inline.push(`<${tag}>\n${token}\n</${tag}>`);
    return `<${tag}>`;
  });
  const trailing = inline.length === 0 ? TRAILING_PLACEHOLDER_RE.exec(text) : null;
  // "INVOICE: {{invoice_text}}": a short label before the placeholder labels the input.
  if (trailing !== null && trailing[1].trim().split(/\s+/).length <= 3) {
    parts.inputs.push(delimited(trailing[2], trailing[1].trim()));
    return;
  }
  const body = trailing !== null ? `${trailing[1]}.` : text;
  if (parts.role === null && ROLE_RE.test(body)) {
    parts.role = body;
  } else if (parts.role !== null && parts.goal.length === 0 && parts.rules.length === 0 && ROLE_MORE_RE.test(body)) {
    parts.role = `${parts.role} ${body}`;
  } else if (parts.goal.length === 0 && !DONT_KNOW_RE.test(body)) {
    parts.goal.push(body);
  } else if (CONTRACT_RE.test(body) && !HAS_PLACEHOLDER_RE.test(body)) {
    parts.contract.push(body);
  } else if (RULE_RE.test(body)) {
    parts.rules.push(explicitRule(body));
  } else {
    parts.goal.push(body);
  }
  parts.inputs.push(...inline);
  if (trailing !== null) parts.inputs.push(delimited(trailing[2]));
}

/** Split the template body (without its cue) into role, goal, rules, inputs and contract. */
function partsOf(body: string): Parts {
  const parts: Parts = { role: null, goal: [], rules: [], inputs: [], contract: [], order: [] };
  const inputsBefore = () => parts.inputs.length;
  const lines = body.split("\n");
  let before = 0;
  const mark = () => {
    const kind = parts.inputs.length > before ? "I" : "P";
    if (parts.order[parts.order.length - 1] !== kind) parts.order.push(kind);
    before = inputsBefore();
  };
  for (let i = 0; i < lines.length; i++, mark()) {
    const line = lines[i];
    if (line.trim() === "") continue;
    // A delimited region: from a delimiter (or tag) line to its closing line, kept verbatim.
    const tag = OPEN_TAG_LINE_RE.exec(line);
    if (DELIMITER_LINE_RE.test(line) || tag !== null) {
      const close = tag !== null ? new RegExp(`^[ \\t]*</${tag[1]}>[ \\t]*$`) : null;
      let j = i + 1;
      while (j < lines.length && !(close ? close.test(lines[j]) : DELIMITER_LINE_RE.test(lines[j]))) j++;
      if (j < lines.length) {
        // The lead-in line just before ("Context information is below.") stays with the goal.
        parts.inputs.push(lines.slice(i, j + 1).join("\n"));
        i = j;
        continue;
      }
      if (tag !== null) {
        // An unclosed tag line ("<Chat History>") labels the lines up to the next blank line.
        let k = i + 1;
        while (k < lines.length && lines[k].trim() !== "") k++;
        parts.inputs.push(lines.slice(i, k).join("\n"));
        i = k - 1;
        continue;
      }
      parts.inputs.push(line);
      continue;
    }
    if (PLACEHOLDER_ONLY_RE.test(line)) {
      parts.inputs.push(delimited(line.trim()));
      continue;
    }
    const labelled = LABELLED_PLACEHOLDER_RE.exec(line);
    if (labelled !== null) {
      parts.inputs.push(delimited(labelled[2], labelled[1].trim()));
      continue;
    }
    // A block of "Label: value" lines (a format the author spells out) stays together, verbatim.
    if (FORMAT_LINE_RE.test(line) && FORMAT_LINE_RE.test(lines[i + 1] ?? "")) {
      let j = i;
      while (j < lines.length && lines[j].trim() !== "") j++;
      const block = lines.slice(i, j).join("\n");
      (HAS_PLACEHOLDER_RE.test(block) ? parts.inputs : parts.contract).push(block);
      i = j - 1;
      continue;
    }
    for (const s of sentencesOf(line)) classify(s, parts);
  }
  return parts;
}

function labelLine(contract: OutputContract): string | null {
  if (contract.kind === "single-label" && contract.labels.length > 1) {
    const list = contract.labels;
    return `Reply with exactly one label: ${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}, and nothing else.`;
  }
  if (contract.kind === "yes-no") return "Reply with yes or no, and nothing else.";
  if (contract.kind === "single-number") return "Reply with the number only.";
  return null;
}

function jsonSchema(contract: OutputContract): string | null {
  if (contract.kind !== "json" || contract.fields.length === 0) return null;
  const lines = contract.fields.map((f, i) => {
    const key = f.toLowerCase().replace(/[^\w]+/g, "_");
    const plural = /s$/.test(f) && !/ss$/.test(f);
    const value = plural ? `["[[each ${f.replace(/s$/, "")}, as written]]"]` : `"[[the ${f}]]"`;
    return `  "${key}": ${value}${i < contract.fields.length - 1 ? "," : ""}`;
  });
  return `Proposed shape (fill in the [[…]] parts):\n\`\`\`json\n{\n${lines.join("\n")}\n}\n\`\`\``;
}

function render(parts: Parts, info: TemplateInfo): string {
  const blocks: string[] = [];
  if (parts.role !== null) blocks.push(parts.role);
  if (parts.goal.length > 0) blocks.push(`## Goal\n${parts.goal.join(" ")}`);
  if (parts.rules.length > 0) blocks.push(`## Rules\n${parts.rules.map((r) => `- ${r}`).join("\n")}`);
  if (parts.inputs.length > 0) blocks.push(`## Inputs\n${parts.inputs.join("\n\n")}`);
  const output = [...parts.contract];
  const label = labelLine(info.contract);
  if (label !== null && !output.some((o) => /\b(?:only|nothing else|single|just)\b/i.test(o))) output.push(label);
  const schema = jsonSchema(info.contract);
  if (schema !== null) output.push(schema);
  if (output.length > 0) blocks.push(`## Output\n${output.join("\n")}`);
  let text = blocks.join("\n\n");
  if (info.cue !== null) text = `${text}\n\n${info.cue}`;
  return text;
}

export interface TemplateRewrite {
  optimization: Optimization;
  /** True when the template was kept exactly as written (already structured, or unsafe to move). */
  keptAsWritten: boolean;
}

function keep(prompt: string, why: string, info: TemplateInfo): TemplateRewrite {
  return {
    optimization: {
      optimized_prompt: prompt,
      framework_applied: "template",
      changes_made: [why],
      notes: notesFor(info),
    },
    keptAsWritten: true,
  };
}

function notesFor(info: TemplateInfo): string {
  if (info.placeholders.length === 0 && info.cue === null)
    return "Application system prompt: its role, rules and output contract were kept; no output format was added.";
  const names = [...new Set(info.placeholders.map((p) => p.token))];
  const notes = [
    `Application template: ${names.slice(0, 6).join(", ")}${names.length > 6 ? " and others" : ""} stay for the application to fill (or replace them with real content).`,
  ];
  if (info.cue !== null) notes.push(`The completion cue ${JSON.stringify(info.cue.trim())} stays the last line.`);
  return notes.join(" ");
}

/**
 * Rewrite a template prompt, or null when the prompt is not a template. `prompt` is the original
 * (untrimmed) text.
 */
export function rewriteTemplate(prompt: string, analysis: Analysis): TemplateRewrite | null {
  // A system prompt (role, standing rules, no placeholder, no cue) is kept callable the same way:
  // the author's output contract, stated or deliberately absent, is never extended.
  const info: TemplateInfo | null =
    detectTemplate(prompt) ??
    (isSystemPrompt(prompt) ? { placeholders: [], cue: null, cueStart: -1, contract: outputContract(prompt) } : null);
  if (info === null) return null;
  const original = prompt.replace(/[\r\n]+$/, "").replace(/^\s+/, "");
  if (HEADING_RE.test(original) || /```/.test(original))
    return keep(
      original,
      info.placeholders.length === 0 && info.cue === null
        ? "Kept the system prompt as written: it is already structured"
        : "Kept the template as written: it is already structured",
      info,
    );
  const system = info.placeholders.length === 0 && info.cue === null;
  if (system && LIST_LINE_RE.test(original))
    return keep(original, "Kept the system prompt as written: its author already laid out its rules", info);
  const body = info.cue !== null ? prompt.slice(0, info.cueStart) : prompt;
  const parts = partsOf(body.trim());
  const changes: string[] = [];
  const added: string[] = [];
  // A system prompt gets no engine rules: its author set the behaviour (light touch).
  if (!system && parts.rules.length < OWN_RULES_ENOUGH && parts.goal.length > 0) {
    const subject = detectSubject(body, analysis);
    const task = RULE_TASKS.has(subject.taskType) ? rulesFor(subject, { ownFormat: false }) : { do: [], dont: [] };
    const extra = [...task.do, ...task.dont].filter(
      (r) => !SHAPING_RULE_RE.test(r) && !r.includes("[[") && !parts.rules.includes(r),
    );
    if (extra.length > 0) {
      parts.rules.push(...extra);
      added.push(
        `Added task rules that do not touch the output contract: ${extra.map((r) => r.replace(/\.$/, "").toLowerCase()).join("; ")}`,
      );
    }
  }
  const text = render(parts, info);
  if (parts.role !== null && !original.startsWith(parts.role)) changes.push("Put the role sentence first");
  changes.push(
    system
      ? "Arranged the system prompt as role, Goal, Rules and the author's Output; every sentence kept word for word"
      : "Arranged the template as Goal, Rules, Inputs and Output; every sentence kept word for word",
  );
  changes.push(...added);
  if (parts.rules.some((r) => r.includes("instead of guessing")))
    changes.push('Made "if you don\'t know, say so" an explicit rule');
  if (parts.inputs.some((i) => /^<([\w-]+)>\n\{/.test(i) || /:\n<[\w-]+>\n\{/.test(i)))
    changes.push("Put each input placeholder in its own delimiters");
  if (labelLine(info.contract) !== null) changes.push("Stated the single-answer output contract explicitly");
  if (jsonSchema(info.contract) !== null)
    changes.push("Proposed a JSON shape from the fields the prompt names, with [[…]] fill-ins");
  // The guards: placeholders identical and in order, the cue last byte for byte, nothing lost.
  const sameOrder = placeholderSequence(text).join("\u0000") === placeholderSequence(original).join("\u0000");
  const cueLast = info.cue === null || text.endsWith(`\n${info.cue}`);
  const preserved = checkPreservation({ original: prompt, optimized: text, analysis }).missing.length === 0;
  // Prose and inputs interleaved many times ("the query below … the answer above …") read by
  // position: moving them apart would change what they refer to.
  const positional = parts.order.length > 4;
  if (positional)
    return keep(original, "Kept the template as written: its instructions refer to inputs by position", info);
  if (!sameOrder || !cueLast || !preserved || parts.goal.length === 0)
    return keep(original, "Kept the template as written: restructuring it would move a placeholder or the cue", info);
  return {
    optimization: {
      optimized_prompt: text,
      framework_applied: "template",
      changes_made: changes,
      notes: notesFor(info),
    },
    keptAsWritten: false,
  };
}
