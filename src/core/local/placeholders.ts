// Template variables a prompt expects the user to fill: {{name}}, {name}, [name], <name>.
// Each candidate is matched with a bounded, single-class regex and then judged in code, which keeps
// the scan linear and lets us reject markup, links, checkboxes, citations and code braces.
import { type PromptText, preparePrompt } from "./prompt-text.js";

interface Candidate {
  index: number;
  text: string;
}

const DOUBLE_BRACE_RE = /\{\{[^{}\n]{1,64}\}\}/g;
const SINGLE_BRACE_RE = /\{[^{}\n]{1,64}\}/g;
const BRACKET_RE = /\[[^[\]\n]{1,64}\]/g;
const ANGLE_RE = /<[^<>\n]{1,64}>/g;
const CLOSING_TAG_RE = /<\/([A-Za-z][\w-]{0,40})\s*>/g;

const IDENTIFIER_RE = /^[A-Za-z_][\w.-]{0,47}$/;
const UPPER_WORDS_RE = /^[A-Z][A-Z0-9_]*(?: [A-Z0-9_&/-]+){0,5}$/;
const SHORT_WORDS_RE = /^[A-Za-z][\w'’-]*(?: [\w'’/-]+){0,3}$/;
const DOUBLE_BRACE_NAME_RE = /^\s*[A-Za-z_][\w.\- ]*$/;
const SYNTAX_EXAMPLE_RE = /(?:bracket|brace|parenthes)[a-z]*\W{0,3}$/i;
const WORD_CHAR_RE = /[\p{L}\p{N}_$]/u;

/** HTML elements that are markup even without a closing tag. */
const VOID_OR_INLINE_TAGS = new Set([
  "br",
  "hr",
  "img",
  "p",
  "li",
  "b",
  "i",
  "u",
  "em",
  "strong",
  "div",
  "span",
  "tr",
  "td",
  "th",
  "ul",
  "ol",
  "html",
  "head",
  "body",
  "pre",
  "code",
  "sup",
  "sub",
  "wbr",
]);
/** Bracketed asides that are editorial, not variables. */
const BRACKET_STOPWORDS = new Set(["sic", "citation needed", "x", "X", "edit", "sic!", "ibid"]);

function isVariableName(content: string): boolean {
  if (content.length === 0 || content !== content.trim()) return false;
  return IDENTIFIER_RE.test(content) || UPPER_WORDS_RE.test(content) || SHORT_WORDS_RE.test(content);
}

function charAt(text: string, index: number): string {
  return index >= 0 && index < text.length ? text[index] : "";
}

function scan(re: RegExp, text: string, accept: (m: RegExpExecArray) => boolean, out: Candidate[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (accept(m)) out.push({ index: m.index, text: m[0] });
  }
}

function closingTags(text: string): Set<string> {
  const names = new Set<string>();
  CLOSING_TAG_RE.lastIndex = 0;
  for (let m = CLOSING_TAG_RE.exec(text); m !== null; m = CLOSING_TAG_RE.exec(text)) names.add(m[1].toLowerCase());
  return names;
}

/** Placeholders of an already prepared prompt (shared by the analyzer). */
export function placeholdersOf(pt: PromptText): string[] {
  const { prose, plain } = pt;
  const found: Candidate[] = [];

  // {{name}}: unambiguous template syntax, accepted anywhere outside fenced code (even inline code).
  scan(DOUBLE_BRACE_RE, prose, (m) => DOUBLE_BRACE_NAME_RE.test(m[0].slice(2, -2)), found);

  scan(
    SINGLE_BRACE_RE,
    plain,
    (m) => {
      const before = charAt(plain, m.index - 1);
      if (before === "{" || charAt(plain, m.index + m[0].length) === "}") return false;
      if (before !== "" && before !== "$" && WORD_CHAR_RE.test(before)) return false;
      // "put text inside curly brackets {like this}" illustrates syntax; it is not a variable.
      if (SYNTAX_EXAMPLE_RE.test(plain.slice(Math.max(0, m.index - 30), m.index))) return false;
      return isVariableName(m[0].slice(1, -1));
    },
    found,
  );

  scan(
    BRACKET_RE,
    plain,
    (m) => {
      const before = charAt(plain, m.index - 1);
      const after = charAt(plain, m.index + m[0].length);
      if (before === "[" || before === "]" || before === "!" || after === "]" || after === "(" || after === "[") {
        return false; // [[marker]], [text][ref], ![image](url), [text](url)
      }
      if (before !== "" && WORD_CHAR_RE.test(before)) return false; // arr[index]
      const content = m[0].slice(1, -1);
      if (BRACKET_STOPWORDS.has(content) || BRACKET_STOPWORDS.has(content.toLowerCase())) return false;
      if (after === ":" && /^:\s*https?:/.test(plain.slice(m.index + m[0].length, m.index + m[0].length + 10))) {
        return false; // [ref]: https://… link definition
      }
      return isVariableName(content);
    },
    found,
  );

  let closers: Set<string> | undefined;
  scan(
    ANGLE_RE,
    plain,
    (m) => {
      const before = charAt(plain, m.index - 1);
      if (before === "<" || charAt(plain, m.index + m[0].length) === ">") return false; // <<title>>
      if (before !== "" && WORD_CHAR_RE.test(before)) return false; // Promise<void>
      const content = m[0].slice(1, -1);
      if (!isVariableName(content)) return false;
      const name = content.toLowerCase();
      if (VOID_OR_INLINE_TAGS.has(name) || /^h[1-6]$/.test(name)) return false;
      closers ??= closingTags(plain);
      return !closers.has(name); // <context>…</context> is structure, not a variable
    },
    found,
  );

  found.sort((a, b) => a.index - b.index);
  const seen = new Set<string>();
  const result: string[] = [];
  for (const c of found) {
    if (!seen.has(c.text)) {
      seen.add(c.text);
      result.push(c.text);
    }
  }
  return result;
}

/**
 * Placeholders the prompt expects to be filled, exactly as written, unique, in order of first
 * appearance. Text inside fenced code blocks is ignored; inline code only yields `{{name}}`.
 */
export function extractPlaceholders(prompt: string): string[] {
  return placeholdersOf(preparePrompt(prompt));
}
