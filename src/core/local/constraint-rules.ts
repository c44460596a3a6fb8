// The constraint rule table, most specific first: an earlier rule's span wins over any later,
// overlapping one. Every pattern is linear: alternations of fixed words, bounded character classes,
// no nested unbounded quantifiers. Lists and keywords are captured loosely and cut in code.
import type { ConstraintKind } from "../pipeline/schemas.js";
import { countParams, NUM, parseNameList, QUOTED, REL } from "./constraint-params.js";

export type ParamValue = string | number | boolean | string[];
export interface RuleMatch {
  params: Record<string, ParamValue>;
  /** Absolute start offset when the rule extends its match backwards (e.g. over "at least"). */
  start?: number;
  /** Absolute end offset when the rule trims its match (e.g. at the end of a keyword list). */
  end?: number;
}
interface RuleBase {
  kind: ConstraintKind;
  /** Lower-case substrings of which at least one must occur for the rule to run (a cheap prefilter). */
  cues: string[];
  /** A second prefilter group: one of these must occur too. */
  requires?: string[];
}
export interface RegexRule extends RuleBase {
  re: RegExp;
  build: (m: RegExpExecArray, text: string) => RuleMatch | null;
}
export interface ScanRule extends RuleBase {
  /** Hand-written scan for rules whose anchor is better found with indexOf than with a regex. */
  scan: (text: string, lower: string) => Array<RuleMatch & { start: number; end: number }>;
}
export type ConstraintRule = RegexRule | ScanRule;

const rx = (source: string) => new RegExp(source, "gi");
const unquote = (s: string) => s.slice(1, -1);
const g = (m: RegExpExecArray, name: string) => m.groups?.[name];

const REL_BEFORE_RE = new RegExp(`${REL} $`, "i");
const WORD_CHAR_RE = /\w/;

/** A relation phrase ("at least ") just before `index`; matched backwards so rules stay anchored on the number. */
function relBefore(text: string, index: number): { rel: string; start: number } | undefined {
  const from = Math.max(0, index - 24);
  const m = REL_BEFORE_RE.exec(text.slice(from, index));
  if (m === null) return undefined;
  const start = from + m.index;
  if (start > 0 && WORD_CHAR_RE.test(text[start - 1])) return undefined;
  return { rel: m.groups?.rel ?? "", start };
}

/** Count params; a relation inside the match wins, else one just before it extends the span. */
function counted(m: RegExpExecArray, text?: string, extra: Record<string, ParamValue> = {}): RuleMatch | null {
  let rel = g(m, "rel");
  let start: number | undefined;
  if (rel === undefined && text !== undefined) {
    const before = relBefore(text, m.index);
    if (before) {
      rel = before.rel;
      start = before.start;
    }
  }
  const p = countParams(rel, g(m, "num"));
  if (!p) return null;
  return start === undefined ? { params: { ...p, ...extra } } : { params: { ...p, ...extra }, start };
}

const MODAL_BEFORE_RE = /(?:must|should|has to|needs to|always|please) $/i;

/** Extend a start/end-phrase match back over "must " / "should " so the whole clause is kept. */
function withModal(m: RegExpExecArray, text: string, params: Record<string, ParamValue>): RuleMatch {
  const from = Math.max(0, m.index - 10);
  const modal = MODAL_BEFORE_RE.exec(text.slice(from, m.index));
  return modal === null ? { params } : { params, start: from + modal.index };
}

/** A keyword list captured in group `list`, trimmed to where the list ends. */
function listed(m: RegExpExecArray, key: string, extra: Record<string, ParamValue> = {}): RuleMatch | null {
  const list = g(m, "list");
  if (list === undefined) return null;
  const parsed = parseNameList(list);
  if (parsed.names.length === 0) return null;
  const listStart = m.index + m[0].length - list.length;
  return { params: { [key]: parsed.names, ...extra }, end: listStart + parsed.end };
}

const LANGUAGES =
  "English|Spanish|French|German|Italian|Portuguese|Dutch|Russian|Chinese|Mandarin|Cantonese|Japanese|Korean|Arabic|Hindi|Bengali|Urdu|Turkish|Persian|Farsi|Polish|Ukrainian|Swedish|Norwegian|Danish|Finnish|Greek|Hebrew|Thai|Vietnamese|Indonesian|Malay|Swahili|Czech|Romanian|Hungarian|Tamil|Telugu|Marathi|Gujarati|Punjabi|Kannada|Malayalam|Nepali|Tagalog|Filipino|Catalan|Latin|Bulgarian|Serbian|Croatian|Slovak|Slovenian|Lithuanian|Latvian|Estonian|Icelandic|Irish|Welsh|Amharic|Yoruba|Zulu|Afrikaans|Esperanto";
const LANGUAGE_SET = new Set(LANGUAGES.toLowerCase().split("|"));
/** Every language trigger ends in "in" or "to": anchor on those, then check the word after. */
const LANGUAGE_ANCHOR_RE = /\b(?:in|to|into) ([a-z]{4,12})\b/g;
const CASE_PREFIX_RE = /(?:in|using|use|write|written|respond|entirely|only|all) (?:in )?(?:all )?$/i;

/** "all lowercase", "in all capital letters", "lowercase only", "no capital letters" — not a bare "uppercase". */
function caseRule(m: RegExpExecArray, text: string): RuleMatch | null {
  if (/^no /i.test(m[0]) || g(m, "only") !== undefined) return { params: {} };
  const from = Math.max(0, m.index - 24);
  const prefix = CASE_PREFIX_RE.exec(text.slice(from, m.index));
  if (prefix === null) return null;
  const start = from + prefix.index;
  if (start > 0 && WORD_CHAR_RE.test(text[start - 1])) return null;
  return { params: {}, start };
}
const ITEM_NOUNS =
  "names?|ideas?|examples?|tips?|questions?|items?|titles?|options?|suggestions?|reasons?|ways?|takeaways?|steps?|slogans?|taglines?|facts?|key points|points|hashtags?|emojis?|alternatives?|headlines?|jokes?|lines?|tweets?|variations?|recipes?|tools?|features?|benefits?|strategies|strategy|mistakes?|rules?|things?|recommendations?|quotes?|tags?|captions?|subject lines?|verses?|stanzas?|answers?|choices?|scenarios?|use cases?|problems?|exercises?|activities|activity|books?|movies?|songs?|places?|destinations?|products?|keywords?|synonyms?|words? of advice|tasks?|goals?|habits?|principles?|lessons?";
const OUTPUT_VERB_RE =
  /\b(?:give|list|write|generate|suggest|provide|create|come up with|brainstorm|name|include|add|use|produce|return|output|share|propose|recommend|make|draft|offer|prepare|design|compose|with|contain|containing|pick|choose|select|identify|outline)\b/i;
const CLAUSE_BREAK_RE = /[.!?;:\n]/;

/** Item counts count only when asked for ("give me 10 names"), not when describing input ("3 products"). */
function requestedItems(m: RegExpExecArray, text: string): RuleMatch | null {
  if (relBefore(text, m.index) === undefined) {
    const from = Math.max(0, m.index - 60);
    let before = text.slice(from, m.index);
    for (let i = before.length - 1; i >= 0; i--) {
      if (CLAUSE_BREAK_RE.test(before[i])) {
        before = before.slice(i + 1);
        break;
      }
    }
    if (before.trim() !== "" && !OUTPUT_VERB_RE.test(before)) return null;
  }
  return counted(m, text, { item: (g(m, "item") ?? "").toLowerCase() });
}

const VAGUE_OBJECTS = new Set([
  "anything",
  "everything",
  "something",
  "it",
  "that",
  "this",
  "them",
  "yourself",
  "sorry",
]);

/** "the word X", "keywords X", `words "X"`: a named list, not "use simple words" or "words like". */
function namedList(m: RegExpExecArray): boolean {
  const list = g(m, "list") ?? "";
  if (/^["“'`]/.test(list)) return true;
  const head = m[0].slice(0, m[0].length - list.length);
  return /\b(?:key ?words?|keyphrases?|the|these|those|following)\b/i.test(head);
}

const LANGUAGE_TRIGGER_RE =
  /(?:(?:respond|reply|answer|write|written|speak|communicate)(?: only)?(?: it)? in|(?:response|answer|output|reply|text)(?: \w+)? (?:should|must|has to|will) be (?:written )?(?:entirely |only |all )?in|translated? (?:(?:it|this|that|them|the \w+) )?(?:in)?to|in) $/i;
const LANGUAGE_TAIL_RE = /^(?: only| language)?/i;
const CLAUSE_END_RE = /^(?:[.!?;,\n]|$)/;

/** "Respond in Spanish", "response should be in Hindi language", "translate it to French", "in German only". */
function scanLanguages(text: string, lower: string): Array<RuleMatch & { start: number; end: number }> {
  const found: Array<RuleMatch & { start: number; end: number }> = [];
  LANGUAGE_ANCHOR_RE.lastIndex = 0;
  for (let a = LANGUAGE_ANCHOR_RE.exec(lower); a !== null && found.length < 20; a = LANGUAGE_ANCHOR_RE.exec(lower)) {
    const name = a[1];
    if (!LANGUAGE_SET.has(name)) continue;
    const i = a.index + a[0].length - name.length;
    const after = i + name.length;
    const from = Math.max(0, i - 60);
    const trigger = LANGUAGE_TRIGGER_RE.exec(text.slice(from, i));
    if (trigger === null) continue;
    const start = from + trigger.index;
    if (start > 0 && WORD_CHAR_RE.test(text[start - 1])) continue;
    const tail = LANGUAGE_TAIL_RE.exec(text.slice(after, after + 10))?.[0] ?? "";
    // A bare "in French" counts only when it ends the clause ("… in French.") or says "only"/"language".
    if (/^in $/i.test(trigger[0]) && tail === "" && !CLAUSE_END_RE.test(text.slice(after, after + 1))) continue;
    const language = name[0].toUpperCase() + name.slice(1);
    found.push({ params: { language }, start, end: after + tail.length });
  }
  return found;
}

const END_TARGET =
  "(?: (?:your|the|each|every|this|it|with it)(?: (?:entire |whole )?(?:response|answer|reply|email|letter|post|message|story|essay|poem|text|output|summary))?)?";
const PHRASE_WORD =
  "(?:(?:the|this|a) )?(?:(?:exact|following|same) )?(?:(?:phrase|sentence|words?|line|question|quote)(?::)? )?";
const START_TARGET =
  "(?: (?:your|the|each|every|this|it)(?: (?:entire |whole )?(?:response|answer|reply|email|letter|post|message|story|essay|poem|text|output))?)?";

export const CONSTRAINT_RULES: ConstraintRule[] = [
  {
    kind: "startend.end_phrase",
    cues: ["end", "finish", "conclud", "close"],
    requires: ['"', "“", " '"],
    re: rx(`\\b(?:end|finish|conclude|close)(?:s|ing)?${END_TARGET} with ${PHRASE_WORD}(?<phrase>${QUOTED})`),
    build: (m, text) => withModal(m, text, { phrase: unquote(g(m, "phrase") ?? "  ") }),
  },
  {
    kind: "startend.end_phrase",
    cues: ["end", "finish", "conclud"],
    requires: ["phrase", "sentence"],
    re: rx(
      `\\b(?:end|finish|conclude)(?:s)?${END_TARGET} with (?:the|this) (?:exact )?(?:phrase|sentence):? (?<phrase>[^"“\\n]{1,120}?[.?!])(?=\\s|$)`,
    ),
    build: (m, text) => withModal(m, text, { phrase: g(m, "phrase") ?? "" }),
  },
  {
    kind: "startend.start_phrase",
    cues: ["start", "begin", "open"],
    requires: ['"', "“", " '"],
    re: rx(`\\b(?:start|begin|open)(?:s|ning)?${START_TARGET} with ${PHRASE_WORD}(?<phrase>${QUOTED})`),
    build: (m, text) => withModal(m, text, { phrase: unquote(g(m, "phrase") ?? "  ") }),
  },
  {
    kind: "startend.start_phrase",
    cues: ["start", "begin"],
    requires: ["the word", "the letter"],
    re: rx(`\\b(?:start|begin)(?:s)?${START_TARGET} with the (?:word|letter) (?<phrase>[\\w\\u00C0-\\u024F'’-]{1,40})`),
    build: (m, text) => withModal(m, text, { phrase: g(m, "phrase") ?? "" }),
  },
  {
    kind: "combination.repeat_prompt",
    cues: ["repeat"],
    re: rx(
      "\\b(?:first,? )?repeat (?:the|my|this|your) (?:request|prompt|question|instructions?|query)(?: (?:word for word|verbatim|exactly|without change|as is|first|before answering|before you answer|before responding|before giving your answer)){0,3}",
    ),
    build: () => ({ params: {} }),
  },
  {
    kind: "combination.two_responses",
    cues: ["responses", "answers", "versions", "replies"],
    requires: ["two", "2"],
    re: rx(
      "\\b(?:give|provide|write|generate|produce|return|offer)(?: me)? (?:two|2) (?:(?:different|distinct|separate|alternative) )?(?:responses|answers|versions|replies)\\b",
    ),
    build: () => ({ params: { count: 2 } }),
  },
  {
    kind: "keywords.letter_frequency",
    cues: ["letter"],
    re: rx(
      `\\b(?:the )?letter (?<letter>"[a-z]"|'[a-z]'|[a-z])(?: (?:should|must|has to|needs to))?(?: (?:appear|occur|be used))?(?: in (?:your|the) (?:response|answer))?(?: ${REL})? ${NUM} times?\\b`,
    ),
    build: (m) => counted(m, undefined, { letter: (g(m, "letter") ?? "").replace(/["']/g, "").toLowerCase() }),
  },
  {
    kind: "keywords.frequency",
    cues: [" time", "once", "twice", "thrice"],
    re: rx(
      `\\b(?:(?:use|mention|include|repeat|say)(?: the)?(?: (?:word|keyword|phrase|term))?|(?:the )?(?:word|keyword|phrase|term)) (?<kw>${QUOTED}|[\\w\\u00C0-\\u024F'’-]{1,40})(?: (?:should|must|has to|needs to|will))?(?: (?:appear|occur|be used|be mentioned|be included))?(?: in (?:your|the) (?:response|answer))?(?: ${REL})? (?:${NUM} times?|(?<mult>once|twice|thrice))\\b`,
    ),
    build: (m) => {
      const raw = g(m, "kw") ?? "";
      const keyword = /^["“']/.test(raw) ? unquote(raw) : raw;
      const mult = g(m, "mult");
      const p = countParams(g(m, "rel"), mult ?? g(m, "num"));
      return p ? { params: { ...p, keyword, keywords: [keyword] } } : null;
    },
  },
  {
    kind: "case.capital_words",
    cues: ["capital", "caps", "upper"],
    re: rx(
      `\\bwords? (?:with|in|using) all (?:capital letters|caps|upper ?case(?: letters)?)[^.\\n]{0,40}?\\b(?:${REL} )?${NUM} times?\\b`,
    ),
    build: (m) => counted(m),
  },
  {
    kind: "case.capital_words",
    cues: ["capital", "caps", "upper"],
    re: rx(
      `\\b${NUM} (?:[a-z]+ )?words? (?:in|with|using|written in) (?:all )?(?:capital letters|caps|all caps|upper ?case)\\b`,
    ),
    build: (m, text) => counted(m, text),
  },
  {
    kind: "keywords.exclude",
    cues: ["word", "phrase", "term"],
    requires: ["not ", "n't ", "dont ", "never", "avoid", "without", "refrain"],
    re: rx(
      "\\b(?:do not|don't|dont|never|avoid|without|refrain from)(?: (?:use|using|mention|mentioning|include|including|say|saying|write|writing|the use of))?(?: (?:the|any|these|those|of the))? (?:key ?words?|phrases?|terms?|words?):? (?<list>[^.\\n;:!?]{1,160})",
    ),
    build: (m) => (namedList(m) ? listed(m, "keywords") : null),
  },
  {
    kind: "keywords.exclude",
    cues: ["mention", "talk", "referenc", "bring", "discuss", "say"],
    requires: ["not ", "n't ", "dont ", "never", "avoid", "without"],
    re: rx(
      "\\b(?:do not|don't|dont|never|avoid|without) (?:mention|mentioning|mentions|talk about|talking about|reference|referencing|bring up|bringing up|discuss|discussing|say|saying) (?<list>[^.\\n;:!?]{1,80})",
    ),
    build: (m) => {
      const r = listed(m, "keywords");
      const first = r ? String((r.params.keywords as string[])[0]).toLowerCase() : "";
      return r && !VAGUE_OBJECTS.has(first) ? r : null;
    },
  },
  {
    kind: "keywords.include",
    cues: ["word", "phrase", "term"],
    re: rx(
      "\\b(?:include|including|use|using|mention|incorporate|contain|containing|with|add)(?: (?:the|these|all|all of the|following|the following))? (?:key ?words?|keyphrases?|phrases?|terms?|words?):? (?<list>[^.\\n;:!?]{1,160})",
    ),
    build: (m) => (namedList(m) ? listed(m, "keywords") : null),
  },
  {
    kind: "punctuation.no_commas",
    cues: ["comma", "punctuation"],
    re: rx(
      "\\b(?:no|without(?: using)?(?: any)?|(?:do not|don't|dont|never|avoid)(?: use| using| include| including)?(?: any)?|refrain from (?:using|the use of)(?: any)?) (?<mark>commas?|punctuation(?: marks)?)\\b",
    ),
    build: (m) => ({ params: { scope: /comma/i.test(g(m, "mark") ?? "") ? "commas" : "all" } }),
  },
  {
    kind: "content.placeholders",
    cues: ["placeholder"],
    re: rx(
      `\\b${NUM} placeholders?\\b(?: (?:represented|marked|enclosed|indicated|denoted|written|shown) (?:by|in|with|using) (?:square )?brackets)?`,
    ),
    build: (m, text) => counted(m, text, { style: "square brackets" }),
  },
  {
    kind: "content.placeholders",
    cues: ["placeholder"],
    re: rx(
      "\\bplaceholders? (?:represented|marked|enclosed|indicated|denoted|written|shown|in) (?:by |in |with )?square brackets",
    ),
    build: () => ({ params: { style: "square brackets" } }),
  },
  {
    kind: "content.postscript",
    cues: ["postscript", "p.s", "p.p.s"],
    re: rx(
      "\\b(?:(?:add|include|append|end with|finish with|with) (?:a |an )?)?(?:postscript|P\\.(?:P\\.)?S\\.?)(?: (?:starting|beginning) with P\\.(?:P\\.)?S\\.?)?",
    ),
    build: (m) => ({ params: { marker: /P\.P\.S/i.test(m[0]) ? "P.P.S" : "P.S." } }),
  },
  {
    kind: "format.title",
    cues: ["title"],
    re: rx(
      "\\b(?:a |the )?title(?: [a-z]+){0,2} (?:wrapped|enclosed|in|inside|within|between|surrounded by|with)(?: in| with| by)? double angul?ar brackets(?:,? (?:i\\.e\\.|e\\.g\\.|such as|like),? <<[^<>\\n]{1,80}>>)?",
    ),
    build: () => ({ params: { wrapper: "<<>>" } }),
  },
  {
    kind: "format.title",
    cues: ["<<"],
    re: /<<[^<>\n]{1,80}>>/g,
    build: () => ({ params: { wrapper: "<<>>" } }),
  },
  {
    kind: "format.title",
    cues: ["title"],
    re: rx(
      "\\b(?:include|add|give (?:it|the \\w+)|with|has|have|start with|begin with|needs?|must have) (?:a|an) (?:(?:short|catchy|bold|clear|descriptive|compelling) )?title\\b",
    ),
    build: () => ({ params: {} }),
  },
  {
    kind: "format.highlights",
    cues: ["highlight"],
    re: rx(
      `\\bhighlight(?:ed|s)? (?:(?:${REL} )?${NUM} )?(?:(?:key|important|different|separate) )?(?:sections?|parts?|phrases?|words?|points?|sentences?|terms?)\\b(?: (?:with|using|in) markdown)?(?:,? (?:i\\.e\\.|e\\.g\\.|such as|like|for example),? \\*[^*\\n]{1,60}\\*)?`,
    ),
    build: (m) => ({ params: counted(m)?.params ?? { style: "markdown" } }),
  },
  {
    kind: "format.sections",
    cues: ["sections"],
    re: rx(`\\b${NUM} (?:(?:different|distinct|separate|numbered|main|clear) )?sections\\b`),
    build: (m, text) => counted(m, text),
  },
  {
    kind: "format.sections",
    cues: ["mark "],
    re: rx(
      "\\bmark (?:each|every|the beginning of each|the start of each)(?: (?:section|part))? with (?:the word )?[\"']?(?<marker>[A-Za-z]{1,20} (?:X|N|\\d{1,2}|\\{[A-Za-z]{1,10}\\}))",
    ),
    build: (m) => ({ params: { marker: g(m, "marker") ?? "" } }),
  },
  {
    kind: "format.bullets",
    cues: ["bullet"],
    re: rx(`\\b${NUM} (?:[a-z]+ )?(?:bullet(?:ed)?[ -]points?|bullets|bullet items)\\b`),
    build: (m, text) => counted(m, text, { style: "bullets" }),
  },
  {
    kind: "format.table",
    cues: ["table"],
    re: rx(
      "\\b(?:(?:markdown|md|html|ascii) table|(?:in|as|into|output|return|create|make|produce|format(?: it)?(?: as)?|use|using) (?:a |an )?(?:(?:markdown|simple|comparison|summary) )?table)\\b(?: with (?:the )?(?:columns?|headers?|headings)(?::)? (?<list>[^.\\n;:!?]{1,160}))?",
    ),
    build: (m) => {
      if (g(m, "list") === undefined) return { params: {} };
      return listed(m, "columns") ?? { params: {}, end: m.index + m[0].length - (g(m, "list") ?? "").length - 1 };
    },
  },
  {
    kind: "format.json",
    cues: ["json"],
    re: rx(
      "\\b(?:(?:(?:return|output|respond|reply|answer|format|give|provide|produce|formatted|wrap)(?: (?:it|them|this|everything|the result|the results|the output|the answer))?(?: (?:in|as|with|using))?|in|as|to|into|using) (?:(?:valid|a|an|strict|proper|well-formed|minified|pretty-printed|only) ){0,2}JSON\\b(?: (?:format|object|array|output|response|schema))?|JSON (?:format|object|array|output|response))(?: with (?:the |these |exactly the )?(?:keys|fields|properties|attributes)(?::)? (?<list>[^.\\n;:!?]{1,160}))?",
    ),
    build: (m) => {
      if (g(m, "list") === undefined) return { params: {} };
      return listed(m, "keys") ?? { params: {}, end: m.index + m[0].length - (g(m, "list") ?? "").length - 1 };
    },
  },
  {
    kind: "format.code",
    cues: ["code"],
    re: rx(
      "\\b(?:in|inside|within|as|into|use|using|wrap(?:ped)?(?: \\w+)? in|put (?:it|them|everything) in|enclosed in|reply with) (?:a |an |one |one unique |a single |single |the )?(?:(?:markdown|fenced|separate|unique) )?(?:[a-z+#]{1,12} )?code ?blocks?\\b",
    ),
    build: () => ({ params: {} }),
  },
  {
    kind: "startend.quotation",
    cues: ["quot"],
    re: rx(
      "\\b(?:wrap|wrapped|enclose|enclosed|put|surround|surrounded|place)(?: (?:the|your|it|this|all|everything))?(?: (?:whole|entire|full|complete))?(?: (?:answer|response|output|reply|text|thing))? (?:in|with|inside|within|between|by) (?:double )?(?:quotation marks|quotes|quote marks)\\b",
    ),
    build: () => ({ params: { mark: '"' } }),
  },
  {
    kind: "length.words",
    cues: ["word"],
    re: rx(`\\b${NUM}[ -]words?\\b`),
    build: (m, text) => {
      const r = counted(m, text);
      if (r && r.start === undefined) r.params.approximate = true;
      return r;
    },
  },
  {
    kind: "length.words",
    cues: ["word "],
    re: rx(`\\bword (?:count|limit) (?:of |under |below |at most |is |to )?${NUM}\\b`),
    build: (m) => counted(m, undefined, { relation: "at most" }),
  },
  {
    kind: "length.sentences",
    cues: ["sentence"],
    re: rx(`\\b${NUM}[ -]sentences?\\b`),
    build: (m, text) => counted(m, text),
  },
  {
    kind: "length.paragraphs",
    cues: ["paragraph"],
    re: rx(`\\b${NUM}[ -]paragraphs?\\b`),
    build: (m, text) => counted(m, text),
  },
  {
    kind: "length.items",
    cues: [""],
    re: rx(`\\b${NUM}[ -](?:[a-z]+ ){0,2}(?<item>${ITEM_NOUNS})\\b`),
    build: requestedItems,
  },
  {
    kind: "case.lower",
    cues: ["lower", "capital", "uppercase", "upper-case"],
    re: rx(
      "\\b(?:lower[- ]?case(?: letters)?(?<only> only)?|no (?:capital|capitalized|uppercase|upper-case) letters)\\b",
    ),
    build: caseRule,
  },
  {
    kind: "case.upper",
    cues: ["capital", "caps", "upper"],
    re: rx("\\b(?:capital letters|caps|upper[- ]?case(?: letters)?)(?<only> only)?\\b"),
    build: caseRule,
  },
  {
    kind: "language.response",
    cues: ["in ", "to "],
    scan: scanLanguages,
  },
  {
    kind: "format.bullets",
    cues: ["bullet", "numbered list"],
    re: rx(
      "\\b(?:(?:as|in|use|using|with|into) (?:a )?)?(?:markdown )?(?:bullet(?:ed)?[ -]points?|bulleted list|bullet list|bullets|numbered list)\\b",
    ),
    build: (m) => ({ params: { style: /numbered/i.test(m[0]) ? "numbered" : "bullets" } }),
  },
];
