// Use case: the test cases of a project prompt — list, add, edit, delete, import and export
// (JSONL or promptfoo-style YAML). Cases record the prompt version they were written for.
import { AppError } from "../core/errors.js";
import { checkAssertions } from "../core/prompt-tests/assertions.js";
import type { TestFileFormat } from "../core/prompt-tests/files.js";
import { MAX_CASES, type TestCase, TestCaseSchema } from "../core/prompt-tests/schema.js";
import type { Store } from "../store/index.js";
import type { PromptTestRepository, StoredTestCase } from "../store/prompt-tests.js";
import { TestCaseBatchSchema, TestCaseImportSchema } from "./prompt-tests-schemas.js";
import { parseInput } from "./validate.js";

/** The test-file reader/writer pulls in `yaml` (~0.1 s of CPU): loaded on first import/export, not at start-up. */
const testFiles = () => import("../core/prompt-tests/files.js");

export interface TestCaseDeps {
  store: Store;
  tests: PromptTestRepository;
}

/** The API shape: `description` omitted rather than null (it is optional in the case schema). */
export interface PublicTestCase extends Omit<StoredTestCase, "description" | "assert"> {
  description?: string;
  assert: TestCase["assert"];
}

function toPublic(c: StoredTestCase): PublicTestCase {
  const { description, assert, ...rest } = c;
  return { ...rest, ...(description ? { description } : {}), assert: assert as TestCase["assert"] };
}

const toInput = (c: TestCase) => ({ description: c.description ?? null, vars: c.vars, assert: c.assert });

export function createTestCaseService(deps: TestCaseDeps) {
  async function livePrompt(projectId: string, promptId: string, write: boolean) {
    const prompt = await deps.store.prompts.get(promptId);
    if (!prompt || prompt.project_id !== projectId) {
      throw new AppError("not_found", `Prompt ${promptId} does not exist in project ${projectId}.`);
    }
    if (write) await deps.store.projects.requireWritable(prompt.project_id);
    return prompt;
  }

  async function caseOf(promptId: string, caseId: string): Promise<StoredTestCase> {
    const found = await deps.tests.getCase(caseId);
    if (!found || found.prompt_id !== promptId) throw new AppError("not_found", `Test case ${caseId} does not exist.`);
    return found;
  }

  async function ensureRoom(promptId: string, adding: number, replacing = false) {
    const existing = replacing ? 0 : (await deps.tests.listCases(promptId)).length;
    if (existing + adding > MAX_CASES) {
      throw new AppError("validation_error", `A prompt holds at most ${MAX_CASES} test cases (it has ${existing}).`);
    }
  }

  return {
    async list(projectId: string, promptId: string): Promise<PublicTestCase[]> {
      await livePrompt(projectId, promptId, false);
      return (await deps.tests.listCases(promptId)).map(toPublic);
    },

    async add(projectId: string, promptId: string, raw: unknown): Promise<PublicTestCase[]> {
      const { cases } = parseInput(TestCaseBatchSchema, raw);
      for (const c of cases) checkAssertions(c.assert);
      const prompt = await livePrompt(projectId, promptId, true);
      await ensureRoom(promptId, cases.length);
      return (await deps.tests.addCases(promptId, prompt.version, cases.map(toInput))).map(toPublic);
    },

    async update(projectId: string, promptId: string, caseId: string, raw: unknown): Promise<PublicTestCase> {
      const input = parseInput(TestCaseSchema, raw);
      checkAssertions(input.assert);
      const prompt = await livePrompt(projectId, promptId, true);
      await caseOf(promptId, caseId);
      return toPublic(await deps.tests.updateCase(caseId, prompt.version, toInput(input)));
    },

    async remove(projectId: string, promptId: string, caseId: string): Promise<void> {
      await livePrompt(projectId, promptId, true);
      await caseOf(promptId, caseId);
      await deps.tests.deleteCase(caseId);
    },

    async import(projectId: string, promptId: string, raw: unknown): Promise<PublicTestCase[]> {
      const input = parseInput(TestCaseImportSchema, raw);
      const cases = (await testFiles()).parseTestFile(input.content, input.format);
      for (const c of cases) checkAssertions(c.assert);
      const prompt = await livePrompt(projectId, promptId, true);
      await ensureRoom(promptId, cases.length, input.replace);
      if (input.replace) for (const c of await deps.tests.listCases(promptId)) await deps.tests.deleteCase(c.id);
      return (await deps.tests.addCases(promptId, prompt.version, cases.map(toInput))).map(toPublic);
    },

    async export(projectId: string, promptId: string, format: TestFileFormat): Promise<string> {
      await livePrompt(projectId, promptId, false);
      const cases = await deps.tests.listCases(promptId);
      const { serialiseTestFile } = await testFiles();
      return serialiseTestFile(
        cases.map((c) => ({
          ...(c.description ? { description: c.description } : {}),
          vars: c.vars,
          assert: c.assert as TestCase["assert"],
        })),
        format,
      );
    },
  };
}

export type TestCaseService = ReturnType<typeof createTestCaseService>;
