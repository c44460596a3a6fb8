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
    re: /\b(?:no|without(?: any)?|(?:do not|don't|should not|must not|not) (?:use|contain|include|have)(?: any)?) (?:whitespace|spaces?)\b/i,
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

const PRONOUNS = new Set(
  "i me my mine myself you your yours yourself yourselves he him his himself she her hers herself it its itself we us our ours ourselves they them their theirs themselves this that these those who whom whose which what whoever whatever anyone anything anybody everyone everything everybody someone something somebody no one nobody nothing none each either neither one".split(
    " ",
  ),
);
const CONJUNCTIONS = ["for", "and", "nor", "but", "or", "yet", "so"];
const lowerWords = (s: string) => words(s).map((w) => w.toLowerCase());

/** IFBench-style counting instructions: unique words, numbers, pronouns, conjunctions, repeats. */
const COUNTING_RULES: CustomRule[] = [
  {
    re: /\bat least (\d{1,5}) unique words\b/i,
    check: (output, m) => {
      const n = new Set(lowerWords(output)).size;
      return { follows: n >= Number(m[1]), detail: `${n} unique words, wanted at least ${m[1]}` };
    },
  },
  {
    re: /\bexactly (\d{1,4}) numbers\b/i,
    check: (output, m) => {
      const n = (output.match(/(?<![\p{L}\p{N}])\d+(?:[.,]\d+)*(?![\p{L}\p{N}])/gu) ?? []).length;
      return { follows: n === Number(m[1]), detail: `${n} numbers, wanted exactly ${m[1]}` };
    },
  },
  {
    re: /\bat least (\d{1,4}) pronouns\b/i,
    check: (output, m) => {
      const n = lowerWords(output).filter((w) => PRONOUNS.has(w)).length;
      return { follows: n >= Number(m[1]), detail: `${n} pronouns, wanted at least ${m[1]}` };
    },
  },
  {
    re: /\bat least (\d) different coordinating conjunctions\b/i,
    check: (output, m) => {
      const used = new Set(lowerWords(output).filter((w) => CONJUNCTIONS.includes(w)));
      return {
        follows: used.size >= Number(m[1]),
        detail: `coordinating conjunctions used: ${[...used].join(", ") || "none"} (${used.size} distinct), wanted at least ${m[1]}`,
      };
    },
  },
  {
    re: /\bnot repeat any word more than (\d{1,4}) times?\b/i,
    check: (output, m) => {
      const counts = new Map<string, number>();
      for (const w of lowerWords(output)) counts.set(w, (counts.get(w) ?? 0) + 1);
      const worst = [...counts].sort((a, b) => b[1] - a[1])[0];
      const max = Number(m[1]);
      return worst === undefined || worst[1] <= max
        ? { follows: true, detail: `no word more than ${max} times` }
        : { follows: false, detail: `${quote(worst[0])} ${worst[1]} times, wanted at most ${max}` };
    },
  },
  {
    re: /\bwrite each word on a new line\b|\bone word per line\b/i,
    check: (output) => {
      const lines = output.split("\n").filter((l) => l.trim() !== "");
      const bad = lines.filter((l) => words(l).length !== 1);
      if (lines.length === 0) return { follows: false, detail: "no words" };
      return bad.length === 0
        ? { follows: true, detail: `${lines.length} lines, one word each` }
        : { follows: false, detail: `${bad.length} lines hold more or less than one word, first ${quote(bad[0])}` };
    },
  },
  {
    re: /\bsecond word in your response and the second to last word in your response should be the word (\p{L}[\p{L}'-]*)/iu,
    check: (output, m) => {
      const ws = lowerWords(output);
      const want = m[1].toLowerCase();
      const second = ws[1] ?? "";
      const penultimate = ws[ws.length - 2] ?? "";
      return {
        follows: ws.length >= 2 && second === want && penultimate === want,
        detail: `second word ${quote(second)}, second to last ${quote(penultimate)}, wanted ${quote(want)}`,
      };
    },
  },
  {
    re: /\buse an emoji at the end of every sentence\b/i,
    check: (output) => {
      const sentences = output
        .split(/(?<=[.!?\p{Extended_Pictographic}])\s+|\n+/u)
        .map((x) => x.trim())
        .filter((x) => /\p{L}/u.test(x));
      const bad = sentences.filter((x) => !isEmoji(graphemes(x.replace(/[\s.!?]+$/u, "")).at(-1) ?? ""));
      if (sentences.length === 0) return { follows: false, detail: "no sentences" };
      return bad.length === 0
        ? { follows: true, detail: `all ${sentences.length} sentences end with an emoji` }
        : {
            follows: false,
            detail: `${bad.length} of ${sentences.length} sentences do not end with an emoji, first ${quote(bad[0])}`,
          };
    },
  },
];

export const checkCustom: Check = (c, output) => {
  for (const rule of [...RULES, ...COUNTING_RULES]) {
    const m = rule.re.exec(c.text);
    if (m !== null) return rule.check(output, m);
  }
  return unchecked("not a mechanically checkable instruction (needs judgement)");
};
