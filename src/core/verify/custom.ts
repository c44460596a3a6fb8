// The `custom` kind: a verbatim instruction without params. The ones a machine can check are
// recognised from their wording (a single emoji, no whitespace, every word in parentheses, one of
// the listed options…); anything else is `null` with the reason.
import { type Check, type Outcome, unchecked } from "./params.js";
import { quote, words } from "./text.js";

interface CustomRule {
  /** Matched against the instruction text. */
  re: RegExp;
  check: (output: string, m: RegExpExecArray) => Outcome;
}

const EMOJI_RE = /\p{Extended_Pictographic}/u;
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function graphemes(s: string): string[] {
  return [...GRAPHEMES.segment(s)].map((g) => g.segment);
}

function isEmoji(grapheme: string): boolean {
  return EMOJI_RE.test(grapheme) || /^\p{Regional_Indicator}{2}$/u.test(grapheme);
}

function countEmojis(s: string): number {
  return graphemes(s).filter(isEmoji).length;
}

/** Options listed after "one of the following" / "options:", quoted or separated by commas/"or". */
function listedOptions(text: string): string[] {
  const quoted = [...text.matchAll(/["“']([^"”'\n]{1,80})["”']/g)].map((m) => m[1].trim());
  if (quoted.length >= 2) return quoted;
  const tail = /(?:following|options?|choices?)[^:(]*[:(]\s*(.+)$/i.exec(text)?.[1] ?? "";
  return tail
    .replace(/[)\].]+$/, "")
    .split(/\s*(?:,|\bor\b|\/|\|)\s*/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

const RULES: CustomRule[] = [
  {
    re: /\b(?:only|just|a single|one|single)\s+emoji\b|\bemoji only\b/i,
    check: (output) => {
      const g = graphemes(output.trim());
      return g.length === 1 && isEmoji(g[0])
        ? { follows: true, detail: `a single emoji ${g[0]}` }
        : { follows: false, detail: `${g.length} characters, ${countEmojis(output)} of them emoji` };
    },
  },
  {
    re: /\bat least (\d{1,3}) emojis?\b/i,
    check: (output, m) => {
      const n = countEmojis(output);
      const want = Number(m[1]);
      return { follows: n >= want, detail: `${n} emoji, wanted at least ${want}` };
    },
  },
  {
    re: /\b(?:no|without(?: any)?|do not use(?: any)?|don't use(?: any)?) emojis?\b/i,
    check: (output) => {
      const n = countEmojis(output);
      return n === 0 ? { follows: true, detail: "no emoji" } : { follows: false, detail: `${n} emoji` };
    },
  },
  {
    re: /\b(?:no|without(?: any)?|do not use(?: any)?|don't use(?: any)?) (?:whitespace|spaces?)\b/i,
    check: (output) => {
      const n = (output.trim().match(/\s/g) ?? []).length;
      return n === 0
        ? { follows: true, detail: "no whitespace" }
        : { follows: false, detail: `${n} whitespace characters` };
    },
  },
  {
    re: /\b(?:wrap|enclose|put|surround)\s+(?:every|each|all(?: the)?)\s+words?\s+(?:in|with|inside|within)\s+(?:a pair of\s+)?(parenthes[ie]s|round brackets|square brackets|brackets|double quotes|quotation marks|quotes)\b/i,
    check: (output, m) => {
      const kind = m[1].toLowerCase();
      const [open, close] = kind.startsWith("square") ? ["[", "]"] : /quot/.test(kind) ? ['"', '"'] : ["(", ")"];
      const tokens = output
        .trim()
        .split(/\s+/)
        .filter((t) => /[\p{L}\p{N}]/u.test(t));
      if (tokens.length === 0) return { follows: false, detail: "no words" };
      const bad = tokens.filter((t) => {
        const core = t.replace(/^[^\p{L}\p{N}(["]+|[^\p{L}\p{N})\]"]+$/gu, "");
        return !(core.startsWith(open) && core.endsWith(close) && core.length > 2);
      });
      return bad.length === 0
        ? { follows: true, detail: `all ${tokens.length} words wrapped in ${open}${close}` }
        : { follows: false, detail: `${bad.length} of ${tokens.length} words not wrapped, first ${quote(bad[0])}` };
    },
  },
  {
    re: /\b(?:no|without(?: any)?|do not use(?: any)?|don't use(?: any)?) (?:digits|numbers|numerals)\b/i,
    check: (output) => {
      const n = (output.match(/\p{Nd}/gu) ?? []).length;
      return n === 0 ? { follows: true, detail: "no digits" } : { follows: false, detail: `${n} digits` };
    },
  },
  {
    re: /\b(?:answer|respond|reply) with (?:one|exactly one|only one) of the following(?: options)?\b|\bchoose (?:one|only one) (?:of|from) the following\b/i,
    check: (output, m) => {
      const options = listedOptions(m.input.slice(m.index));
      if (options.length < 2) return unchecked("cannot read the options from the instruction");
      // IFEval's constrained_response: an option occurs verbatim (case-sensitive) in the output.
      const text = output.trim();
      const hit = options.filter((o) => text.includes(o));
      if (hit.length === 0) return { follows: false, detail: `none of ${options.map((o) => quote(o)).join(", ")}` };
      return { follows: true, detail: `answers ${hit.map((o) => quote(o)).join(" and ")}` };
    },
  },
  {
    re: /\b(?:every|each) (?:word|one of the words)\b[^.]{0,30}\b(?:start|begin)s? with (?:the letter )?["']?(\p{L})["']?(?![\p{L}])/iu,
    check: (output, m) => {
      const letter = m[1].toLowerCase();
      const ws = words(output);
      const bad = ws.filter((w) => w[0].toLowerCase() !== letter);
      if (ws.length === 0) return { follows: false, detail: "no words" };
      return bad.length === 0
        ? { follows: true, detail: `all ${ws.length} words start with ${quote(letter)}` }
        : { follows: false, detail: `${bad.length} words do not, first ${quote(bad[0])}` };
    },
  },
  {
    re: /\b(?:a single|one|only one) word\b|\b(?:one|single)-word (?:answer|response|reply)\b/i,
    check: (output) => {
      const n = words(output).length;
      return n === 1 ? { follows: true, detail: "one word" } : { follows: false, detail: `${n} words` };
    },
  },
];

export const checkCustom: Check = (c, output) => {
  for (const rule of RULES) {
    const m = rule.re.exec(c.text);
    if (m !== null) return rule.check(output, m);
  }
  return unchecked("not a mechanically checkable instruction (needs judgement)");
};
