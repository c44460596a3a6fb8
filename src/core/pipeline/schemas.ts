// Stage contracts of the pipeline: one zod schema per stage output. Every engine (local, LLM,
// MCP sampling) returns these shapes; routes, MCP tools and LLM structured output derive from them.
import { z } from "zod";

export const TASK_TYPES = [
  "general",
  "coding",
  "writing",
  "analysis",
  "reasoning",
  "math",
  "classification",
  "formatting",
  "extraction",
  "creative",
  "medical",
  "legal",
  "education",
  "other",
] as const;
export const TaskTypeSchema = z.enum(TASK_TYPES);
export type TaskType = z.infer<typeof TaskTypeSchema>;

export const ComplexitySchema = z.enum(["low", "medium", "high"]);
export type Complexity = z.infer<typeof ComplexitySchema>;

export const SeveritySchema = z.enum(["info", "warning", "error"]);
export type Severity = z.infer<typeof SeveritySchema>;

/** Character offsets into the (sanitised) prompt, end exclusive. */
export const SpanSchema = z.object({
  start: z.number().int().min(0),
  end: z.number().int().min(0),
});
export type Span = z.infer<typeof SpanSchema>;

/** Stable diagnostic codes (section 3.1). Users and CI key on these; never rename one. */
export const DIAGNOSTIC_CODES = {
  ROLE: "PF-ROLE",
  FORMAT: "PF-FORMAT",
  VAGUE: "PF-VAGUE",
  VAGUE_QUALITY: "PF-VAGUE-QUALITY",
  AUDIENCE: "PF-AUDIENCE",
  LENGTH: "PF-LENGTH",
  CONTEXT: "PF-CONTEXT",
  MULTI_TASK: "PF-MULTI-TASK",
  EXAMPLES: "PF-EXAMPLES",
  SUCCESS_CRITERIA: "PF-SUCCESS",
  NEGATIVE_ONLY: "PF-NEGATIVE-ONLY",
  WALL_OF_TEXT: "PF-WALL",
  REASONING: "PF-REASONING",
  CONFLICT: "PF-CONFLICT",
  PLACEHOLDER: "PF-PLACEHOLDER",
  DANGLING_REFERENCE: "PF-DANGLING",
  INJECTION: "PF-INJECTION",
  EMPTY: "PF-EMPTY",
  /** Application templates: `{name}` and `{{name}}` mixed. */
  TEMPLATE_MIXED: "PF-TEMPLATE-MIXED",
  /** Application templates: a completion cue ("Answer:") that is not the last line. */
  TEMPLATE_CUE: "PF-TEMPLATE-CUE",
  /** Application templates: the output contract conflicts with another instruction. */
  TEMPLATE_CONTRACT: "PF-TEMPLATE-CONTRACT",
  /** Application templates: a long input variable inline, without delimiters. */
  TEMPLATE_DELIMIT: "PF-TEMPLATE-DELIMIT",
} as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[keyof typeof DIAGNOSTIC_CODES];

export const DiagnosticSchema = z.object({
  code: z.string().min(1),
  severity: SeveritySchema,
  message: z.string().min(1),
  span: SpanSchema.optional(),
});
export type Diagnostic = z.infer<typeof DiagnosticSchema>;

export const CONSTRAINT_KINDS = [
  "length.words",
  "length.sentences",
  "length.paragraphs",
  "length.items",
  "format.json",
  "format.bullets",
  "format.sections",
  "format.title",
  "format.highlights",
  "format.table",
  "format.code",
  "case.lower",
  "case.upper",
  "case.capital_words",
  "punctuation.no_commas",
  "keywords.include",
  "keywords.exclude",
  "keywords.frequency",
  "keywords.letter_frequency",
  "startend.end_phrase",
  "startend.start_phrase",
  "startend.quotation",
  "language.response",
  "content.placeholders",
  "content.postscript",
  "combination.repeat_prompt",
  "combination.two_responses",
  /** Any other verifiable output instruction, kept as its verbatim sentence (no params). */
  "custom",
] as const;
export const ConstraintKindSchema = z.enum(CONSTRAINT_KINDS);
export type ConstraintKind = z.infer<typeof ConstraintKindSchema>;

/** A verifiable output constraint; `text` is the verbatim span of the original prompt. */
export const ConstraintSchema = z.object({
  kind: ConstraintKindSchema,
  text: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
  span: SpanSchema.optional(),
});
export type Constraint = z.infer<typeof ConstraintSchema>;

export const AnalysisSchema = z.object({
  task_type: TaskTypeSchema,
  complexity: ComplexitySchema,
  weaknesses: z.array(DiagnosticSchema),
  strengths: z.array(z.string()),
  constraints: z.array(ConstraintSchema),
  /** Placeholder tokens exactly as written, e.g. "{{invoice_text}}", "[CLAUSE]", "<yaml>". */
  placeholders: z.array(z.string()),
});
export type Analysis = z.infer<typeof AnalysisSchema>;

export const STRATEGY_NAMES = [
  "co-star",
  "risen",
  "chain-of-thought",
  "few-shot-scaffolding",
  "role-task-format",
  "structured-output",
  "step-by-step",
  "constraint-injection",
  "context-enrichment",
  "persona-assignment",
] as const;
export const StrategyNameSchema = z.enum(STRATEGY_NAMES);
export type StrategyName = z.infer<typeof StrategyNameSchema>;

export const StrategyResultSchema = z.object({
  strategy: StrategyNameSchema,
  secondary_frameworks: z.array(StrategyNameSchema).max(2),
  reasoning: z.string().min(1),
  confidence: z.number().min(0).max(1),
});
export type StrategyResult = z.infer<typeof StrategyResultSchema>;

export const OptimizationSchema = z.object({
  optimized_prompt: z.string().min(1),
  framework_applied: z.string().min(1),
  changes_made: z.array(z.string()),
  notes: z.string(),
});
export type Optimization = z.infer<typeof OptimizationSchema>;

export const SCORE_DIMENSIONS = ["clarity", "specificity", "structure", "faithfulness", "conciseness"] as const;
export type ScoreDimension = (typeof SCORE_DIMENSIONS)[number];

const score = z.number().min(1).max(10);
export const ScoreSetSchema = z.object({
  clarity: score,
  specificity: score,
  structure: score,
  faithfulness: score,
  conciseness: score,
});
export type ScoreSet = z.infer<typeof ScoreSetSchema>;

export const PreservedCountSchema = z.object({ kept: z.number().int().min(0), total: z.number().int().min(0) });
export const PreservedSchema = z.object({
  constraints: PreservedCountSchema,
  placeholders: PreservedCountSchema,
});
export type Preserved = z.infer<typeof PreservedSchema>;

export const ValidationSchema = z.object({
  original_scores: ScoreSetSchema,
  optimized_scores: ScoreSetSchema,
  deltas: z.record(z.string(), z.number()),
  overall: z.number().min(1).max(10),
  is_improvement: z.boolean(),
  verdict: z.string().min(1),
  /** Per dimension: true where a model score and the local score differ by more than 2.5. */
  divergence: z.record(z.string(), z.boolean()).optional(),
  preserved: PreservedSchema,
  /** Characters of the optimized prompt per character of the original (1.0 = same length). */
  length_ratio: z.number().min(0).optional(),
});
export type Validation = z.infer<typeof ValidationSchema>;

/** Weights of `overall` (section 3.4); conciseness is reported but not weighted. */
export const OVERALL_WEIGHTS = { clarity: 0.25, specificity: 0.25, structure: 0.2, faithfulness: 0.3 } as const;

/** Round to one decimal and clamp to the 1–10 scale. */
export function roundScore(value: number): number {
  const clamped = Math.min(10, Math.max(1, Number.isFinite(value) ? value : 1));
  return Math.round(clamped * 10) / 10;
}

/** `overall` is always computed here from the optimized scores, never trusted from a model. */
export function computeOverall(scores: ScoreSet): number {
  const raw =
    OVERALL_WEIGHTS.clarity * scores.clarity +
    OVERALL_WEIGHTS.specificity * scores.specificity +
    OVERALL_WEIGHTS.structure * scores.structure +
    OVERALL_WEIGHTS.faithfulness * scores.faithfulness;
  return roundScore(raw);
}

/** `is_improvement` is forced false below 4 and true above 7 (section 3.4). */
export function decideImprovement(overall: number, modelOpinion: boolean): boolean {
  if (overall < 4) return false;
  if (overall > 7) return true;
  return modelOpinion;
}

export const CodebaseContextSchema = z
  .object({
    language: z.string().max(200),
    framework: z.string().max(200),
    description: z.string().max(4000),
    conventions: z.array(z.string().max(1000)).max(50),
    patterns: z.array(z.string().max(1000)).max(50),
    code_snippets: z.array(z.string().max(8000)).max(20),
    documentation: z.string().max(20000),
    test_framework: z.string().max(200),
    test_patterns: z.array(z.string().max(1000)).max(50),
  })
  .partial();
export type CodebaseContext = z.infer<typeof CodebaseContextSchema>;
