// Use cases over projects, their ordered prompts and the prompts' immutable versions.
import { z } from "zod";
import { AppError } from "../core/errors.js";
import type { Project } from "../core/records.js";
import { parseIfMatch } from "../store/versions.js";
import type { UseCaseDeps } from "./context.js";
import {
  ProjectCreateSchema,
  ProjectUpdateSchema,
  PromptCreateSchema,
  PromptReorderSchema,
  PromptUpdateSchema,
} from "./schemas.js";
import { parseInput } from "./validate.js";

export const ProjectListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(["active", "archived", "deleted"]).optional(),
  include_archived: z
    .enum(["true", "false", "1", "0"])
    .transform((v) => v === "true" || v === "1")
    .optional(),
});

export const PromptVersionsQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(1_000_000).optional().describe("Page number (1 = the newest versions)"),
  per_page: z.coerce.number().int().min(1).max(100).optional().describe("Versions per page (default 20)"),
});

export function createProjectService(deps: UseCaseDeps) {
  const projects = () => deps.store.projects;
  const prompts = () => deps.store.prompts;
  const getProject = async (id: string): Promise<Project> => {
    const project = await projects().get(id);
    if (!project) throw new AppError("not_found", `Project ${id} does not exist.`);
    return project;
  };
  const getPrompt = async (projectId: string, promptId: string) => {
    await getProject(projectId);
    const prompt = await prompts().get(promptId);
    if (!prompt || prompt.project_id !== projectId) {
      throw new AppError("not_found", `Prompt ${promptId} does not exist in project ${projectId}.`);
    }
    return prompt;
  };

  return {
    async list(raw: unknown) {
      // REST hands over its query already parsed (include_archived a boolean); MCP and CLI the strings.
      const input = (raw ?? {}) as Record<string, unknown>;
      const query = parseInput(
        ProjectListQuerySchema,
        typeof input.include_archived === "boolean"
          ? { ...input, include_archived: String(input.include_archived) }
          : input,
      );
      return projects().list(query);
    },
    async create(raw: unknown) {
      return projects().create(parseInput(ProjectCreateSchema, raw));
    },
    async get(id: string) {
      const project = await getProject(id);
      return { ...project, prompts: await prompts().list(id) };
    },
    async update(id: string, raw: unknown, options: { ifUnmodifiedSince?: Date; ifMatch?: string } = {}) {
      const patch = parseInput(ProjectUpdateSchema, raw);
      await getProject(id);
      return projects().update(id, patch, {
        ifUnmodifiedSince: options.ifUnmodifiedSince?.toISOString(),
        ifMatch: parseIfMatch(options.ifMatch),
      });
    },
    async archive(id: string) {
      await getProject(id);
      return projects().archive(id);
    },
    async unarchive(id: string) {
      await getProject(id);
      return projects().unarchive(id);
    },
    async delete(id: string, options: { ifMatch?: string } = {}): Promise<void> {
      await getProject(id);
      await projects().softDelete(id, { ifMatch: parseIfMatch(options.ifMatch) });
    },
    async addPrompt(projectId: string, raw: unknown) {
      const input = parseInput(PromptCreateSchema, raw);
      await getProject(projectId);
      return prompts().add(projectId, input);
    },
    async updatePrompt(projectId: string, promptId: string, raw: unknown, options: { ifMatch?: string } = {}) {
      const input = parseInput(PromptUpdateSchema, raw);
      await getPrompt(projectId, promptId);
      if (input.optimization_id && !(await deps.store.optimizations.get(input.optimization_id))) {
        throw new AppError("not_found", `Optimization ${input.optimization_id} does not exist.`);
      }
      return prompts().update(promptId, input, { ifMatch: parseIfMatch(options.ifMatch) });
    },
    async deletePrompt(projectId: string, promptId: string, options: { ifMatch?: string } = {}): Promise<void> {
      await getPrompt(projectId, promptId);
      await prompts().delete(promptId, { ifMatch: parseIfMatch(options.ifMatch) });
    },
    async reorderPrompts(projectId: string, raw: unknown) {
      const { ids } = parseInput(PromptReorderSchema, raw);
      await getProject(projectId);
      return prompts().reorder(projectId, ids);
    },
    /** Superseded versions, newest first, paged (`page`, `per_page` ≤ 100, `total`). */
    async promptVersions(projectId: string, promptId: string, raw: unknown = {}) {
      const query = parseInput(PromptVersionsQuerySchema, raw ?? {});
      await getPrompt(projectId, promptId);
      return prompts().versionsPage(promptId, query);
    },
    async promptForges(projectId: string, promptId: string) {
      await getPrompt(projectId, promptId);
      return deps.store.optimizations.listByPrompt(promptId);
    },
  };
}

export type ProjectService = ReturnType<typeof createProjectService>;
