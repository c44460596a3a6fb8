// Shapes the Review view reads, taken from the generated API types (so they follow the spec).
import type { paths } from "../../api/client";

export type OptimizationRecord = paths["/api/optimize/{id}"]["get"]["responses"][200]["content"]["application/json"];
export type StrategyInfo = paths["/api/strategies"]["get"]["responses"][200]["content"]["application/json"][number];
export type StrategyName = StrategyInfo["name"];
export type Validation = NonNullable<OptimizationRecord["validation"]>;
export type Analysis = NonNullable<OptimizationRecord["analysis"]>;

export const DIMENSIONS = ["clarity", "specificity", "structure", "faithfulness", "conciseness"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_LABELS: Record<Dimension, string> = {
  clarity: "Clarity",
  specificity: "Specificity",
  structure: "Structure",
  faithfulness: "Faithfulness",
  conciseness: "Conciseness",
};

export const STAGE_LABELS = {
  analyze: "Analyze",
  strategy: "Strategy",
  optimize: "Rewrite",
  validate: "Score",
} as const;
