// The audit trail in the database (the JSON-lines file sink lives in src/security/audit.ts).
import { type ExpressionBuilder, sql } from "kysely";
import type { StoreContext } from "./context.js";
import type { Database } from "./database.js";

export interface AuditRecord {
  id: string;
  time: string;
  method: string;
  path: string;
  status: number;
  client_ip: string | null;
  duration_ms: number;
  request_id: string | null;
}

/** Rows per INSERT of `appendMany` (8 values each: well under SQLite's and PostgreSQL's parameter limits). */
export const AUDIT_INSERT_CHUNK = 200;

export class AuditRepository {
  constructor(private readonly ctx: StoreContext) {}

  async append(event: Omit<AuditRecord, "id">): Promise<void> {
    await this.appendMany([event]);
  }

  /**
   * Many events in order, in one statement per `AUDIT_INSERT_CHUNK` rows (one commit each instead of
   * one per event: the request audit buffer flushes hundreds at a time under load, and a commit per
   * row held the event loop for milliseconds).
   */
  async appendMany(events: readonly Omit<AuditRecord, "id">[]): Promise<void> {
    for (let i = 0; i < events.length; i += AUDIT_INSERT_CHUNK) {
      const rows = events.slice(i, i + AUDIT_INSERT_CHUNK).map((event) => ({ id: this.ctx.newId(), ...event }));
      await this.ctx.db.insertInto("audit_event").values(rows).execute();
    }
  }

  /**
   * Newest first. `status` is one code (`404`) or a class (`4xx`); `path` matches any part of the
   * path, case-insensitively.
   */
  async list(options: AuditListOptions = {}) {
    const page = Math.max(1, options.page ?? 1);
    const perPage = Math.min(100, Math.max(1, options.per_page ?? 50));
    const where = (eb: ExpressionBuilder<Database, "audit_event">) => {
      const conditions = [];
      const status = options.status;
      if (status !== undefined) {
        const cls = /^([1-5])xx$/i.exec(status);
        if (cls) {
          const base = Number(cls[1]) * 100;
          conditions.push(eb.between("status", base, base + 99));
        } else conditions.push(eb("status", "=", Number(status)));
      }
      if (options.path) {
        const pattern = `%${options.path.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
        // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
        conditions.push(sql<boolean>`lower(${eb.ref("path")}) LIKE lower(${pattern}) ESCAPE '\\'`);
      }
      return eb.and(conditions);
    };
    const items = await this.ctx.db
      .selectFrom("audit_event")
      .selectAll()
      .where(where)
      .orderBy("time", "desc")
      .orderBy("id", "desc")
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute();
    const total = await this.ctx.db
      .selectFrom("audit_event")
      .where(where)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return { items: items as AuditRecord[], total: Number(total.n), page, per_page: perPage };
  }
}

export interface AuditListOptions {
  page?: number;
  per_page?: number;
  /** One status (`"404"`) or a class (`"4xx"`). */
  status?: string;
  /** A part of the path (case-insensitive). */
  path?: string;
}
