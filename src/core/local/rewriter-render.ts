// The rewrite as a draft of named slots, rendered to Markdown with the headings the primary strategy
// uses (CO-STAR says "Objective", RISEN says "End goal"). Empty slots produce no section.
import type { StrategyName } from "../pipeline/schemas.js";

export interface Draft {
  role: string | null;
  /** The original instruction, verbatim. */
  task: string;
  /** Long prompts are kept as they are, without a Task heading. */
  taskHeading: boolean;
  /** Plain "Task" heading whatever the strategy (used for prompts flagged as injection attempts). */
  neutralHeadings: boolean;
  input: string[];
  context: string[];
  audience: string[];
  reference: string | null;
  style: string | null;
  tone: string | null;
  steps: string[];
  assumptions: string[];
  reasoning: string[];
  requirements: string[];
  rulesDo: string[];
  rulesDont: string[];
  /** Rules render as their own DO / DO NOT section (constraint-injection) or join Requirements. */
  rulesSection: boolean;
  examples: string[];
  outputFormat: string[];
  success: string[];
}

export function emptyDraft(task: string): Draft {
  return {
    role: null,
    task,
    taskHeading: true,
    neutralHeadings: false,
    input: [],
    context: [],
    audience: [],
    reference: null,
    style: null,
    tone: null,
    steps: [],
    assumptions: [],
    reasoning: [],
    requirements: [],
    rulesDo: [],
    rulesDont: [],
    rulesSection: false,
    examples: [],
    outputFormat: [],
    success: [],
  };
}

/** Adds lines that are not already present (case-insensitive): the same instruction never appears twice. */
export function addUnique(into: string[], lines: readonly string[]): number {
  let added = 0;
  for (const line of lines) {
    const key = line.trim().toLowerCase();
    if (key && !into.some((l) => l.trim().toLowerCase() === key)) {
      into.push(line);
      added++;
    }
  }
  return added;
}

/** Under a "Do not:" heading the rule reads without its own "Do not". */
function stripDoNot(rule: string): string {
  const rest = rule.replace(/^Do not\s+/i, "");
  return rest === rule ? rule : rest[0].toUpperCase() + rest.slice(1);
}

const bullets = (lines: readonly string[]) => lines.map((l) => `- ${l}`).join("\n");
const numbered = (lines: readonly string[]) => lines.map((l, i) => `${i + 1}. ${l}`).join("\n");

function section(heading: string, body: string): string | null {
  return body.trim() ? `## ${heading}\n${body}` : null;
}

export function renderDraft(d: Draft, primary: StrategyName): string {
  const coStar = primary === "co-star" && !d.neutralHeadings;
  const risen = primary === "risen" && !d.neutralHeadings;
  const blocks: Array<string | null> = [];

  if (d.role) blocks.push(risen ? section("Role", d.role) : d.role);
  blocks.push(d.taskHeading ? section(coStar ? "Objective" : risen ? "Instructions" : "Task", d.task) : d.task);
  blocks.push(section("Input", d.input.join("\n\n")));

  const context = coStar ? d.context : [...d.audience, ...d.context];
  const contextBody = [context.length > 0 ? bullets(context) : "", d.reference ?? ""].filter(Boolean).join("\n\n");
  blocks.push(section("Context", contextBody));
  if (coStar) {
    blocks.push(section("Style", d.style ?? ""));
    blocks.push(section("Tone", d.tone ?? ""));
    blocks.push(section("Audience", d.audience.map((a) => a.replace(/^Audience:\s*/, "")).join("\n")));
  }

  blocks.push(section("Steps", numbered(d.steps)));
  if (d.assumptions.length > 0)
    blocks.push(section("Assumptions", `State these explicitly before solving:\n${bullets(d.assumptions)}`));
  if (d.reasoning.length > 0)
    blocks.push(section("Reasoning", `Work through these steps before answering:\n${numbered(d.reasoning)}`));

  const requirements = d.rulesSection ? d.requirements : [...d.requirements, ...d.rulesDo, ...d.rulesDont];
  blocks.push(section(risen ? "Narrowing constraints" : "Requirements", bullets(requirements)));
  if (d.rulesSection) {
    const rules = [
      d.rulesDo.length > 0 ? `Do:\n${bullets(d.rulesDo)}` : "",
      d.rulesDont.length > 0 ? `Do not:\n${bullets(d.rulesDont.map(stripDoNot))}` : "",
    ].filter(Boolean);
    blocks.push(section("Rules", rules.join("\n\n")));
  }

  blocks.push(section("Examples", d.examples.join("\n\n")));
  blocks.push(section(coStar ? "Response format" : "Output format", d.outputFormat.join("\n")));
  blocks.push(section(risen ? "End goal" : "Success criteria", bullets(d.success)));
  return blocks.filter((b): b is string => b !== null && b.trim().length > 0).join("\n\n");
}
