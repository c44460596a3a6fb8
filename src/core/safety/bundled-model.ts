/**
 * The shipped classifier weights, decoded once at load. The web UI's build replaces this module with a stub and
 * loads the weights lazily (web/src/lib/injection-model.ts), so they stay out of the first load.
 */

import { decodeModel, type InjectionModel, type InjectionWeightsFile } from "./model.js";
import weights from "./weights/injection-weights.json" with { type: "json" };

export const bundledModel: InjectionModel | null = decodeModel(weights as unknown as InjectionWeightsFile);
