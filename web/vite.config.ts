// The web UI: a Svelte 5 SPA built into dist/web and served by the API server at `/`.
// `$core` points at src/core so the live lint runs the very analyzer the server runs.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  plugins: [svelte({ compilerOptions: { runes: true } })],
  resolve: {
    alias: [
      { find: "$core", replacement: path.resolve(here, "../src/core") },
      // The injection classifier's weights load lazily in the browser (src/lib/injection-model.svelte.ts).
      { find: /^\.\/bundled-model\.js$/, replacement: path.resolve(here, "src/lib/injection-model-stub.ts") },
    ],
  },
  build: {
    outDir: process.env.WEB_OUT_DIR ? path.resolve(process.env.WEB_OUT_DIR) : path.resolve(here, "../dist/web"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8000", "/openapi.json": "http://127.0.0.1:8000" } },
});
