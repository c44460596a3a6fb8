// The pairwise judge: a model sees two outputs for the same input and says which is better as
// `{reason, score, pass}`. Each pair is judged twice, in a seeded random order and then swapped,
// so a judge that prefers whatever comes first cancels out. `pass` is recomputed from the score.
import { z } from "zod";

export const JudgeReplySchema = z.object({
  reason: z.string().max(4_000),
  /** 0 = Response A is clearly better, 0.5 = equal, 1 = Response B is clearly better. */
  score: z.number().min(0).max(1),
  pass: z.boolean().optional(),
});
export type JudgeReply = z.infer<typeof JudgeReplySchema>;

/** Which version the judge saw as "Response A". */
export type JudgeOrder = "ab" | "ba";

/** Small fast PRNG (mulberry32): the same seed gives the same judge orders on every run and resume. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The order of the first judgment of each pair (the second is always the swap), from the run's seed. */
export function judgeOrders(seed: number, pairs: number): JudgeOrder[] {
  const random = seededRandom(seed);
  return Array.from({ length: pairs }, () => (random() < 0.5 ? "ab" : "ba"));
}

export interface JudgeMessagesInput {
  /** The rendered task both outputs answer (the original prompt's rendering). */
  task: string;
  first: string;
  second: string;
  /** Optional rubric from the user ("prefer concise answers"). */
  rubric?: string;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}\n[…truncated]` : s);

export function judgeMessages(input: JudgeMessagesInput): { system: string; user: string } {
  const system =
    "You are an impartial judge comparing two responses to the same task. Judge which response better " +
    "follows the task's instructions and answers it correctly and helpfully. Ignore the order in which the " +
    "responses are shown and their length unless the task asks for a length. Reply with only a JSON object: " +
    '{"reason": string (one or two sentences), "score": number from 0 to 1 (0 = Response A is clearly better, ' +
    '0.5 = equally good, 1 = Response B is clearly better), "pass": boolean (true when Response B is better)}.';
  const user = [
    "<task>",
    clip(input.task, 30_000),
    "</task>",
    ...(input.rubric ? ["<rubric>", clip(input.rubric, 2_000), "</rubric>"] : []),
    "<response_a>",
    clip(input.first, 30_000),
    "</response_a>",
    "<response_b>",
    clip(input.second, 30_000),
    "</response_b>",
  ].join("\n");
  return { system, user };
}

/** `pass` from the score (never the judge's own flag): B is better when its score is above 0.5. */
export function judgePass(score: number): boolean {
  return score > 0.5;
}

/** The score from the candidate's (version B, "optimized") point of view: 1 = B clearly better. */
export function candidateScore(score: number, order: JudgeOrder): number {
  return order === "ab" ? score : 1 - score;
}

export type PairOutcome = "win" | "loss" | "tie";

/** Outcome of one pair for the candidate from its judgments (both orders, or one if the other failed). */
export function pairOutcome(candidateScores: readonly number[]): PairOutcome | null {
  if (candidateScores.length === 0) return null;
  const mean = candidateScores.reduce((s, x) => s + x, 0) / candidateScores.length;
  if (Math.abs(mean - 0.5) < 1e-9) return "tie";
  return mean > 0.5 ? "win" : "loss";
}
