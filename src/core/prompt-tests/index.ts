// Prompt tests (PRODUCT issue 15, part 2): test cases, rendering, assertion checks, judge helpers,
// test-file formats and the run summary. Pure: no I/O.
export * from "./assertions.js";
export * from "./files.js";
export * from "./judge.js";
export * from "./render.js";
export * from "./safe-regex.js";
export * from "./schema.js";
export * from "./summary.js";
