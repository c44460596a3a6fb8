// An engine that behaves like the wrapped one but takes `delayMs` per stage and honours the
// abort signal, so tests can catch a run in flight (cancel, disconnect, shutdown).
import type { App } from "../../src/app.js";
import type { PipelineEngine, StageContext } from "../../src/core/pipeline/engine.js";

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abortError = () => Object.assign(new Error("aborted"), { name: "AbortError" });
    if (signal.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export function slowEngine(inner: PipelineEngine, delayMs: number): PipelineEngine {
  const slow =
    <A extends unknown[], R>(fn: (...args: [...A, StageContext]) => Promise<R>) =>
    async (...args: [...A, StageContext]): Promise<R> => {
      const ctx = args[args.length - 1] as StageContext;
      await wait(delayMs, ctx.signal);
      return fn(...args);
    };
  return {
    name: inner.name,
    provider: inner.provider,
    model: inner.model,
    analyze: slow(inner.analyze.bind(inner)),
    selectStrategy: slow(inner.selectStrategy.bind(inner)),
    optimize: slow(inner.optimize.bind(inner)),
    validate: slow(inner.validate.bind(inner)),
  };
}

/** Makes every run of this app use a slow version of the engine it would have used. */
export function installSlowEngine(app: App, delayMs: number): void {
  const registry = app.deps.providers;
  app.deps.providers = {
    ...registry,
    resolve: async (request) => slowEngine(await registry.resolve(request), delayMs),
  };
}
