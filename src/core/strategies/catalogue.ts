// The ten optimization strategies (PRODUCT.md 3.3): what each does, when it fits, which sections it
// writes, and the task-type affinity table the selector starts from. Served by GET /api/strategies.
import { STRATEGY_NAMES, type StrategyName, type TaskType } from "../pipeline/schemas.js";

export interface StrategyDescriptor {
  name: StrategyName;
  title: string;
  description: string;
  best_when: string;
  /** Markdown sections the local rewriter writes when this strategy is primary. */
  sections: string[];
}

export const STRATEGY_CATALOGUE: readonly StrategyDescriptor[] = [
  {
    name: "co-star",
    title: "CO-STAR",
    description: "Frames the prompt as Context, Objective, Style, Tone, Audience and Response format sections.",
    best_when: "Writing or creative tasks whose audience, tone or purpose is unstated.",
    sections: ["Context", "Objective", "Style", "Tone", "Audience", "Response format"],
  },
  {
    name: "risen",
    title: "RISEN",
    description: "Role, Instructions, Steps, End goal and Narrowing constraints.",
    best_when: "Teaching and open-ended tasks that need a path from start to a clear end goal.",
    sections: ["Role", "Instructions", "Steps", "End goal", "Narrowing constraints"],
  },
  {
    name: "chain-of-thought",
    title: "Chain of thought",
    description: "Asks for explicit step-by-step reasoning before a fixed, checkable final answer.",
    best_when: "Reasoning, math and analysis tasks, especially multi-step or high-complexity ones.",
    sections: ["Task", "Assumptions", "Reasoning", "Output format"],
  },
  {
    name: "few-shot-scaffolding",
    title: "Few-shot scaffolding",
    description: "Adds 2–3 input/output example slots: a typical case and an edge case.",
    best_when: "Classification, extraction and formatting tasks where examples define the mapping.",
    sections: ["Task", "Examples", "Output format"],
  },
  {
    name: "role-task-format",
    title: "Role, task, format",
    description: "A role, the task stated clearly, and the expected output format. The default and the fallback.",
    best_when: "General requests with no stronger signal.",
    sections: ["Role", "Task", "Output format"],
  },
  {
    name: "structured-output",
    title: "Structured output",
    description: "Specifies a precise output schema: JSON, a table or fixed sections.",
    best_when: "Coding, extraction and formatting tasks whose result is consumed by a program or a checklist.",
    sections: ["Task", "Requirements", "Output format"],
  },
  {
    name: "step-by-step",
    title: "Step by step",
    description: "Restates the work as ordered, numbered instructions.",
    best_when: "Procedures, tutorials and multi-part tasks where order matters.",
    sections: ["Task", "Steps", "Output format"],
  },
  {
    name: "constraint-injection",
    title: "Constraint injection",
    description: "Explicit DO / DO NOT rules that answer each weakness of the prompt.",
    best_when: "Vague prompts with several missing specifics (audience, length, criteria, context).",
    sections: ["Task", "Requirements", "Rules", "Success criteria"],
  },
  {
    name: "context-enrichment",
    title: "Context enrichment",
    description: "Adds background, definitions and references, including linked codebase context.",
    best_when: "Tasks that depend on information the model cannot know: data, situation, codebase.",
    sections: ["Task", "Context", "Input"],
  },
  {
    name: "persona-assignment",
    title: "Persona assignment",
    description: "Gives the model a specific professional identity and expertise that sets voice and standards.",
    best_when: "Writing, creative, medical and legal tasks where expertise and voice matter.",
    sections: ["Role", "Task", "Requirements", "Output format"],
  },
];

export interface TaskAffinity {
  primary: StrategyName;
  secondary: readonly [StrategyName, StrategyName];
}

/** PRODUCT.md 3.3: natural primary strategy and two secondaries per task type. */
export const TASK_AFFINITIES: Readonly<Record<TaskType, TaskAffinity>> = {
  coding: { primary: "structured-output", secondary: ["constraint-injection", "step-by-step"] },
  writing: { primary: "persona-assignment", secondary: ["context-enrichment", "co-star"] },
  creative: { primary: "persona-assignment", secondary: ["co-star", "context-enrichment"] },
  reasoning: { primary: "chain-of-thought", secondary: ["structured-output", "co-star"] },
  analysis: { primary: "chain-of-thought", secondary: ["co-star", "structured-output"] },
  math: { primary: "chain-of-thought", secondary: ["step-by-step", "constraint-injection"] },
  extraction: { primary: "structured-output", secondary: ["few-shot-scaffolding", "constraint-injection"] },
  classification: { primary: "few-shot-scaffolding", secondary: ["structured-output", "constraint-injection"] },
  formatting: { primary: "structured-output", secondary: ["few-shot-scaffolding", "constraint-injection"] },
  medical: { primary: "persona-assignment", secondary: ["constraint-injection", "context-enrichment"] },
  legal: { primary: "persona-assignment", secondary: ["constraint-injection", "context-enrichment"] },
  education: { primary: "risen", secondary: ["step-by-step", "context-enrichment"] },
  general: { primary: "role-task-format", secondary: ["context-enrichment", "structured-output"] },
  other: { primary: "risen", secondary: ["role-task-format", "context-enrichment"] },
};

// A Map, not an object literal: "constructor" or "__proto__" must not resolve to anything.
const LEGACY_ALIASES: ReadonlyMap<string, StrategyName> = new Map([
  ["few-shot", "few-shot-scaffolding"],
  ["role-based", "persona-assignment"],
  ["constraint-focused", "constraint-injection"],
  ["structured-enhancement", "structured-output"],
]);

const NAMES: ReadonlySet<string> = new Set(STRATEGY_NAMES);

/** Maps a user-supplied strategy name or legacy alias (any case, surrounding spaces) to its canonical name. */
export function resolveStrategyName(input: string): StrategyName | null {
  const key = input
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-");
  if (NAMES.has(key)) return key as StrategyName;
  return LEGACY_ALIASES.get(key) ?? null;
}

export function describeStrategy(name: StrategyName): StrategyDescriptor {
  const found = STRATEGY_CATALOGUE.find((s) => s.name === name);
  if (!found) throw new Error(`unknown strategy ${name}`);
  return found;
}
