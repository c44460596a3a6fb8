// Copy text to the clipboard, saying what was copied; failures are reported, never swallowed.
import { reportError } from "./errors";
import { toasts } from "./toasts.svelte";

export async function copyText(text: string, what: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    toasts.push({ kind: "success", message: `Copied ${what}.` }, 3000);
    return true;
  } catch (error) {
    reportError(error, `Could not copy ${what}`);
    return false;
  }
}
