// History tools: read, search, tag and delete stored optimizations (the same use cases as /api/history).
import { z } from "zod";
import type { OptimizationRecord } from "../../core/records.js";
import type { Page } from "../../store/optimization-list.js";
import { TagRequestSchema } from "../../usecases/history.js";
import { BulkDeleteSchema, HistoryQuerySchema } from "../../usecases/schemas.js";
import { CAP_NOTE, compactRecord, DetailSchema, RecordResultOutput, recordReadMore } from "../compact.js";
import { BulkDeleteOutput, DeleteOutput, RecordPageOutput, StatsOutput, summarizeRecord } from "../output-schemas.js";
import { defineTool, READ_ONLY, type ToolDeps } from "../tool-kit.js";
import { OptimizationId, ProjectId, Strategy } from "./params.js";

const H = HistoryQuerySchema.shape;

const Paging = {
  page: H.page.describe("Page number, from 1."),
  per_page: H.per_page.describe("Items per page, 1–100 (default 20)."),
};

/** The filters list and search share (defined once). */
const Filters = {
  ...Paging,
  project_id: H.project_id.describe("Only this project's records."),
  task_type: H.task_type.describe("Only this analysed task type."),
  status: H.status.describe("Only this status (error: failed runs)."),
  strategy: Strategy.optional().describe("Only records optimized with this strategy."),
  tag: H.tag.describe("Only records with this tag."),
  min_score: H.min_score.describe("Only records scoring at least this overall (0–10)."),
  retry_of: H.retry_of.describe("Only the retries of this optimization id."),
  order: H.order.describe("asc or desc (default desc)."),
};

const ListInput = z.object({
  ...Filters,
  sort: z.enum(["created_at", "overall_score", "title"]).optional().describe("Sort key (default created_at)."),
});
const ByProjectInput = z.object({ project_id: ProjectId, ...Paging });
// Search ranks by relevance: no sort order or retry filter to read.
const { retry_of: _retryOf, order: _order, ...SearchFilters } = Filters;
const SearchInput = z.object({
  query: z.string().trim().min(1).max(500).describe("Words to find in prompts, titles, tags and project names."),
  ...SearchFilters,
});
const GetInput = z.object({ id: OptimizationId, detail: DetailSchema });

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
      "One stored optimization, compact as optimize returns it; detail full adds the record (diagnostics, " +
      `constraints, score breakdown). ${CAP_NOTE} Whole record: promptforge://optimizations/{id}.`,
    input: GetInput,
    output: RecordResultOutput,
    annotations: READ_ONLY,
    readMore: recordReadMore,
    async run({ id, detail }) {
      const record = await app.history.get(id);
      const overall = record.validation ? `, overall ${record.validation.overall}` : "";
      return {
        value: compactRecord(record, detail),
        summary: `Optimization ${record.id}: ${record.status}${overall}.`,
      };
    },
  });

  defineTool(deps, {
    name: "list",
    title: "List optimizations",
    description:
      "Browse history by filters, newest first (search finds words; get fetches one). One line per record: id, " +
      "title, preview, status, strategy, overall. Paged.",
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
    description:
      "One project's optimizations, newest first, paged; not_found for an unknown project (list with " +
      "project_id filters further). Lines as in list.",
    input: ByProjectInput,
    output: RecordPageOutput,
    annotations: READ_ONLY,
    async run(args) {
      await app.projects.get(args.project_id); // not_found for an unknown project rather than an empty list
      return pageOutcome(await app.history.list({ ...args, sort: "created_at" }), "optimization(s) in the project");
    },
  });

  defineTool(deps, {
    name: "search",
    title: "Search optimizations",
    description:
      "Find optimizations by words in prompts, titles, tags and project names, best match first, with list's " +
      "filters. Lines as in list; get fetches one.",
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
    description: `Add and/or remove tags (up to 20 each) on an optimization. Returns the compact record. ${CAP_NOTE}`,
    input: z.object({
      id: OptimizationId,
      add: TagRequestSchema.shape.add.describe("Tags to add."),
      remove: TagRequestSchema.shape.remove.describe("Tags to remove."),
      detail: DetailSchema,
    }),
    output: RecordResultOutput,
    readMore: recordReadMore,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run({ id, detail, ...body }) {
      const record = await app.history.tag(id, body);
      return {
        value: compactRecord(record, detail),
        summary: `Optimization ${record.id} tags: ${record.tags.join(", ") || "(none)"}.`,
      };
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
    input: z.object({ id: OptimizationId.describe("Id of the optimization to delete.") }),
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
    input: z.object({ ids: BulkDeleteSchema.shape.ids.describe("1–100 optimization ids to delete.") }),
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
