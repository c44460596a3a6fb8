// The output verifier (src/core/verify), loaded on first use instead of at start-up. Its language
// check pulls in tinyld, whose top-level code builds n-gram tables (~0.3 s of CPU on Node 20), and
// the checks themselves are ~70 ms more: a `serve` that never verifies should not pay for them before
// it answers /api/health (issue 12: restart after kill -9 < 2 s). The verifier's API stays synchronous
// and unchanged; only the use cases that verify (POST /api/verify, MCP verify_output, CLI verify,
// prompt-test runs) await this once. `test/startup/lazy-modules.test.ts` checks that start-up does
// not load it.
type Verifier = typeof import("../core/verify/index.js");

let loading: Promise<Verifier> | undefined;

export function loadVerifier(): Promise<Verifier> {
  loading ??= import("../core/verify/index.js").catch((error: unknown) => {
    loading = undefined; // a failed load is not remembered: the next call tries again
    throw error;
  });
  return loading;
}
