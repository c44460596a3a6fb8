// The local rewriter: restructures a prompt into a Markdown document with the sections its strategy
// calls for. The user's words and every constraint, placeholder, code block, URL and quotation stay
// verbatim; gaps only the user can fill become `[[…]]` markers; nothing is invented or answered.
import type {
  Analysis,
  CodebaseContext,
  Constraint,
  Optimization,
  StrategyName,
  StrategyResult,
} from "../pipeline/schemas.js";
import { renderCodebaseContext } from "./codebase-context.js";
import { checkPreservation, extractProtectedSpans } from "./preservation.js";
import { detectFeatures, type PromptFeatures } from "./prompt-features.js";
import { assumptionsFor, reasoningFor, stepsFor, styleFor, toneFor } from "./rewriter-content.js";
import { outputFormatFor } from "./rewriter-formats.js";
import {
  audienceMarker,
  contextMarkers,
  inputMarker,
  lengthMarker,
  type Marker,
  qualityMarker,
  qualityWord,
  referentOf,
  spanText,
  toneMarker,
  vagueMarkers,
} from "./rewriter-markers.js";
import { personaFor, personaLabel } from "./rewriter-personas.js";
import { addUnique, type Draft, emptyDraft, renderDraft } from "./rewriter-render.js";
import { rulesFor, successFor } from "./rewriter-rules.js";
import { detectSubject, type Subject } from "./rewriter-subject.js";
import { rewriteTemplate } from "./rewriter-template.js";
import { splitTask } from "./rewriter-text.js";

export interface RewriteRequest {
  prompt: string;
  analysis: Analysis;
  strategy: StrategyResult;
  codebaseContext?: CodebaseContext;
  previous?: Optimization;
  iteration?: number;
}

const ROLE_PLAY_RE =
  /\b(?:i want you to act as|act as an? [\w -]{1,40}\.|you will (?:reply|respond|only reply)|my first (?:command|sentence|request|question|suggestion)|i will (?:type|give you|provide|tell you|speak))/i;

function isRolePlay(prompt: string, features: PromptFeatures): boolean {
  return features.hasPersona && ROLE_PLAY_RE.test(prompt.length > 3_000 ? prompt.slice(0, 3_000) : prompt);
}

/** Above this many characters the original is kept as it is and only missing sections are added. */
export const LONG_PROMPT_CHARS = 1_500;
/** Strategies whose rewrite includes an output format when the prompt has none. */
const formatStrategies: readonly StrategyName[] = [
  "structured-output",
  "role-task-format",
  "co-star",
  "persona-assignment",
  "chain-of-thought",
  "few-shot-scaffolding",
  "risen",
];
/** Strategies a later iteration layers on, in order, when they are not already applied. */
const ITERATION_EXTRAS: readonly StrategyName[] = [
  "constraint-injection",
  "structured-output",
  "context-enrichment",
  "step-by-step",
];

const KIND_LABELS: ReadonlyArray<readonly [string, string]> = [
  ["length.items", "Count"],
  ["length.", "Length"],
  ["format.", "Format"],
  ["case.", "Letter case"],
  ["punctuation.", "Punctuation"],
  ["keywords.", "Wording"],
  ["startend.", "Start and end"],
  ["language.", "Language"],
  ["content.", "Content"],
  ["combination.", "Response shape"],
];

interface Build {
  draft: Draft;
  changes: string[];
  markers: string[];
}

/** A primary and at most two secondaries are ever applied (and named in `framework_applied`). */
const MAX_APPLIED = 3;

function strategiesFor(strategy: StrategyResult, iteration: number): StrategyName[] {
  const list = [strategy.strategy, ...strategy.secondary_frameworks]
    .filter((s, i, all) => all.indexOf(s) === i)
    .slice(0, MAX_APPLIED);
  // A later iteration fills free secondary slots only: never more frameworks than a selection has.
  const room = Math.min(Math.max(0, iteration - 1), MAX_APPLIED - list.length);
  const extras = ITERATION_EXTRAS.filter((s) => !list.includes(s)).slice(0, room);
  return [...list, ...extras];
}

function constraintLine(c: Constraint): string {
  if (/^[A-Z]/.test(c.text) && /[.!?"”]$/.test(c.text)) return c.text;
  const label = KIND_LABELS.find(([prefix]) => c.kind.startsWith(prefix))?.[1] ?? "Constraint";
  return `${label}: ${c.text}`;
}

function addMarkers(b: Build, into: string[], markers: readonly Marker[]): void {
  for (const m of markers) if (addUnique(into, [m.line]) > 0 && !b.markers.includes(m.label)) b.markers.push(m.label);
}

function summarise(line: string): string {
  const clean = line.replace(/\*\*/g, "").replace(/^\d+\.\s*/, "");
  return clean.length <= 70 ? clean.replace(/[.:]$/, "") : `${clean.slice(0, 67).replace(/\s+\S*$/, "")}…`;
}

/** The first few words of an instruction, for changes_made. */
function gistOf(line: string): string {
  const words = line.replace(/[.:]$/, "").split(/\s+/);
  return words.length <= 7 ? words.join(" ").toLowerCase() : `${words.slice(0, 7).join(" ").toLowerCase()}…`;
}

function exampleSlots(subject: Subject): string[] {
  const labelled = subject.labels.length > 1;
  const first = labelled
    ? `[[its label: one of ${subject.labels.join(", ")}]]`
    : "[[the exact output you expect for it]]";
  const second = labelled ? "[[the label you expect, and why]]" : "[[the output you expect for this edge case]]";
  return [
    `Example 1 (typical case)\nInput: [[a representative input]]\nOutput: ${first}`,
    `Example 2 (edge case, e.g. ambiguous or incomplete input)\nInput: [[a tricky input]]\nOutput: ${second}`,
  ];
}

function build(
  req: RewriteRequest,
  prompt: string,
  features: PromptFeatures,
  iteration: number,
  allowSplit: boolean,
): Build {
  const { analysis } = req;
  const codes = new Set(analysis.weaknesses.map((w) => w.code));
  const diag = (code: string) => analysis.weaknesses.find((w) => w.code === code);
  const subject = detectSubject(prompt, analysis);
  const strategies = strategiesFor(req.strategy, iteration);
  const uses = (s: StrategyName) => strategies.includes(s);
  const long = prompt.length > LONG_PROMPT_CHARS;
  // Long prompts and interactive role-play prompts ("I want you to act as a terminal…") are kept
  // in their own order; only what the diagnostics ask for is added, never task-type templates.
  const rolePlay = isRolePlay(prompt, features);
  const minimal = long || rolePlay;
  const injection = codes.has("PF-INJECTION");
  const spans = extractProtectedSpans(prompt);
  const protectedItems = [
    ...analysis.constraints.map((c) => c.text),
    ...analysis.placeholders,
    ...spans.codeBlocks,
    ...spans.urls,
    ...spans.quotes,
    ...spans.inlineCode,
  ];

  const parts =
    minimal || !allowSplit
      ? {
          instruction: prompt,
          material: null,
          materialFence: null,
          movedSentences: [],
          movedConstraints: new Set<number>(),
        }
      : splitTask({ prompt, constraints: analysis.constraints, protectedItems });
  const d = emptyDraft(parts.instruction);
  d.taskHeading = !long;
  const b: Build = { draft: d, changes: [], markers: [] };

  if (parts.material !== null) {
    const fence = parts.materialFence;
    d.input.push(fence !== null ? `\`\`\`${fence}\n${parts.material}\n\`\`\`` : parts.material);
    b.changes.push(
      fence !== null
        ? "Moved the pasted code into a fenced Input block, unchanged"
        : "Moved the pasted material into an Input section, unchanged",
    );
  }

  // Role: the persona strategies always name one; otherwise only when the role is missing.
  const wantsRole =
    codes.has("PF-ROLE") || (!minimal && (uses("persona-assignment") || uses("role-task-format") || uses("risen")));
  if (!injection && !features.hasPersona && wantsRole) {
    d.role = personaFor(subject);
    b.changes.push(`Added a persona: ${personaLabel(d.role)}`);
  }

  // Constraints stay verbatim: moved sentences first, then the rest as labelled fragments.
  if (parts.movedSentences.length > 0) {
    addUnique(d.requirements, parts.movedSentences);
    b.changes.push(
      `Moved ${parts.movedSentences.length === 1 ? "the constraint sentence" : `${parts.movedSentences.length} constraint sentences`} into Requirements, word for word`,
    );
  }
  const listed = analysis.constraints.filter((_, i) => !parts.movedConstraints.has(i)).map(constraintLine);
  if (addUnique(d.requirements, listed) > 0) {
    b.changes.push(
      `Listed ${listed.length === 1 ? "the stated constraint" : `the ${listed.length} stated constraints`} verbatim under Requirements`,
    );
  }

  // Gaps only the user can fill become markers.
  if (codes.has("PF-AUDIENCE")) addMarkers(b, d.audience, [audienceMarker(subject)]);
  const generic = subject.taskType === "general" || subject.taskType === "other";
  // For a generic ask the quality marker already says what "better" means; a goal marker would repeat it.
  if (codes.has("PF-VAGUE") && !injection && !(generic && codes.has("PF-VAGUE-QUALITY")))
    addMarkers(
      b,
      d.context,
      vagueMarkers(subject, { span: spanText(prompt, diag("PF-VAGUE")), message: diag("PF-VAGUE")?.message ?? "" }),
    );
  if (codes.has("PF-CONTEXT") && !injection)
    addMarkers(b, d.context, contextMarkers(subject, spanText(prompt, diag("PF-CONTEXT"))));
  if (codes.has("PF-DANGLING") && parts.material === null)
    addMarkers(b, d.input, [inputMarker(referentOf(spanText(prompt, diag("PF-DANGLING"))))]);
  if (codes.has("PF-LENGTH")) addMarkers(b, d.requirements, [lengthMarker(subject)]);
  if (codes.has("PF-VAGUE-QUALITY") && !injection)
    addMarkers(b, d.requirements, [qualityMarker(subject, qualityWord(prompt, diag("PF-VAGUE-QUALITY")))]);
  if (codes.has("PF-NEGATIVE-ONLY"))
    addMarkers(b, d.requirements, [
      { label: "positive goal", line: "What the response should do: [[the goal, e.g. what to include]]" },
    ]);
  if (codes.has("PF-CONFLICT"))
    addMarkers(b, d.requirements, [
      {
        label: "priority between conflicting constraints",
        line: "If two requirements conflict: [[which one takes priority]]",
      },
    ]);
  if (codes.has("PF-MULTI-TASK") && !injection) addUnique(d.requirements, ["Handle each part of the request in turn."]);

  const reference = renderCodebaseContext(req.codebaseContext);
  if (reference) {
    d.reference = reference;
    b.changes.push("Added the linked codebase context as untrusted reference material");
  }

  if (injection) {
    d.neutralHeadings = true;
    b.changes.push("Kept the prompt verbatim without reinforcing its instruction-override pattern");
    return b;
  }

  // Strategy contributions.
  const coStarPrimary = req.strategy.strategy === "co-star";
  if (
    uses("context-enrichment") &&
    d.context.length === 0 &&
    d.audience.length === 0 &&
    !reference &&
    !minimal &&
    req.strategy.strategy === "context-enrichment"
  ) {
    addMarkers(b, d.context, [
      {
        label: "background",
        line: "Background: [[anything the model should know: situation, definitions, references]]",
      },
    ]);
  }
  if (uses("co-star") && !minimal) {
    if (coStarPrimary) {
      d.style = styleFor(subject);
      d.tone = toneFor(subject);
      if (d.tone.includes("[[")) b.markers.push("tone");
      if (d.audience.length === 0 && (subject.taskType === "writing" || subject.taskType === "creative"))
        addMarkers(b, d.audience, [audienceMarker(subject)]);
      b.changes.push("Framed the prompt as CO-STAR: objective, style, tone, audience and response format");
    } else if (subject.taskType === "writing" || subject.taskType === "creative") {
      addMarkers(b, d.context, [toneMarker(subject)]);
    }
  }

  const wantsReasoning = codes.has("PF-REASONING") || (uses("chain-of-thought") && !minimal);
  if (wantsReasoning) {
    addUnique(d.assumptions, assumptionsFor(subject, prompt));
    addUnique(d.reasoning, reasoningFor(subject, d.assumptions.length > 0));
    b.changes.push("Asked for explicit step-by-step reasoning before the final answer");
    if (d.assumptions.length > 0) b.changes.push("Listed the assumptions the model must state explicitly");
  }
  if ((uses("step-by-step") || uses("risen")) && !features.hasNumberedSteps && d.reasoning.length === 0 && !minimal) {
    addUnique(d.steps, stepsFor(subject));
    b.changes.push("Broke the work into ordered, numbered steps");
  }

  if (!minimal) {
    const ownFormat = !features.hasFormat && (codes.has("PF-FORMAT") || formatStrategies.some((s) => uses(s)));
    const rules = rulesFor(subject, { ownFormat });
    // An explicit Assumptions section already says to state them.
    if (d.assumptions.length > 0) rules.do = rules.do.filter((r) => !/\bassumption/i.test(r));
    const added = addUnique(d.rulesDo, rules.do) + addUnique(d.rulesDont, rules.dont);
    d.rulesSection = uses("constraint-injection");
    if (added > 0) {
      const gist = [...rules.do, ...rules.dont].slice(0, 2).map(gistOf).join("; ");
      b.changes.push(
        `${d.rulesSection ? "Added explicit DO / DO NOT rules" : "Added task-specific requirements"}: ${gist}`,
      );
    }
  }

  if ((codes.has("PF-EXAMPLES") || (uses("few-shot-scaffolding") && !minimal)) && !features.hasExamples) {
    d.examples.push(...exampleSlots(subject));
    b.markers.push("examples");
    b.changes.push("Added two example slots (typical and edge case)");
  }

  const wantsFormat = codes.has("PF-FORMAT") || (!minimal && formatStrategies.some((s) => uses(s)));
  if (wantsFormat && !features.hasFormat) {
    d.outputFormat = outputFormatFor(subject, { constraints: analysis.constraints });
    b.changes.push(
      `Added an ${coStarPrimary ? "Response" : "Output"} format section (${summarise(d.outputFormat[0])})`,
    );
  } else if (wantsReasoning && !features.hasFormat) {
    d.outputFormat = ["End with exactly one line:", `Final answer: ${subject.answerShape}`];
  }

  const wantsSuccess =
    codes.has("PF-SUCCESS") ||
    (!minimal && (uses("constraint-injection") || uses("risen") || uses("structured-output")));
  if (wantsSuccess) {
    addUnique(
      d.success,
      rolePlay
        ? ["You stay in the role for the whole conversation and follow every instruction above."]
        : successFor(subject, analysis.constraints.length > 0),
    );
    b.changes.push(
      req.strategy.strategy === "risen" ? "Added an End goal to check the result against" : "Added success criteria",
    );
  }
  return b;
}

function notesFor(b: Build, req: RewriteRequest, long: boolean): string {
  const notes: string[] = [];
  if (b.markers.length > 0) notes.push(`Fill in the [[…]] markers before use: ${b.markers.join(", ")}.`);
  const placeholders = req.analysis.placeholders;
  if (placeholders.length > 0)
    notes.push(
      `Replace ${placeholders.slice(0, 5).join(", ")}${placeholders.length > 5 ? " and the others" : ""} with real content.`,
    );
  const codes = new Set(req.analysis.weaknesses.map((w) => w.code));
  if (codes.has("PF-INJECTION"))
    notes.push(
      "The prompt contains an instruction-override or role-hijack pattern; it was kept as written but not reinforced. Review it before use.",
    );
  if (codes.has("PF-CONFLICT")) notes.push("Some constraints conflict; say which one wins.");
  if (long) notes.push("Long prompt: the original is kept as written and only missing sections were added.");
  return notes.join(" ");
}

const HEADING_LINE_RE = /^#{1,3} \S/gm;

/** A prompt that already has sections (two or more Markdown headings) is improved, not re-wrapped. */
function isStructured(prompt: string): boolean {
  HEADING_LINE_RE.lastIndex = 0;
  let n = 0;
  while (n < 2 && HEADING_LINE_RE.exec(prompt.length > 20_000 ? prompt.slice(0, 20_000) : prompt)) n++;
  // "## Task\n…" (a rewrite of ours with a single section) counts too.
  return n >= 2 || (n === 1 && /^#{1,3} \S/.test(prompt));
}

/**
 * Light touch for an already-structured prompt: its text stays as written; only a missing role
 * (first) and a missing output format (last) are added, so a second pass changes nothing.
 */
function lightTouch(req: RewriteRequest, prompt: string, features: PromptFeatures): Optimization {
  const codes = new Set(req.analysis.weaknesses.map((w) => w.code));
  const subject = detectSubject(prompt, req.analysis);
  const changes: string[] = [];
  let text = prompt;
  if (codes.has("PF-ROLE") && !features.hasPersona && !codes.has("PF-INJECTION")) {
    const role = personaFor(subject);
    text = `${role}\n\n${text}`;
    changes.push(`Added a persona: ${personaLabel(role)}`);
  }
  if (codes.has("PF-FORMAT") && !features.hasFormat && !codes.has("PF-INJECTION")) {
    const format = outputFormatFor(subject, { constraints: req.analysis.constraints });
    text = `${text}\n\n## Output format\n${format.join("\n")}`;
    changes.push(`Added an Output format section (${summarise(format[0])})`);
  }
  if (changes.length === 0) changes.push("Already structured: kept the prompt as written");
  const notes =
    req.previous && req.previous.optimized_prompt === text
      ? "No further deterministic improvement was possible."
      : "Already-structured prompt: improved in place, not re-wrapped.";
  return { optimized_prompt: text, framework_applied: req.strategy.strategy, changes_made: changes, notes };
}

function emptyPromptResult(): Optimization {
  return {
    optimized_prompt:
      "## Task\n[[describe what you want the model to do]]\n\n## Output format\n[[the form the answer should take]]",
    framework_applied: "role-task-format",
    changes_made: ["The prompt was empty: produced a fill-in template"],
    notes: "Fill in the [[…]] markers: task, output format.",
  };
}

export function rewritePrompt(req: RewriteRequest): Optimization {
  const prompt = req.prompt.trim();
  if (prompt.length === 0) return emptyPromptResult();
  // Application templates ({var} / {{var}} placeholders) are kept callable: their own path.
  const template = rewriteTemplate(req.prompt, req.analysis);
  if (template !== null) {
    const { optimization } = template;
    if (req.previous && req.previous.optimized_prompt === optimization.optimized_prompt)
      return {
        ...optimization,
        notes: `${optimization.notes} No further deterministic improvement was possible.`.trim(),
      };
    return optimization;
  }
  const iteration = Math.max(1, req.iteration ?? 1);
  const features = detectFeatures(prompt, req.analysis);
  const long = prompt.length > LONG_PROMPT_CHARS;
  if (isStructured(prompt)) return lightTouch(req, prompt, features);

  let b = build(req, prompt, features, iteration, true);
  let text = renderDraft(b.draft, req.strategy.strategy);
  // Safety net: if splitting or edge normalisation lost anything, rebuild with the prompt untouched.
  if (checkPreservation({ original: req.prompt, optimized: text, analysis: req.analysis }).missing.length > 0) {
    b = build(req, prompt, features, iteration, false);
    text = renderDraft(b.draft, req.strategy.strategy);
  }

  const applied = strategiesFor(req.strategy, iteration);
  const framework = applied.join(" + ");
  const layered = applied.slice(strategiesFor(req.strategy, 1).length);
  const changes = b.changes.length > 0 ? b.changes : ["No gaps found: kept the prompt as written under a Task heading"];
  let notes = notesFor(b, req, long);
  if (req.previous && iteration > 1) {
    if (req.previous.optimized_prompt === text)
      notes = `${notes} No further deterministic improvement was possible.`.trim();
    else if (layered.length > 0)
      changes.unshift(`Iteration ${iteration}: layered ${layered.join(", ")} onto the previous rewrite`);
  }
  return { optimized_prompt: text, framework_applied: framework, changes_made: changes, notes };
}
