// Prompt tests: start or resume a run (Server-Sent Events), estimate its calls, read, list and cancel
// runs, rejoin a live run's events, and the test cases of a project prompt (CRUD, import, export).
// Each provider call of a run counts against the client's optimize-family rate limit.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import type { CallGate, TestRunEvent } from "../../usecases/prompt-tests.js";
import {
  StoredTestCaseSchema,
  TestCaseBatchSchema,
  TestCaseExportQuerySchema,
  TestCaseImportSchema,
  TestCaseSchema,
  TestEstimateSchema,
  TestRunListItemSchema,
  TestRunOptionsSchema,
  TestRunRequestSchema,
  TestRunSchema,
} from "../../usecases/prompt-tests-schemas.js";
import { apiKeyFrom, withEngineChoice } from "../engine-choice.js";
import type { HttpDeps } from "../http-deps.js";
import { errorResponses, IdParams, IdSchema, jsonResponse, ProjectPromptParams, sseResponse } from "../openapi.js";
import { defineRoute } from "../route.js";
import type { SecurityContext } from "../security.js";
import { SseStream } from "../sse.js";

const tags = ["tests"];
const CaseParams = ProjectPromptParams.extend({ cid: IdSchema });
const RunListQuery = z.object({
  prompt_id: IdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const RunListSchema = z.object({ items: z.array(TestRunListItemSchema) }).meta({ id: "TestRunList" });
const CaseListSchema = z.object({ items: z.array(StoredTestCaseSchema) }).meta({ id: "TestCaseList" });
const ExportSchema = z
  .object({ format: z.enum(["jsonl", "yaml"]), content: z.string(), cases: z.number().int() })
  .meta({ id: "TestCaseExport" });
const EventsHeaders = z.object({ "last-event-id": z.string().max(20).optional() });

const SSE_DESCRIPTION =
  "Events: `start` {run_id, resumed, estimated_calls, outputs_total, judgments_total}; one `output` per finished " +
  "output {run_id, done, total, output}; one `judgment` per judgment {run_id, done, total, judgment}; `waiting` " +
  "{message, retry_after_ms} while the optimize-family rate limit holds calls back; then `complete` (the TestRun) " +
  "or `error` {run_id, code, message}. Closing the connection cancels the run; resume it with `{resume: id}`.";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });

/** Every provider call waits for a slot of the client's optimize-family limit. */
function callGate(c: Context, security: Pick<SecurityContext, "hitOptimizeLimit">): CallGate {
  return async (signal, onWait) => {
    for (;;) {
      const result = await security.hitOptimizeLimit(c);
      if (result.allowed) return;
      onWait(result.retryAfterMs);
      await sleep(Math.max(50, result.retryAfterMs), signal);
    }
  };
}

export function registerTestRoutes(
  http: OpenAPIHono,
  deps: HttpDeps,
  security: Pick<SecurityContext, "hitOptimizeLimit">,
): void {
  const { app } = deps;

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/tests/run",
      operationId: "runPromptTest",
      tags,
      summary: "Run (or resume) a prompt test: original against optimized on the same cases (Server-Sent Events)",
      description: SSE_DESCRIPTION,
      body: { schema: TestRunRequestSchema },
      responses: { ...sseResponse(), ...errorResponses(404, 409) },
    },
    async (c, { body }) => {
      const controller = new AbortController();
      const requestSignal = c.req.raw.signal;
      if (requestSignal.aborted) controller.abort("cancelled");
      else requestSignal.addEventListener("abort", () => controller.abort("cancelled"), { once: true });
      const stream = new SseStream({
        heartbeatMs: deps.heartbeatMs,
        registry: deps.streams,
        onCancel: () => controller.abort("cancelled"),
        onShutdown: () => controller.abort("shutdown"),
      });
      let created: ((id: string) => void) | undefined;
      const createdId = new Promise<string>((resolve) => {
        created = resolve;
      });
      const send = (event: TestRunEvent) => stream.send(event.type, event.data);
      const run = app.promptTests.run(withEngineChoice(c, body), {
        signal: controller.signal,
        emit: send,
        apiKey: apiKeyFrom(c),
        acquireCall: callGate(c, security),
        onCreated: (r) => {
          created?.(r.id);
          // Let the response head reach the client before the first call.
          return new Promise<void>((resolve) => setImmediate(resolve));
        },
      });
      let started = false;
      run.then(
        () => stream.close(),
        (error: unknown) => {
          if (started) {
            app.logger.error({ err: error }, "prompt test stream failed");
            stream.send("error", { code: "internal_error", message: "The run failed; details are in the server log." });
          }
          stream.close();
        },
      );
      try {
        const id = await Promise.race([createdId, run.then((r) => r.id)]);
        started = true;
        return stream.response({ "X-Test-Run-Id": id });
      } catch (error) {
        stream.close();
        throw error;
      }
    },
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/tests/estimate",
      operationId: "estimatePromptTest",
      tags,
      summary: "How many provider calls a run would make, and whether it is within the call cap",
      body: { schema: TestRunOptionsSchema },
      responses: { ...jsonResponse(TestEstimateSchema, "The estimate"), ...errorResponses(404) },
    },
    async (c, { body }) => c.json(await app.promptTests.estimate(body)),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/tests/runs",
      operationId: "listPromptTestRuns",
      tags,
      summary: "Recent prompt-test runs, newest first",
      query: RunListQuery,
      responses: jsonResponse(RunListSchema, "Runs"),
    },
    async (c, { query }) => c.json({ items: await app.promptTests.list(query) }),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/tests/runs/{id}",
      operationId: "getPromptTestRun",
      tags,
      summary: "One prompt-test run with every output, judgment and its summary",
      params: IdParams,
      responses: { ...jsonResponse(TestRunSchema, "The run"), ...errorResponses(404) },
    },
    async (c, { params }) => c.json(await app.promptTests.get(params.id)),
  );

  defineRoute(
    http,
    {
      method: "post",
      path: "/api/tests/runs/{id}/cancel",
      operationId: "cancelPromptTestRun",
      tags,
      summary: "Cancel a running prompt test (it can be resumed)",
      params: IdParams,
      responses: { ...jsonResponse(TestRunSchema, "The cancelled run"), ...errorResponses(404, 409) },
    },
    async (c, { params }) => c.json(await app.promptTests.cancel(params.id)),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: "/api/tests/runs/{id}/events",
      operationId: "followPromptTestRun",
      tags,
      summary: "Follow a running prompt test's events (Server-Sent Events; `Last-Event-ID` resumes the feed)",
      description:
        "The same events as `POST /api/tests/run`, replayed after `Last-Event-ID`. A run that is not running here " +
        "gets one `complete` event with its record. Closing this feed does not cancel the run.",
      params: IdParams,
      headers: EventsHeaders,
      responses: { ...sseResponse(), ...errorResponses(404) },
    },
    async (_c, { params, headers }) => {
      const record = await app.promptTests.get(params.id);
      const stream = new SseStream({ heartbeatMs: deps.heartbeatMs, registry: deps.streams });
      const after = headers["last-event-id"] ? Number(headers["last-event-id"]) : undefined;
      const unsubscribe = app.promptTests.subscribe(
        params.id,
        (_id, event) => {
          stream.send(event.type, event.data);
          if (event.type === "complete" || event.type === "error") stream.close();
        },
        Number.isFinite(after) ? after : undefined,
      );
      if (unsubscribe === null) {
        stream.send("complete", record);
        stream.close();
      } else {
        void stream.done.then(unsubscribe);
      }
      return stream.response();
    },
  );

  // --- test cases of a project prompt -------------------------------------------------------------
  const casesPath = "/api/projects/{id}/prompts/{pid}/tests";

  defineRoute(
    http,
    {
      method: "get",
      path: casesPath,
      operationId: "listTestCases",
      tags,
      summary: "The test cases of a project prompt, in order",
      params: ProjectPromptParams,
      responses: { ...jsonResponse(CaseListSchema, "Cases"), ...errorResponses(404) },
    },
    async (c, { params }) => c.json({ items: await app.testCases.list(params.id, params.pid) }),
  );

  defineRoute(
    http,
    {
      method: "post",
      path: casesPath,
      operationId: "addTestCases",
      tags,
      summary: "Append test cases to a project prompt",
      params: ProjectPromptParams,
      body: { schema: TestCaseBatchSchema },
      responses: { ...jsonResponse(CaseListSchema, "The added cases", 201), ...errorResponses(404, 409) },
    },
    async (c, { params, body }) => c.json({ items: await app.testCases.add(params.id, params.pid, body) }, 201),
  );

  defineRoute(
    http,
    {
      method: "post",
      path: `${casesPath}/import`,
      operationId: "importTestCases",
      tags,
      summary: "Import test cases from JSONL or a promptfoo-style YAML `tests:` list",
      params: ProjectPromptParams,
      body: { schema: TestCaseImportSchema },
      responses: { ...jsonResponse(CaseListSchema, "The imported cases", 201), ...errorResponses(404, 409) },
    },
    async (c, { params, body }) => c.json({ items: await app.testCases.import(params.id, params.pid, body) }, 201),
  );

  defineRoute(
    http,
    {
      method: "get",
      path: `${casesPath}/export`,
      operationId: "exportTestCases",
      tags,
      summary: "Export a prompt's test cases as JSONL or promptfoo-style YAML",
      params: ProjectPromptParams,
      query: TestCaseExportQuerySchema,
      responses: { ...jsonResponse(ExportSchema, "The file content"), ...errorResponses(404) },
    },
    async (c, { params, query }) => {
      const content = await app.testCases.export(params.id, params.pid, query.format);
      const cases = (await app.testCases.list(params.id, params.pid)).length;
      return c.json({ format: query.format, content, cases });
    },
  );

  defineRoute(
    http,
    {
      method: "put",
      path: `${casesPath}/{cid}`,
      operationId: "updateTestCase",
      tags,
      summary: "Replace one test case",
      params: CaseParams,
      body: { schema: TestCaseSchema },
      responses: { ...jsonResponse(StoredTestCaseSchema, "The updated case"), ...errorResponses(404, 409) },
    },
    async (c, { params, body }) => c.json(await app.testCases.update(params.id, params.pid, params.cid, body)),
  );

  defineRoute(
    http,
    {
      method: "delete",
      path: `${casesPath}/{cid}`,
      operationId: "deleteTestCase",
      tags,
      summary: "Delete one test case",
      params: CaseParams,
      responses: { "204": { description: "Deleted" }, ...errorResponses(404, 409) },
    },
    async (c, { params }) => {
      await app.testCases.remove(params.id, params.pid, params.cid);
      return c.body(null, 204);
    },
  );
}
