// Copy to the clipboard with a toast saying what was copied; failures are reported, never swallowed.
import { copyText } from "../../lib/clipboard";
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
  await copyText(asFormat(text, format), `the optimized prompt as ${COPY_LABELS[format]}`);
}
