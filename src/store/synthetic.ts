// Deterministic synthetic history for benchmarks and load tests: realistic, varied prompts so the
// full-text index does real work. Inserts in large transactions, then builds the index once.

import { CompiledQuery, type Kysely } from "kysely";
import { computeOverall, type ScoreSet, STRATEGY_NAMES, TASK_TYPES } from "../core/pipeline/schemas.js";
import type { OptimizationRecord } from "../core/records.js";
import type { Database } from "./database.js";
import { type OptimizationInsert, recordToRow } from "./optimization-rows.js";
import type { Store } from "./store.js";

const VERBS = [
  "Write",
  "Summarize",
  "Explain",
  "Refactor",
  "Translate",
  "Classify",
  "Extract",
  "Review",
  "Draft",
  "Analyze",
  "Compare",
  "Generate",
  "Outline",
  "Debug",
  "Optimize",
  "Rewrite",
  "Evaluate",
  "Design",
  "Document",
  "Plan",
];
const SUBJECTS = [
  "a product description",
  "the quarterly sales report",
  "this TypeScript function",
  "a cover letter",
  "the customer support ticket",
  "our onboarding email",
  "the database migration",
  "a short story",
  "the research abstract",
  "this legal contract clause",
  "the marketing landing page",
  "a SQL query",
  "the incident postmortem",
  "a lesson plan",
  "the patient discharge summary",
  "an API reference",
  "the release notes",
  "a job posting",
  "the meeting transcript",
  "a recipe",
  "the pull request",
  "an invoice",
  "the privacy policy",
  "a tweet thread",
  "the unit tests",
];
const TOPICS = [
  "kubernetes",
  "photosynthesis",
  "inflation",
  "machine learning",
  "renewable energy",
  "cryptography",
  "supply chain",
  "mental health",
  "quantum computing",
  "react hooks",
  "climate policy",
  "venture capital",
  "microservices",
  "nutrition",
  "blockchain",
  "vaccines",
  "accessibility",
  "latency",
  "onboarding",
  "pricing",
  "authentication",
  "compliance",
  "recursion",
  "marathon training",
  "jazz history",
  "volcanoes",
  "medieval castles",
  "tax deductions",
  "graph databases",
  "sourdough baking",
  "astronomy",
  "negotiation",
  "python decorators",
  "rust ownership",
  "postgres indexing",
  "web sockets",
  "typography",
  "gardening",
  "chess openings",
  "customer churn",
];
const AUDIENCES = [
  "beginners",
  "senior engineers",
  "executives",
  "high school students",
  "doctors",
  "lawyers",
  "investors",
  "new employees",
  "children",
  "data scientists",
  "product managers",
  "non-native speakers",
];
const CONSTRAINTS = [
  "Keep it under 200 words.",
  "Use bullet points.",
  "Respond in JSON.",
  "Include three examples.",
  "Avoid jargon.",
  "Use a friendly tone.",
  "Cite your sources.",
  "End with a question.",
  "Use markdown headings.",
  "Write in the second person.",
  "Do not mention competitors.",
  "Return a table.",
  "",
];
const TAGS = [
  "marketing",
  "engineering",
  "support",
  "legal",
  "education",
  "research",
  "internal",
  "draft",
  "production",
  "experiment",
  "email",
  "docs",
  "sql",
  "python",
  "typescript",
  "health",
  "finance",
  "creative",
];
const PROJECTS = [
  "Website Redesign",
  "Support Bot",
  "Docs Portal",
  "Sales Enablement",
  "Data Platform",
  "Mobile App",
  "Research Assistant",
  "Legal Review",
  "Onboarding Flow",
  "Analytics Dashboard",
  "Content Studio",
  "Tutor",
];

/** Small deterministic PRNG (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  seed?: number;
  /** Time of the newest record; records are spaced one minute apart going back. Default now. */
  end?: Date;
  batchSize?: number;
}

/** Inserts `n` completed-looking optimizations (and a dozen projects); returns their ids. */
export async function seedSyntheticHistory(store: Store, n: number, options: SyntheticOptions = {}): Promise<string[]> {
  const rnd = random(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const projectIds: string[] = [];
  for (const name of PROJECTS) {
    const existing = await store.projects.getByName(name);
    projectIds.push((existing ?? (await store.projects.create({ name }))).id);
  }
  const end = (options.end ?? new Date()).getTime();
  const batchSize = options.batchSize ?? 100;
  const ids: string[] = [];
  await store.db.transaction().execute(async (trx) => {
    let batch: OptimizationInsert[] = [];
    // Building a 100-row insert node by node dominates the cost, so compile it once and reuse it.
    let compiled: CompiledQuery | null = null;
    const insertRows = async (executor: Kysely<Database>, rows: OptimizationInsert[]) => {
      const columns = Object.keys(rows[0]);
      const parameters = rows.flatMap((row) => columns.map((column) => (row as Record<string, unknown>)[column]));
      if (compiled === null || rows.length !== batchSize) {
        const query = executor.insertInto("optimization").values(rows).compile();
        if (query.parameters.length !== parameters.length) throw new Error("unexpected insert shape");
        if (rows.length === batchSize) compiled = query;
        await executor.executeQuery(query);
        return;
      }
      await executor.executeQuery(CompiledQuery.raw(compiled.sql, parameters));
    };
    for (let i = 0; i < n; i++) {
      const time = new Date(end - (n - i) * 60_000).toISOString();
      const topic = pick(TOPICS);
      const raw = `${pick(VERBS)} ${pick(SUBJECTS)} about ${topic} for ${pick(AUDIENCES)}. ${pick(CONSTRAINTS)} Focus on ${pick(TOPICS)} and ${pick(TOPICS)}.`;
      const statusRoll = rnd();
      const status = statusRoll < 0.9 ? "completed" : statusRoll < 0.96 ? "error" : "cancelled";
      const scores = (): ScoreSet => {
        const s = () => Math.round((3 + rnd() * 7) * 10) / 10;
        return { clarity: s(), specificity: s(), structure: s(), faithfulness: s(), conciseness: s() };
      };
      const original = scores();
      const optimized = scores();
      const overall = computeOverall(optimized);
      const done = status === "completed";
      const strategy = pick(STRATEGY_NAMES);
      const record: OptimizationRecord = {
        id: crypto.randomUUID(),
        status,
        raw_prompt: raw,
        optimized_prompt: done
          ? `# Role\nYou are an expert in ${topic}.\n\n# Task\n${raw}\n\n# Format\nClear sections.`
          : null,
        title: rnd() < 0.7 ? `${pick(VERBS)} ${topic} ${i}` : null,
        tags: [pick(TAGS), pick(TAGS)].filter((t, k, all) => all.indexOf(t) === k),
        project_id: rnd() < 0.6 ? pick(projectIds) : null,
        prompt_id: null,
        version: null,
        error_message: status === "error" ? "provider_error" : null,
        analysis: {
          task_type: pick(TASK_TYPES),
          complexity: pick(["low", "medium", "high"] as const),
          weaknesses: [],
          strengths: [],
          constraints: [],
          placeholders: [],
        },
        strategy: done ? { strategy, secondary_frameworks: [], reasoning: "synthetic", confidence: 0.8 } : null,
        framework_applied: done ? strategy : null,
        changes_made: done ? ["Added a role", "Added an output format"] : [],
        notes: null,
        validation: done
          ? {
              original_scores: original,
              optimized_scores: optimized,
              deltas: {},
              overall,
              is_improvement: overall > computeOverall(original),
              verdict: "synthetic",
              preserved: { constraints: { kept: 1, total: 1 }, placeholders: { kept: 0, total: 0 } },
            }
          : null,
        warnings: [],
        iterations: 1,
        engine: "local",
        provider: "local",
        model: null,
        token_usage: null,
        duration_ms: Math.round(rnd() * 50 * 10) / 10,
        retry_of: null,
        codebase_context: null,
        created_at: time,
        updated_at: time,
      };
      ids.push(record.id);
      batch.push(recordToRow(record));
      if (batch.length === batchSize || i === n - 1) {
        await insertRows(trx, batch);
        batch = [];
      }
    }
    await store.search.rebuild(trx);
  });
  return ids;
}
