// Stored text is clean text: the one helper every stored field goes through (titles, names, tags,
// descriptions, prompt bodies, context fields), as prompts already are. Pure and linear.
import { isStrippedChar, sanitizePrompt } from "./safety/sanitize.js";

/** Line breaks and tabs a single-line field turns into one space. */
function isLineBreakOrTab(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

/** Invisible direction marks the prompt sanitiser keeps but a one-line label must not carry. */
function isExtraFormatChar(code: number): boolean {
  return code === 0x061c || code === 0x2060 || code === 0x2061 || code === 0x2062 || code === 0x2063 || code === 0x2064;
}

/**
 * A multi-line body (a prompt, a description, documentation): C0/C1 controls, DEL, zero-width and
 * bidi characters removed, CRLF and lone CR made LF; line feeds and tabs kept.
 */
export function cleanBody(text: string): string {
  // Exactly what prompts get, so a kept constraint still matches its original byte for byte.
  return sanitizePrompt(text).text;
}

/**
 * A one-line label (a title, a project name, a tag, a language name): every control, bidi and
 * invisible character removed, and a run of line breaks or tabs made one space, so the label can be
 * printed on one line of a terminal or a table without moving the cursor or reordering the text.
 */
export function cleanLine(text: string): string {
  let out = "";
  let runStart = 0;
  let changed = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isLineBreakOrTab(c)) {
      out += text.slice(runStart, i);
      let j = i + 1;
      while (j < n && isLineBreakOrTab(text.charCodeAt(j))) j++;
      out += " ";
      i = j - 1;
      runStart = j;
      changed = true;
    } else if (isStrippedChar(c) || isExtraFormatChar(c)) {
      out += text.slice(runStart, i);
      runStart = i + 1;
      changed = true;
    }
  }
  if (!changed) return text;
  return out + text.slice(runStart);
}
