// Use case: stop a running optimization. Works across processes: the record is marked cancelled
// in the shared database, and a late completion can never overwrite that status.
import { AppError } from "../core/errors.js";
import type { OptimizationRecord } from "../core/records.js";
import type { UseCaseDeps } from "./context.js";

export async function cancelOptimization(deps: UseCaseDeps, id: string): Promise<OptimizationRecord> {
  const record = await deps.store.optimizations.get(id);
  if (!record) throw new AppError("not_found", `Optimization ${id} does not exist.`);
  if (record.status !== "running" && record.status !== "pending") {
    throw new AppError("not_running", `Optimization ${id} is not running (status: ${record.status}).`);
  }
  const { applied, record: current } = await deps.store.optimizations.update(id, { status: "cancelled" });
  deps.runs.abort(id);
  if (applied) return current;
  if (current.status !== "cancelled") {
    throw new AppError("not_running", `Optimization ${id} finished before it could be cancelled.`);
  }
  return current;
}
