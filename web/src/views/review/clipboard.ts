// Copy to the clipboard with a toast saying what was copied; failures are reported, never swallowed.
import { reportError } from "../../lib/errors";
import { toasts } from "../../lib/toasts.svelte";
import { pythonString, tsString } from "./format";

export type CopyFormat = "text" | "python" | "typescript";

export const COPY_LABELS: Record<CopyFormat, string> = {
  text: "plain text",
  python: "a Python string",
  typescript: "a TypeScript string",
};

export function asFormat(text: string, format: CopyFormat): string {
  if (format === "python") return pythonString(text);
  if (format === "typescript") return tsString(text);
  return text;
}

export async function copyPrompt(text: string, format: CopyFormat = "text"): Promise<void> {
  try {
    await navigator.clipboard.writeText(asFormat(text, format));
    toasts.push({ kind: "success", message: `Copied the optimized prompt as ${COPY_LABELS[format]}.` });
  } catch (error) {
    reportError(error, "Could not copy to the clipboard");
  }
}
