// Stands in for src/core/safety/bundled-model.ts in the web build (see web/vite.config.ts): the classifier's
// weights are not part of the first load; web/src/lib/injection-model.svelte.ts fetches them lazily.
import type { InjectionModel } from "$core/safety/model.js";

export const bundledModel: InjectionModel | null = null;
