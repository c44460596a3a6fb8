// Loads the prompt-injection classifier's weights lazily (their own chunk, after the first paint) and installs
// them in the browser's detector, so the live lint then flags what the server flags. Until then the lint uses the
// pattern signals alone.
import { setInjectionModel } from "$core/safety/injection.js";
import { decodeModel, type InjectionWeightsFile } from "$core/safety/model.js";

export const injectionModel = $state({ ready: false, failed: false });

let started = false;

export function loadInjectionModel(): void {
  if (started) return;
  started = true;
  import("$core/safety/weights/injection-weights.json")
    .then((mod) => {
      setInjectionModel(decodeModel(mod.default as unknown as InjectionWeightsFile));
      injectionModel.ready = true;
    })
    .catch(() => {
      injectionModel.failed = true;
    });
}
