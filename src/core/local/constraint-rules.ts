// Constraint rule table (PRODUCT.md 3.2). The params each kind's constraints carry — verifiers
// read these names, so they are stable; new params are only ever added. `relation` is always one
// of "less than" | "at least" | "exactly" | "at most" (with `count`, a number); `approximate: true`
// marks "about N". Params marked ? are present only when the prompt states them.
//
// | kind                       | params                                                            |
// |----------------------------|-------------------------------------------------------------------|
// | length.words               | count, relation, approximate?; max? (inclusive upper bound of a   |
// |                            | range "600 to 700 words": count 600 "at least", max 700)          |
// | length.sentences           | count, relation, approximate?, max?                               |
// | length.paragraphs          | count?, relation?, approximate?; separator? ("***" when paragraphs|
// |                            | are split by markdown dividers); nth?, first_word? (paragraph nth  |
// |                            | must start with first_word)                                       |
// | length.items               | count, relation, item (the noun: "names", "tips"…)                |
// | format.json                | keys? (string[] field names the prompt lists)                     |
// | format.bullets             | style ("bullets" | "numbered"); count?, relation?                 |
// | format.sections            | count?, relation?, marker? (e.g. "SECTION X", "Part N")           |
// | format.title               | wrapper? ("<<>>")                                                 |
// | format.highlights          | style ("markdown"); count?, relation?                             |
// | format.table               | columns? (string[])                                               |
// | format.code                | (none)                                                            |
// | case.lower / case.upper    | (none)                                                            |
// | case.capital_words         | count, relation, max? (words written in ALL CAPS)                 |
// | punctuation.no_commas      | scope ("commas" | "all": no punctuation at all)                   |
// | keywords.include           | keywords (string[])                                               |
// | keywords.exclude           | keywords (string[])                                               |
// | keywords.frequency         | keyword, keywords ([keyword]), count, relation, max?              |
// | keywords.letter_frequency  | letter (one lower-case letter), count, relation, max?             |
// | startend.start_phrase      | phrase                                                            |
// | startend.end_phrase        | phrase (verbatim, no surrounding quotes)                          |
// | startend.quotation         | mark ('"')                                                        |
// | language.response          | language (English name, "Kannada"); code? (ISO 639-1, "kn")       |
// | content.placeholders       | style ("square brackets"); count?, relation?                      |
// | content.postscript         | marker ("P.S." | "P.P.S")                                         |
// | combination.repeat_prompt  | (none)                                                            |
// | combination.two_responses  | count (2); separator? ("******")                                  |
// | custom                     | (none: the verbatim `text` is the instruction)                    |

import {
  type ConstraintRule,
  caseRule,
  counted,
  g,
  listed,
  namedList,
  requestedItems,
  rx,
  scanLanguages,
  unquote,
  VAGUE_OBJECTS,
  withModal,
} from "./constraint-matchers.js";
import { countParams, NUM, QUOTED, REL } from "./constraint-params.js";
import { LAST_RULES } from "./constraint-rules-custom.js";
import { FIRST_RULES } from "./constraint-rules-more.js";

export type { ConstraintRule, RuleMatch } from "./constraint-matchers.js";

const ITEM_NOUNS =
  "names?|ideas?|examples?|tips?|questions?|items?|titles?|options?|suggestions?|reasons?|ways?|takeaways?|steps?|slogans?|taglines?|facts?|key points|points|hashtags?|emojis?|alternatives?|headlines?|jokes?|lines?|tweets?|variations?|recipes?|tools?|features?|benefits?|strategies|strategy|mistakes?|rules?|things?|recommendations?|quotes?|tags?|captions?|subject lines?|verses?|stanzas?|answers?|choices?|scenarios?|use cases?|problems?|exercises?|activities|activity|books?|movies?|songs?|places?|destinations?|products?|keywords?|synonyms?|words? of advice|tasks?|goals?|habits?|principles?|lessons?";

const END_TARGET =
  "(?: (?:your|the|each|every|this|it|with it)(?: (?:entire |whole )?(?:response|answer|reply|email|letter|post|message|story|essay|poem|text|output|summary))?)?";
const PHRASE_WORD =
  "(?:(?:the|this|a) )?(?:(?:exact|following|same) )?(?:(?:phrase|sentence|words?|line|question|quote)(?::)? )?";
const START_TARGET =
  "(?: (?:your|the|each|every|this|it)(?: (?:entire |whole )?(?:response|answer|reply|email|letter|post|message|story|essay|poem|text|output))?)?";

export const CONSTRAINT_RULES: ConstraintRule[] = [
  ...FIRST_RULES,
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
      "\\b(?:do not|don't|dont|never|avoid|without|refrain from|(?:must|should|may|will|shall|can) not|mustn't|shouldn't|won't|can't|cannot)(?: (?:use|using|mention|mentioning|include|including|say|saying|write|writing|the use of))?(?: (?:the|any|these|those|of the))? (?:key ?words?|phrases?|terms?|words?):? (?<list>[^.\\n;:!?]{1,160})",
    ),
    build: (m) => (namedList(m) ? listed(m, "keywords") : null),
  },
  {
    // "Do not include 'can' and 'ride'", "must not include keywords ['bad', …]", "Make sure not to
    // include negative words such as 'sad'": a negated verb, then a quoted list.
    kind: "keywords.exclude",
    cues: ["'", '"', "“", "‘", "["],
    requires: ["not ", "n't ", "dont ", "never", "avoid", "without"],
    re: rx(
      "\\b(?:do not|don't|dont|never|avoid|without|(?:must|should|may|can|will|shall) not|mustn't|shouldn't|cannot|can't|(?:make|be) sure (?:not to|to not))(?: (?:use|using|include|including|mention|mentioning|say|saying|write|writing|contain|containing))(?: (?:the following|these|the|any))?(?: (?:negative |bad |forbidden )?(?:key ?words?|words?|terms?|phrases?))?(?: (?:such as|like))?:? \\[?(?<list>[\"'“‘][^.\\n;!?]{1,160})",
    ),
    build: (m) => {
      const r = listed(m, "keywords");
      if (!r) return null;
      // "…such as 'sad', 'crazy', etc." — the "etc" is not a word to avoid.
      const keywords = (r.params.keywords as string[]).filter((k) => !/^etc\.?$/i.test(k));
      return keywords.length > 0 ? { ...r, params: { ...r.params, keywords } } : null;
    },
  },
  {
    kind: "keywords.exclude",
    cues: ["mention", "talk", "referenc", "bring", "discuss", "say"],
    requires: ["not ", "n't ", "dont ", "never", "avoid", "without"],
    re: rx(
      "\\b(?:do not|don't|dont|never|avoid|without|(?:must|should|may|will|shall|can) not|mustn't|shouldn't|won't|can't|cannot) (?:mention|mentioning|mentions|talk about|talking about|reference|referencing|bring up|bringing up|discuss|discussing|say|saying) (?<list>[^.\\n;:!?]{1,80})",
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
      "\\b(?:no|without(?: using)?(?: any)?|(?:do not|don't|dont|doesn't|does not|never|avoid|(?:must|should|may|can|will|shall) not|mustn't|shouldn't|cannot|can't|won't|not allowed to|not permitted to)(?: (?:use|using|include|including|contain|containing|have|put|add))?(?: any)?(?: (?:of )?the)?|refrain from (?:using|the use of)(?: any)?) (?<mark>commas?|punctuation(?: marks)?)\\b",
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
    build: (m) => ({ params: { style: "markdown", ...(counted(m)?.params ?? {}) } }),
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
  ...LAST_RULES,
];
