/**
 * Input sanitisation: strips control and invisible formatting characters and normalises line endings.
 * Pure, deterministic, linear time (single pass, no regular expressions).
 */

export interface SanitizeResult {
  /** The cleaned text. */
  text: string;
  /** Number of characters (UTF-16 code units) removed; a CRLF → LF conversion is not counted as a removal. */
  removed: number;
}

/**
 * True for characters stripped by {@link sanitizePrompt}: C0 controls except TAB, LF and CR; DEL; C1 controls;
 * zero-width characters and bidirectional overrides/isolates (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069) and the
 * BOM / zero-width no-break space (U+FEFF).
 */
export function isStrippedChar(code: number): boolean {
  if (code < 0x20) return code !== 0x09 && code !== 0x0a && code !== 0x0d;
  if (code >= 0x7f && code <= 0x9f) return true;
  if (code >= 0x200b && code <= 0x200f) return true;
  if (code >= 0x202a && code <= 0x202e) return true;
  if (code >= 0x2066 && code <= 0x2069) return true;
  return code === 0xfeff;
}

/**
 * Removes control characters and invisible/bidi formatting characters, and converts CRLF (and lone CR) to LF.
 * Tabs and newlines are kept.
 */
export function sanitizePrompt(text: string): SanitizeResult {
  let out = "";
  let removed = 0;
  let runStart = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d) {
      out += text.slice(runStart, i);
      out += "\n";
      if (i + 1 < n && text.charCodeAt(i + 1) === 0x0a) i++;
      runStart = i + 1;
    } else if (isStrippedChar(c)) {
      out += text.slice(runStart, i);
      removed++;
      runStart = i + 1;
    }
  }
  if (runStart === 0) return { text, removed: 0 };
  out += text.slice(runStart);
  return { text: out, removed };
}
