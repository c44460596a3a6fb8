// Imported first by main.ts: the core's schemas come along with the analyzer, and zod's JIT probes
// `new Function`, which the server's CSP (no 'unsafe-eval') reports as a violation. Interpreted
// validation is plenty in the browser. It must run before any module that builds or uses a schema.
import { config } from "zod";

config({ jitless: true });
