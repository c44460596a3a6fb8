// Constraint rules written from the phrasing families of IFEval-style instructions that the base
// table misses: counts stated after the number ("400 or more words", "300+ words", "5 to 10"),
// counts stated after the noun ("the word X should appear at least 3 times", "the letter t at most
// once"), italics as highlights, six-asterisk separators as two responses, "using only the Kannada
// language", and the same kinds phrased in Spanish, French and German. `FIRST_RULES` run before
// the base table (so their longer, more exact spans win); `LAST_RULES` after it.
import { type ConstraintRule, g, listed, type RuleMatch, rx, unquote } from "./constraint-matchers.js";
import { countParams, NUM, parseCount, QUOTED, REL } from "./constraint-params.js";

/** A count written after the number: "400 or more", "300+", "45 or less". Named group `post`. */
const POST = "(?<post>\\+|\\s?or (?:more|above|greater|higher|longer|less|fewer|below|under|shorter))";
/** A range: "5 to 10", "100-120", "between 100 and 120", "6 or 7". Groups `lo`, `hi`. */
const RANGE =
  "(?:between )?(?<lo>\\d{1,6}|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty|hundred)\\s?(?:to|-|–|and|or)\\s?(?<hi>\\d{1,6}|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty|hundred)";

/** Count params of a match with `num`, optional `rel` and `post`, or a `lo`/`hi` range. */
function count(m: RegExpExecArray, extra: Record<string, string | number | boolean | string[]> = {}): RuleMatch | null {
  const lo = g(m, "lo");
  const hi = g(m, "hi");
  if (lo !== undefined && hi !== undefined) {
    const a = parseCount(lo);
    const b = parseCount(hi);
    if (a === undefined || b === undefined || b < a) return null;
    return { params: { count: a, relation: "at least", max: b, ...extra } };
  }
  const post = g(m, "post");
  const num = g(m, "num") ?? g(m, "mult");
  if (post !== undefined) {
    const n = parseCount(num);
    if (n === undefined) return null;
    const up = post === "+" || /more|above|greater|higher|longer/i.test(post);
    return { params: { count: n, relation: up ? "at least" : "at most", ...extra } };
  }
  const p = countParams(g(m, "rel"), num);
  return p ? { params: { ...p, ...extra } } : null;
}

const TIMES = `(?:${REL} )?(?:${NUM}${POST}? times?|(?<mult>once|twice|thrice)|${RANGE} times)`;
const WORD = "[\\p{L}\\p{N}'’-]{1,40}";
const KEYWORD = `(?<kw>${QUOTED}|${WORD})`;

function keywordOf(m: RegExpExecArray): string {
  const raw = g(m, "kw") ?? "";
  return /^["“']/.test(raw) ? unquote(raw) : raw;
}

const LANGUAGE_NAMES: Record<string, string> = {
  // Spanish, French and German names of common languages, to their English names.
  español: "Spanish",
  espanol: "Spanish",
  castellano: "Spanish",
  inglés: "English",
  ingles: "English",
  francés: "French",
  frances: "French",
  alemán: "German",
  aleman: "German",
  italiano: "Italian",
  portugués: "Portuguese",
  français: "French",
  francais: "French",
  anglais: "English",
  allemand: "German",
  espagnol: "Spanish",
  italien: "Italian",
  portugais: "Portuguese",
  deutsch: "German",
  englisch: "English",
  französisch: "French",
  spanisch: "Spanish",
  italienisch: "Italian",
  portugiesisch: "Portuguese",
};

const PART_COUNT_RE =
  /\b(?<num>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten) (?:[a-z]+ )?(?:paragraphs?|sections?|parts?|steps?|snippets?|scenes?|stanzas?)\b/gi;

const ISO_CODES: Record<string, string> = {
  English: "en",
  Spanish: "es",
  French: "fr",
  German: "de",
  Italian: "it",
  Portuguese: "pt",
  Dutch: "nl",
  Russian: "ru",
  Chinese: "zh",
  Mandarin: "zh",
  Cantonese: "zh",
  Japanese: "ja",
  Korean: "ko",
  Arabic: "ar",
  Hindi: "hi",
  Bengali: "bn",
  Urdu: "ur",
  Turkish: "tr",
  Persian: "fa",
  Farsi: "fa",
  Polish: "pl",
  Ukrainian: "uk",
  Swedish: "sv",
  Norwegian: "no",
  Danish: "da",
  Finnish: "fi",
  Greek: "el",
  Hebrew: "he",
  Thai: "th",
  Vietnamese: "vi",
  Indonesian: "id",
  Malay: "ms",
  Swahili: "sw",
  Czech: "cs",
  Romanian: "ro",
  Hungarian: "hu",
  Tamil: "ta",
  Telugu: "te",
  Marathi: "mr",
  Gujarati: "gu",
  Punjabi: "pa",
  Kannada: "kn",
  Malayalam: "ml",
  Nepali: "ne",
  Tagalog: "tl",
  Filipino: "fil",
  Catalan: "ca",
  Latin: "la",
  Bulgarian: "bg",
  Serbian: "sr",
  Croatian: "hr",
  Slovak: "sk",
  Slovenian: "sl",
  Lithuanian: "lt",
  Latvian: "lv",
  Estonian: "et",
  Icelandic: "is",
  Irish: "ga",
  Welsh: "cy",
  Amharic: "am",
  Yoruba: "yo",
  Zulu: "zu",
  Afrikaans: "af",
  Esperanto: "eo",
};

/** ISO 639-1 code of a language's English name ("Kannada" → "kn"), for `language.response`. */
export function languageCode(name: string): string | undefined {
  return ISO_CODES[name];
}

export const FIRST_RULES: ConstraintRule[] = [
  {
    // "Avoid using the following keywords: sleep, cook, feed", "Do not include the following words: …".
    kind: "keywords.exclude",
    cues: ["following"],
    requires: ["not ", "n't ", "never", "avoid", "without", "refrain"],
    re: rx(
      "\\b(?:do not|don't|never|avoid|without|refrain from|(?:must|should|may|will|shall|can) not|mustn't|shouldn't|cannot)(?: (?:use|using|mention|mentioning|include|including|say|saying|write|writing))? (?:any of )?the following (?:key ?words?|words?|terms?|phrases?|names?):? (?<list>[^.\\n;:!?]{1,160})",
    ),
    build: (m) => listed(m, "keywords"),
  },
  {
    kind: "combination.two_responses",
    cues: ["asterisk", "******"],
    re: rx(
      "(?:\\b(?:give|provide|write|generate|produce|return|offer)(?: me)?(?: exactly)? (?:two|2) (?:(?:different|distinct|separate|alternative) )?(?:responses|answers|versions|replies)[^.\\n]{0,20}?,? )?\\b(?:separated?|split|divided?)\\w*(?: (?:the|them|your|each|these|those|two|responses|answers|versions|poems|limericks|scenes|parts|\\w+))*? (?:by|with|using) (?:exactly )?(?:6|six) asterisks?(?: symbols?| marks?)?(?:,? ?(?:i\\.e\\.|like|such as)?:? ?\\(?\\*{6,}\\)?)?",
    ),
    build: () => ({ params: { count: 2, separator: "******" } }),
  },
  {
    kind: "combination.two_responses",
    cues: ["responses", "answers", "versions", "replies"],
    requires: ["two", "2"],
    re: rx(
      "\\b(?:(?:give|provide|write|generate|produce|return|offer)(?: me)? )?(?:exactly |only )?(?:two|2) (?:different|distinct|separate|alternative) (?:responses|answers|versions|replies)\\b",
    ),
    build: () => ({ params: { count: 2 } }),
  },
  {
    kind: "combination.two_responses",
    cues: ["******"],
    re: /\*{6}/g,
    build: () => ({ params: { count: 2, separator: "******" } }),
  },
  {
    // "The letter t should appear at most once", "make sure the letter i appears less than 6 times",
    // "contains the letter j at least once", "letter c appears at least 60 times".
    kind: "keywords.letter_frequency",
    cues: ["letter"],
    re: new RegExp(`\\b(?:the )?letter (?<letter>"[a-z]"|'[a-z]'|[a-z]\\b)(?:[^.\\n;]{0,40}?) ${TIMES}`, "giu"),
    build: (m) => count(m, { letter: (g(m, "letter") ?? "").replace(/["']/g, "").toLowerCase() }),
  },
  {
    // "Do not include the letter c anywhere": the letter may appear zero times.
    kind: "keywords.letter_frequency",
    cues: ["letter"],
    requires: ["not", "n't", "never", "avoid", "without", "no "],
    re: rx(
      `\\b(?:do not|don't|never|avoid|without|(?:must|should) not)(?: (?:use|using|include|including|contain|containing|write|writing))?(?: any)? (?:the )?letter (?<letter>"[a-z]"|'[a-z]'|[a-z]\\b)`,
    ),
    build: (m) => ({
      params: { letter: (g(m, "letter") ?? "").replace(/["']/g, "").toLowerCase(), count: 1, relation: "less than" },
    }),
  },
  {
    // "the word X should appear at least 3 times", "mention the word "dose" for at least 5 times",
    // "the word "fake" should appear 6 or 7 times", "the name Sarah only once".
    kind: "keywords.frequency",
    cues: [" time", "once", "twice", "thrice"],
    re: new RegExp(
      `\\b(?:the )?(?:word|keyword|phrase|term|name) ${KEYWORD}(?: (?:should|must|has to|needs to|will|to|is to))?(?: (?:be|appear|appears|occur|occurs|be used|used|be mentioned|mentioned|be included|included|be repeated))?(?: (?:in|throughout) (?:your|the) (?:entire |whole )?\\w+)?(?: (?:for|only))? ${TIMES}`,
      "giu",
    ),
    build: (m) => {
      const keyword = keywordOf(m);
      const r = count(m, { keyword, keywords: [keyword] });
      return r && !/^(?:should|must|will|to)$/i.test(keyword) ? r : null;
    },
  },
  {
    // "use the word humming at least once", "include the keyword "brand" at least twice".
    kind: "keywords.frequency",
    cues: [" time", "once", "twice", "thrice"],
    re: new RegExp(
      `\\b(?:use|using|used|mention|mentioning|include|including|includes|repeat|say|contain|containing|contains)(?: the)? (?:word|keyword|phrase|term|name) ${KEYWORD}(?: (?:in|throughout) (?:your|the) (?:entire |whole )?\\w+)?(?: for)? ${TIMES}`,
      "giu",
    ),
    build: (m) => {
      const keyword = keywordOf(m);
      return count(m, { keyword, keywords: [keyword] });
    },
  },
  {
    // "Include keyword kaleidoscope once in your response" (IFBench's multiple keywords).
    kind: "keywords.frequency",
    cues: ["keyword"],
    re: new RegExp(`\\bkeyword ${KEYWORD} ${TIMES}`, "giu"),
    build: (m) => {
      const keyword = keywordOf(m);
      return count(m, { keyword, keywords: [keyword] });
    },
  },
  {
    // "Italicize at least 5 keywords", "highlight at least 3 text sections", "highlight/bold at least one section".
    kind: "format.highlights",
    cues: ["highlight", "italic", "bold", "emphasi"],
    re: rx(
      `\\b(?:highlight|italici[sz]e|bold|emphasi[sz]e)(?:/\\w+)?(?: (?:the|your|a few|some))? (?:${REL} )?${NUM}${POST}? (?:(?:of (?:the|your) )?[a-z]+ ){0,2}(?:sections?|parts?|phrases?|words?|keywords?|points?|sentences?|terms?|names?|lines?|items?|text)\\b`,
    ),
    build: (m) => count(m, { style: "markdown" }),
  },
  {
    // "at least six sections should be highlighted", "3 italic text phrases", "two italic text sections".
    kind: "format.highlights",
    cues: ["highlight", "italic", "bold"],
    re: rx(
      `\\b(?:${REL} )?${NUM}${POST}? (?:(?:highlighted|italic(?:ized)?|bold(?:ed)?|emphasi[sz]ed) (?:text )?(?:sections?|parts?|phrases?|words?|keywords?|points?|sentences?|terms?)|(?:[a-z]+ ){0,2}(?:sections?|parts?|phrases?|words?|keywords?) (?:(?:should|must|need to|will) be )?(?:highlighted|italici[sz]ed|in bold|bolded))\\b`,
    ),
    build: (m) => count(m, { style: "markdown" }),
  },
  {
    // "400 or more words", "300+ word", "45 or less words", "600 to 700 words", "between 100 and 120 words".
    kind: "length.words",
    cues: ["word"],
    requires: ["+", " or ", " to ", "-", "–", "between", " and "],
    re: rx(`\\b(?:${RANGE}|${NUM}${POST})[ -]words?\\b`),
    build: (m) => count(m),
  },
  {
    // "5 to 10 sentences", "at least 4 sentences or more".
    kind: "length.sentences",
    cues: ["sentence"],
    requires: ["+", " or ", " to ", "-", "–", "between", " and "],
    re: rx(`\\b(?:${RANGE}|${NUM}${POST})[ -]sentences?\\b`),
    build: (m) => count(m),
  },
  {
    // "I don't want anything longer than 30 words", "no longer than 50 words".
    kind: "length.words",
    cues: ["longer", "shorter"],
    re: rx(`\\b(?:(?:no|not|nothing|n't want anything|never) (?:longer|more) than|shorter than) ${NUM} words?\\b`),
    build: (m) => {
      const n = parseCount(g(m, "num"));
      if (n === undefined) return null;
      return {
        params: /shorter/i.test(m[0]) ? { count: n, relation: "less than" } : { count: n, relation: "at most" },
      };
    },
  },
  {
    // Words in all caps: "the number of words in all capital letters should be less than 5",
    // "words with capital letters should appear less than 4 times", "5 to 10 such capitalized words",
    // "at least 20 words or phrases in all capital letters".
    kind: "case.capital_words",
    cues: ["capital", "caps", "upper"],
    re: rx(
      `\\b(?:(?:the number of )?(?:stress |such |capitali[sz]ed |all[- ]caps )?words?(?: or phrases)? (?:with|in|using|written in) (?:all )?(?:capital letters|caps|all caps|upper ?case(?: letters)?)|(?:all[- ]caps|capitali[sz]ed|upper ?case) words)(?:[^.\\n]{0,30}?) (?:(?:${REL} )?(?:${NUM}${POST}?)(?: times?)?|${RANGE})\\b`,
    ),
    build: (m) => count(m),
  },
  {
    kind: "case.capital_words",
    cues: ["capital", "caps", "upper"],
    re: rx(
      `\\b(?:${REL} )?(?:${RANGE}|${NUM}${POST}?) (?:such |stress )?(?:words?(?: or phrases)? (?:in|with|using|written in) (?:all )?(?:capital letters|caps|all caps|upper ?case)|(?:all[- ]caps|capitali[sz]ed|upper ?case) words)\\b`,
    ),
    build: (m) => count(m),
  },
  {
    // "3 paragraphs separated by ***", "at least 5 sections, separated using 3 asterisks ***",
    // "break the conversation down to 3 parts, separated by ***": markdown-divider paragraphs.
    kind: "length.paragraphs",
    cues: ["***", "asterisk", "divider"],
    re: rx(
      `\\b(?:${REL} )?${NUM}${POST}? (?:[a-z]+ )?(?:paragraphs?|sections?|parts?|steps?|snippets?|scenes?|stanzas?)\\b[^.\\n]{0,40}?\\bseparat\\w*(?: (?:by|with|using))?(?: (?:the|a|three|3))?(?: markdown)?(?: dividers?| asterisks?(?: symbols?)?)?:? ?\\(?"?\\*\\*\\*"?\\)?`,
    ),
    build: (m) => count(m, { separator: "***" }),
  },
  {
    // "Separate the snippets with ***", "use *** as the section separator": the count is unstated.
    kind: "length.paragraphs",
    cues: ["***"],
    re: rx(
      `\\b(?:separat\\w*(?: (?:them|the \\w+(?: and \\w+)?(?: \\w+)?|each \\w+|your \\w+|paragraphs))? (?:by|with|using)(?: (?:the|a))?(?: markdown divider| a linebreak, | three asterisks)?:? ?\\(?"?\\*\\*\\*"?\\)?|use "?\\*\\*\\*"? as (?:the |a )?(?:section |paragraph )?(?:separator|divider))`,
    ),
    build: (m, text) => {
      const before = text.slice(Math.max(0, m.index - 300), m.index);
      const counts = [...before.matchAll(PART_COUNT_RE)];
      const n = parseCount(counts[counts.length - 1]?.groups?.num);
      const params: RuleMatch["params"] = { separator: "***" };
      if (n !== undefined) Object.assign(params, { count: n, relation: "exactly" });
      return { params };
    },
  },
  {
    // "Paragraph 2 must start with the word Jasper", "the first paragraph must start with the word 'weekend'".
    kind: "length.paragraphs",
    cues: ["paragraph"],
    requires: ["start", "begin"],
    re: rx(
      `\\b(?:(?:start|begin) )?(?:the )?(?:(?<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|1st|2nd|3rd|[4-9]th) paragraph|paragraph (?<pn>\\d{1,2}))(?:[^.\\n]{0,20}?) (?:(?:starts?|begins?|starting|beginning) )?with (?:the )?(?:word )?(?<fw>"[^"\\n]{1,40}"|'[^'\\n]{1,40}'|[\\w\\u00C0-\\u024F'’-]{1,40})`,
    ),
    build: (m, text) => {
      const ORD: Record<string, number> = {
        first: 1,
        second: 2,
        third: 3,
        fourth: 4,
        fifth: 5,
        sixth: 6,
        seventh: 7,
        eighth: 8,
        ninth: 9,
        tenth: 10,
        "1st": 1,
        "2nd": 2,
        "3rd": 3,
      };
      const ord = (g(m, "ord") ?? "").toLowerCase();
      const total =
        /\b(?:exactly |only )?(?<num>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten) paragraphs?\b/i.exec(
          text,
        );
      const n = parseCount(total?.groups?.num);
      const last = ord === "last" || ord === "final";
      const nth = g(m, "pn") ? Number(g(m, "pn")) : last ? n : (ORD[ord] ?? Number.parseInt(ord, 10));
      if (nth === undefined || !Number.isFinite(nth)) return null;
      const fw = (g(m, "fw") ?? "").replace(/^["']|["']$/g, "");
      const params: Record<string, string | number> = { nth, first_word: fw };
      if (n !== undefined) {
        params.count = n;
        params.relation = "exactly";
      }
      return { params };
    },
  },
  {
    // "two sections (Section 1 and Section 2)".
    kind: "format.sections",
    cues: ["section", "part"],
    re: rx(
      `\\b${NUM} (?:sections|parts|chapters) \\((?<marker>Section|SECTION|Part|PART|Chapter|CHAPTER) (?:1|I|one)\\b[^)\\n]{0,60}\\)`,
    ),
    build: (m) => {
      const n = parseCount(g(m, "num"));
      return n === undefined ? null : { params: { count: n, relation: "exactly", marker: `${g(m, "marker")} X` } };
    },
  },
  {
    // "Label each paragraph with PARAGRAPH X", "each section should be explicitly noted as Section X".
    kind: "format.sections",
    cues: ["section", "paragraph", "part"],
    re: rx(
      "\\b(?:label|mark|title|name|head|number|note|begin|start)\\w*(?: (?:each|every|the beginning of each|the start of each|them))?(?: (?:section|part|paragraph))?(?: (?:should|must) be)?(?: (?:explicitly|clearly))?(?: (?:with|as|by))(?: the word| the header)? [\"']?(?<marker>(?:SECTION|Section|section|PART|Part|PARAGRAPH|Paragraph|Chapter|CHAPTER|Day|DAY|Step|STEP) (?:X|N|\\d{1,2}|\\{[A-Za-z]{1,10}\\}))",
    ),
    build: (m, text) => {
      const marker = g(m, "marker") ?? "";
      const params: Record<string, string | number> = { marker };
      const total =
        /\b(?:(?:exactly|only|with|in|into|have|has) )?(?<num>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)[ -](?:[a-z]+ )?(?:sections?|parts?|paragraphs?|days?|steps?|chapters?)\b/i.exec(
          text,
        );
      const n = parseCount(total?.groups?.num);
      if (n !== undefined) {
        params.count = n;
        params.relation = "exactly";
      }
      return { params };
    },
  },
  {
    // "End your response with the exact question: Is there anything else I can help with?",
    // `End your response with the EXACT phrase of "in India."`, `End the blog post with "Naomi thanks you for reading."`.
    kind: "startend.end_phrase",
    cues: ["end", "finish", "conclud"],
    re: rx(
      `\\b(?:end|finish|conclude)(?:s|ing)? (?:your|the|each|every|this|it)(?: (?:entire |whole )?[a-z]{2,12}){0,2} with (?:(?:the|this|a) )?(?:(?:exact|following|same|EXACT) )?(?:(?:phrase|sentence|question|words?|line|quote)(?: of)?:? )?(?:(?<q>${QUOTED})|(?<bare>[A-Z][^"“\\n]{1,120}?[.?!])(?=\\s|$))`,
    ),
    build: (m) => {
      const q = g(m, "q");
      return { params: { phrase: q !== undefined ? unquote(q) : (g(m, "bare") ?? "") } };
    },
  },
  {
    // "Put double quotation marks around your entire response", "wrap the response with double quotation marks".
    kind: "startend.quotation",
    cues: ["quot"],
    re: rx(
      "\\b(?:put|place|use|add|wrap|wrapped|enclose|enclosed|surround|surrounded)(?: (?:your|the|this|it|all|everything))?(?: (?:whole|entire|full|complete))?(?: (?:answer|response|output|reply|text|thing)(?: \\([^)\\n]{0,80}\\))?)?(?: (?:in|with|inside|within|by))? (?:double )?(?:quotation marks|quotes|quote marks)(?: around (?:your|the) (?:entire |whole )?(?:answer|response|output|reply|text))?\\b",
    ),
    build: () => ({ params: { mark: '"' } }),
  },
  {
    // "not a single letter … is capitalized", "all of the letters are lowercase", "must be in lowercases".
    kind: "case.lower",
    cues: ["lower", "capital"],
    re: rx(
      "\\b(?:not a single letter(?: in [^.\\n]{0,30})? (?:is|should be) capitali[sz]ed|(?:all|each|every)(?: of)? (?:the )?letters?(?: in [^.\\n]{0,30})? (?:are|is|should be|must be) (?:in )?lower ?case|in lower ?cases|without (?:using )?any capital letters|no capital letters)\\b",
    ),
    build: () => ({ params: {} }),
  },
  {
    // "capitalize all your words", "All letters in your entire response should be capitalized".
    kind: "case.upper",
    cues: ["capital", "caps", "upper"],
    re: rx(
      "\\b(?:capitali[sz]e (?:all|every|each)(?: of)? (?:your |the )?(?:words|letters)|(?:all|each|every)(?: of)? (?:the )?(?:letters|words)(?: in [^.\\n]{0,30})? (?:are|is|should be|must be) (?:capitali[sz]ed|in (?:all )?(?:capital letters|caps|upper ?case))|in all caps|all[- ]caps)\\b",
    ),
    build: () => ({ params: {} }),
  },
  {
    // "First repeat the sentence above word for word", "repeat the exact request above", "Let's repeat
    // all text above word by word", "repeat the entire first line above", "repeat it" after "the sentence above".
    kind: "combination.repeat_prompt",
    cues: ["repeat", "repleat"],
    re: rx(
      "\\b(?:first,? )?(?:let's )?(?:re?pl?eat|restate|copy) (?:the |all |my |this |your )?(?:(?:exact|entire|whole|full|same),? ){0,2}(?:(?:first|above|following) )?(?:request|prompt|question|instructions?|query|sentence|text|line|task|title)(?: (?:above|below|word for word|word by word|verbatim|exactly|without change|without changing (?:a single|any) (?:letter|word)|as is|first|before answering|before you answer|before responding|before giving your answer)){0,3}",
    ),
    build: () => ({ params: {} }),
  },
  {
    // "You need to repeat the sentence above first".
    kind: "combination.repeat_prompt",
    cues: ["repeat"],
    re: rx(
      "\\b(?:need to|must|should|please) repeat (?:the |this )?(?:sentence|request|prompt|text) (?:above|below)(?: first)?",
    ),
    build: () => ({ params: {} }),
  },
  {
    // "using only the Kannada language, no other language is allowed", "entirely in the Bengali
    // language", "use Swahili language only", "in only German".
    kind: "language.response",
    cues: ["language", "only", "entirely", "solely", "exclusively"],
    scan: (text) => scanLanguageMore(text),
  },
  {
    // Spanish, French and German phrasings of the same instructions.
    kind: "language.response",
    cues: [" en ", " auf ", " in "],
    re: rx(
      "\\b(?:responde|responda|contesta|conteste|escribe|escriba|redacta|réponds|répondez|écris|écrivez|rédigez|antworte|antworten sie|schreibe|schreib|schreiben sie)(?: (?:únicamente|solo|sólo|seulement|uniquement|nur|ausschließlich))? (?:en|auf|in)(?: (?:idioma|langue|lengua))? (?<lang>español|espanol|castellano|inglés|ingles|francés|frances|alemán|aleman|italiano|portugués|français|francais|anglais|allemand|espagnol|italien|portugais|deutsch|englisch|französisch|spanisch|italienisch|portugiesisch)\\b",
    ),
    build: (m) => {
      const language = LANGUAGE_NAMES[(g(m, "lang") ?? "").toLowerCase()];
      return language ? { params: { language } } : null;
    },
  },
];

const LANGUAGE_LIST =
  "English|Spanish|French|German|Italian|Portuguese|Dutch|Russian|Chinese|Mandarin|Japanese|Korean|Arabic|Hindi|Bengali|Urdu|Turkish|Persian|Farsi|Polish|Ukrainian|Swedish|Norwegian|Danish|Finnish|Greek|Hebrew|Thai|Vietnamese|Indonesian|Malay|Swahili|Czech|Romanian|Hungarian|Tamil|Telugu|Marathi|Gujarati|Punjabi|Kannada|Malayalam|Nepali|Tagalog|Filipino|Catalan|Bulgarian|Serbian|Croatian|Slovak|Lithuanian|Latvian|Estonian|Icelandic|Amharic|Yoruba|Zulu|Afrikaans";
const LANG_ONLY_RE = new RegExp(
  `\\b(?:(?:in|using|use|with|write|written|respond|reply|answer)(?: (?:only|entirely|solely|exclusively|purely|just))*(?: in)?(?: the)? (?<a>${LANGUAGE_LIST})(?: language)?(?: (?:only|exclusively))?|(?:in|using|use)(?: the)? (?<b>${LANGUAGE_LIST})(?: language)? (?:only|exclusively))\\b(?:,? no other languages? (?:is |are )?(?:allowed|permitted))?`,
  "g",
);
const NO_OTHER_RE =
  /no other languages? (?:is |are )?(?:allowed|permitted)|(?:only|entirely|solely|exclusively|language only)/i;

function scanLanguageMore(text: string): Array<RuleMatch & { start: number; end: number }> {
  const out: Array<RuleMatch & { start: number; end: number }> = [];
  LANG_ONLY_RE.lastIndex = 0;
  for (let m = LANG_ONLY_RE.exec(text); m !== null && out.length < 10; m = LANG_ONLY_RE.exec(text)) {
    const name = m.groups?.a ?? m.groups?.b ?? "";
    // Only when the clause says "only", "entirely", "… language only" or "no other language".
    const sentenceEnd = text.slice(m.index).search(/[.!?\n]/);
    const clause = text.slice(m.index, m.index + (sentenceEnd < 0 ? 200 : sentenceEnd));
    if (!NO_OTHER_RE.test(clause)) continue;
    out.push({ params: { language: name }, start: m.index, end: m.index + m[0].length });
  }
  return out;
}
