// History tools: read, search, tag and delete stored optimizations (the same use cases as /api/history).
import { z } from "zod";
import type { OptimizationRecord } from "../../core/records.js";
import type { Page } from "../../store/optimization-list.js";
import { TagRequestSchema } from "../../usecases/history.js";
import { BulkDeleteSchema, HistoryQuerySchema } from "../../usecases/schemas.js";
import {
  BulkDeleteOutput,
  DeleteOutput,
  RecordOutput,
  RecordPageOutput,
  StatsOutput,
  summarizeRecord,
} from "../output-schemas.js";
import { defineTool, READ_ONLY, type ToolDeps } from "../tool-kit.js";

const Id = z.string().trim().min(1).max(100).describe("Optimization id (UUID).");

const ListInput = HistoryQuerySchema.extend({
  search: HistoryQuerySchema.shape.search.describe("Full-text search over prompts, titles, tags and project names."),
});
const ByProjectInput = HistoryQuerySchema.omit({ project_id: true }).extend({
  project_id: z.string().trim().min(1).max(100).describe("Project id (see list_projects)."),
});
const SearchInput = HistoryQuerySchema.extend({
  query: z.string().trim().min(1).max(500).describe("Words to find in prompts, titles, tags and project names."),
}).omit({ search: true });

function pageOutcome(page: Page<OptimizationRecord>, what: string) {
  const items = page.items.map(summarizeRecord);
  const has_more = page.page * page.per_page < page.total;
  return {
    value: { items, total: page.total, page: page.page, per_page: page.per_page, has_more },
    summary: `${page.total} ${what}; showing ${items.length} on page ${page.page}${has_more ? " (more pages)" : ""}.`,
  };
}

export function registerHistoryTools(deps: ToolDeps): void {
  const { app } = deps;
  defineTool(deps, {
    name: "get",
    title: "Get an optimization",
    description:
      "Fetch one stored optimization by id: raw and optimized prompt, analysis, strategy, scores, warnings, status.",
    input: z.object({ id: Id }),
    output: RecordOutput,
    annotations: READ_ONLY,
    async run({ id }) {
      const record = await app.history.get(id);
      const overall = record.validation ? `, overall ${record.validation.overall}` : "";
      return { value: record, summary: `Optimization ${record.id}: ${record.status}${overall}.` };
    },
  });

  defineTool(deps, {
    name: "list",
    title: "List optimizations",
    description:
      "List stored optimizations, newest first, as compact summaries (id, title, preview, status, strategy, overall). " +
      "Filter by project_id, task_type, status, strategy, tag, min_score or retry_of (the retries of a record); sort by created_at, overall_score or title. " +
      "Paginated: page, per_page ≤ 100.",
    input: ListInput,
    output: RecordPageOutput,
    annotations: READ_ONLY,
    async run(args) {
      return pageOutcome(await app.history.list(args), "optimization(s)");
    },
  });

  defineTool(deps, {
    name: "get_by_project",
    title: "List a project's optimizations",
    description: "List the optimizations that belong to one project (same filters and paging as list).",
    input: ByProjectInput,
    output: RecordPageOutput,
    annotations: READ_ONLY,
    async run(args) {
      await app.projects.get(args.project_id); // not_found for an unknown project rather than an empty list
      return pageOutcome(await app.history.list(args), "optimization(s) in the project");
    },
  });

  defineTool(deps, {
    name: "search",
    title: "Search optimizations",
    description:
      "Full-text search of history (raw and optimized prompts, titles, tags, project names), best matches first. " +
      "Accepts the same filters as list.",
    input: SearchInput,
    output: RecordPageOutput,
    annotations: READ_ONLY,
    async run({ query, ...filters }) {
      return pageOutcome(
        await app.history.list({ ...filters, search: query }),
        `match(es) for "${query.slice(0, 40)}"`,
      );
    },
  });

  defineTool(deps, {
    name: "tag",
    title: "Tag an optimization",
    description:
      "Add and/or remove tags (case-insensitive, up to 20 each) on a stored optimization. Returns the record.",
    input: TagRequestSchema.extend({ id: Id }),
    output: RecordOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run({ id, ...body }) {
      const record = await app.history.tag(id, body);
      return { value: record, summary: `Optimization ${record.id} tags: ${record.tags.join(", ") || "(none)"}.` };
    },
  });

  defineTool(deps, {
    name: "stats",
    title: "History statistics",
    description:
      "Totals and averages over all optimizations: counts by status, average overall score and improvement, " +
      "per-strategy and per-task-type breakdowns, score distribution.",
    input: z.object({}),
    output: StatsOutput,
    annotations: READ_ONLY,
    async run() {
      const stats = await app.history.stats();
      return {
        value: stats,
        summary: `${stats.total} optimization(s); average overall ${stats.avg_overall ?? "n/a"}, average improvement ${stats.avg_improvement ?? "n/a"}.`,
      };
    },
  });

  defineTool(deps, {
    name: "delete",
    title: "Delete an optimization",
    description: "Permanently delete one stored optimization by id. This cannot be undone.",
    input: z.object({ id: Id }),
    output: DeleteOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async run({ id }) {
      await app.history.delete(id);
      return { value: { id, deleted: true }, summary: `Deleted optimization ${id}.` };
    },
  });

  defineTool(deps, {
    name: "bulk_delete",
    title: "Delete several optimizations",
    description: "Permanently delete 1–100 stored optimizations by id; unknown ids are ignored. This cannot be undone.",
    input: BulkDeleteSchema,
    output: BulkDeleteOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async run({ ids }) {
      const { deleted } = await app.history.bulkDelete({ ids });
      return {
        value: { requested: ids.length, deleted },
        summary: `Deleted ${deleted} of ${ids.length} optimization(s).`,
      };
    },
  });
}
