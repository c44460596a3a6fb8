// What every repository needs: the database, the search index, and injected time and ids.
import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import type { SearchIndex } from "./search.js";

export type Clock = () => Date;

export interface StoreContext {
  db: Kysely<Database>;
  search: SearchIndex;
  clock: Clock;
  newId: () => string;
  /** This process's instance id: new optimizations record it as their owner. */
  instanceId?: string;
}

/** ISO-8601 UTC text, the one time format stored. */
export function timestamp(ctx: Pick<StoreContext, "clock">): string {
  return ctx.clock().toISOString();
}
