// The audit trail in the database (the JSON-lines file sink lives in src/security/audit.ts).
import type { StoreContext } from "./context.js";

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

export class AuditRepository {
  constructor(private readonly ctx: StoreContext) {}

  async append(event: Omit<AuditRecord, "id">): Promise<void> {
    await this.ctx.db
      .insertInto("audit_event")
      .values({ id: this.ctx.newId(), ...event })
      .execute();
  }

  /** Newest first. */
  async list(options: { page?: number; per_page?: number } = {}) {
    const page = Math.max(1, options.page ?? 1);
    const perPage = Math.min(100, Math.max(1, options.per_page ?? 50));
    const items = await this.ctx.db
      .selectFrom("audit_event")
      .selectAll()
      .orderBy("time", "desc")
      .orderBy("id", "desc")
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute();
    const total = await this.ctx.db
      .selectFrom("audit_event")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return { items: items as AuditRecord[], total: Number(total.n), page, per_page: perPage };
  }
}
