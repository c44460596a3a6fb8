// The strategy comparison ("tournament"): the record's original prompt run once per picked
// strategy, two at a time, each cancellable; the finished ids go into the route query so the
// comparison can be linked and reloaded.
import { api, unwrap } from "../../api/client";
import { describeError, isAbort } from "../../lib/errors";
import { replaceQuery } from "../../lib/router.svelte";
import { RunSession } from "../../lib/run-session.svelte";
import { type Contender, pickWinner, score } from "./format";
import { DIMENSION_LABELS, type OptimizationRecord, type StrategyName } from "./types";

export const MIN_PICK = 2;
export const MAX_PICK = 4;
const CONCURRENCY = 2;

export interface CompareRow {
  key: string;
  strategy: string;
  /** The record this comparison started from (a reference row, not a new run). */
  baseline: boolean;
  run: RunSession | null;
  /** A record loaded from the route query (earlier runs of this comparison). */
  loaded: OptimizationRecord | null;
}

export interface CompareEntry extends Contender {
  row: CompareRow;
  record: OptimizationRecord | null;
}

export function entryOf(row: CompareRow): CompareEntry {
  const record = row.run?.record ?? row.loaded;
  return { key: row.key, row, record, validation: record?.validation ?? null };
}

/** Why the winner won, in words. */
export function winnerReason(entries: CompareEntry[]): string | null {
  const result = pickWinner(entries);
  if (!result) return null;
  const { winner, tie } = result;
  const v = winner.validation!;
  const others = entries.filter((e) => e !== winner && e.validation);
  if (others.length === 0) return `The only scored result (overall ${score(v.overall)}).`;
  const runnerUp = [...others].sort((a, b) => b.validation!.overall - a.validation!.overall)[0]!;
  if (tie) {
    const f = DIMENSION_LABELS.faithfulness.toLowerCase();
    return (
      `Tied on overall ${score(v.overall)} with ${runnerUp.row.strategy}, and ahead on ${f} ` +
      `(${score(v.optimized_scores.faithfulness)} vs ${score(runnerUp.validation!.optimized_scores.faithfulness)}).`
    );
  }
  return (
    `The highest overall, ${score(v.overall)} (next: ${runnerUp.row.strategy} with ` +
    `${score(runnerUp.validation!.overall)}; ties go to the more faithful rewrite).`
  );
}

export class CompareState {
  #rows = $state.raw<CompareRow[]>([]);
  #running = $state(false);
  #error = $state<{ code: string; message: string } | null>(null);

  get rows(): CompareRow[] {
    return this.#rows;
  }
  get running(): boolean {
    return this.#running;
  }
  get error(): { code: string; message: string } | null {
    return this.#error;
  }

  /** Shows the base record and the comparison runs listed in the route query (`runs=a,b`). */
  async restore(base: OptimizationRecord, ids: string[]): Promise<void> {
    this.#error = null;
    const baseline: CompareRow = this.#baseline(base);
    if (ids.length === 0) {
      this.#rows = [baseline];
      return;
    }
    try {
      const records = await Promise.all(
        ids.map((id) => unwrap(api.GET("/api/optimize/{id}", { params: { path: { id } } }))),
      );
      this.#rows = [
        baseline,
        ...records.map((r) => ({
          key: r.id,
          strategy: r.strategy?.strategy ?? "—",
          baseline: false,
          run: null,
          loaded: r,
        })),
      ];
    } catch (error) {
      if (!isAbort(error)) this.#error = describeError(error);
      this.#rows = [baseline];
    }
  }

  async start(base: OptimizationRecord, strategies: StrategyName[]): Promise<void> {
    this.cancelAll();
    const rows: CompareRow[] = strategies.map((s) => ({
      key: s,
      strategy: s,
      baseline: false,
      run: new RunSession(),
      loaded: null,
    }));
    for (const r of rows) r.run!.queue();
    this.#rows = [this.#baseline(base), ...rows];
    this.#running = true;
    const body = (strategy: string) => ({
      prompt: base.raw_prompt,
      strategy,
      title: base.title ?? undefined,
      tags: base.tags.length ? base.tags : undefined,
      project_id: base.project_id ?? undefined,
      codebase_context: base.codebase_context ?? undefined,
    });
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        if (row.run!.status === "cancelled") continue;
        await row.run!.start(body(row.strategy));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (this.#rows.includes(rows[0]!)) {
      this.#running = false;
      const ids = rows.map((r) => r.run!.record?.id).filter((id): id is string => !!id);
      if (ids.length) replaceQuery({ runs: ids.join(",") });
    }
  }

  cancel(row: CompareRow): void {
    row.run?.cancel();
  }

  cancelAll(): void {
    for (const r of this.#rows) r.run?.cancel();
  }

  #baseline(base: OptimizationRecord): CompareRow {
    return {
      key: `base-${base.id}`,
      strategy: base.strategy?.strategy ?? "—",
      baseline: true,
      run: null,
      loaded: base,
    };
  }
}
