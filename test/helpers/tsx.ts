// The `--import` argument that runs TypeScript in a spawned Node: tsx's loader by absolute URL.
// A bare `--import tsx` resolves from the child's working directory, so a child started in a
// temporary directory (its own data directory, "outside the checkout") would not find it.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

export const TSX_IMPORT = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
