// Two rule groups that run after the base table:
// - `custom`: any other verifiable output instruction ("wrap every word in parentheses", "use no
//   whitespace", "answer with a single emoji", "every 5th word must be in Japanese") captured as its
//   verbatim sentence, so it is listed, preserved and guarded like the named kinds. A sentence
//   counts when it gives an instruction about the output AND names something countable or
//   checkable in it (words, letters, lines, punctuation, emojis, order, a template…). Sentences
//   that already hold a named constraint are not captured again (spans never overlap).
// - Spanish, French and German phrasings of the common named kinds (word/sentence/paragraph
//   counts, no commas, lower/upper case, keywords to avoid, end phrase, bullets, JSON).
import { type ConstraintRule, g, listed, type RuleMatch, unquote } from "./constraint-matchers.js";
import { countParams, QUOTED } from "./constraint-params.js";

/** The sentence gives an instruction about the response. */
const INSTRUCTION_RE =
  /\b(?:(?:your|the|each|every|this) (?:entire |whole |final )?(?:response|answer|reply|output|text|poem|story|essay|list|summary)s? (?:must|should|has to|needs to|will|may only|can only|is to)|(?:do not|don't|never|avoid|without|refrain from) (?:use|using|include|including|write|writing|put|putting|start|end|begin|repeat|repeating)|\buse (?:only|no|exactly|at least|at most|every|all|a different|one)\b|\buse\b[^.!?\n]{0,30}\b(?:at least|at most|exactly|no more than|fewer than|less than|more than) \d|\binclude (?:exactly|at least|at most|no more than|fewer than|less than|more than|precisely) \w+|(?:answer|respond|reply) (?:only )?(?:with|using) (?:one of|only|a single|exactly|just)|\b(?:wrap|enclose|surround|indent|number|capitali[sz]e|reverse|sort|alternate|separate|format|write) (?:every|each|all|the|your|it|them|in)\b|\b(?:each|every|all|no two|the first|the last|every other|the second)\b[^.!?\n]{0,40}\b(?:must|should|has to|needs to|have to|cannot|can't|may not|is to)\b|\bmake sure (?:that )?(?:each|every|all|no|your|the)\b|\bmaintain (?:a|an|the)\b|\buse (?:an?|the|one)\b[^.!?\n]{0,40}\b(?:every|each|all)\b|\b(?:each|every) (?:new |single )?(?:words?|sentences?|lines?|letters?|bullets?|bullet points?)\b|\b(?:use|follow) (?:this|the following|the) (?:exact )?(?:template|format)\b|\bonly output\b|\b(?:the )?(?:response|answer|output) (?:must|should) (?:contain|include|have|be)\b|\bensure (?:that )?(?:each|every|all|no|your|the)\b)/i;
/** …and names something in the output that can be counted or checked. */
const CHECKABLE_RE =
  /\b(?:words?|sentences?|lines?|letters?|characters?|emojis?|punctuation|whitespaces?|spaces?|commas?|periods?|semicolons?|colons?|quotes?|quotation|brackets?|parenthes[ie]s|capitals?|capitali[sz]ed|lower ?case|upper ?case|title case|vowels?|consonants?|numbers?|digits?|numerals?|hyphens?|dashes|bullets?|sub-bullets?|options?|order|alphabetical|alphabet|indent\w*|template|syllables?|new ?lines?|line breaks?|prefix|suffix|palindromes?|reverse\w*|csv|yaml|xml|html|markdown|thesis|pronouns?|conjunctions?|nouns?|verbs?|adjectives?|names?|stop words|trigram|overlap|ratio|percent(?:age)?|%|alliteration|rhymes?|exclamation|question marks?|asterisks?|symbols?|tags?|format(?:ted)?|italics?|bold|headings?|headers?|labels?|columns?|rows?|fields?|keys?)\b/i;
const MAX_SENTENCE = 260;
const SENTENCE_RE = /[^.!?\n]+(?:[.!?]+(?=\s|$)|$)/g;

function scanCustom(text: string): Array<RuleMatch & { start: number; end: number }> {
  const out: Array<RuleMatch & { start: number; end: number }> = [];
  SENTENCE_RE.lastIndex = 0;
  for (let m = SENTENCE_RE.exec(text); m !== null && out.length < 40; m = SENTENCE_RE.exec(text)) {
    if (m[0].length === 0) {
      SENTENCE_RE.lastIndex++;
      continue;
    }
    const lead = m[0].length - m[0].trimStart().length;
    const sentence = m[0].trim();
    if (sentence.length < 12 || sentence.length > MAX_SENTENCE) continue;
    if (!INSTRUCTION_RE.test(sentence) || !CHECKABLE_RE.test(sentence)) continue;
    // A question or a description of the input is not an output instruction.
    if (
      /\?$/.test(sentence) &&
      /^(?:what|how|why|who|when|where|which|is|are|do|does|can|could|should|would|will)\b/i.test(sentence)
    )
      continue;
    const start = m.index + lead;
    let end = start + sentence.length;
    while (end > start && /[.!?]/.test(text[end - 1])) end--;
    out.push({ params: {}, start, end });
  }
  return out;
}

/** Number words of Spanish, French and German, to digits. */
const NUM_WORDS: Record<string, number> = {
  uno: 1,
  una: 1,
  un: 1,
  une: 1,
  ein: 1,
  eine: 1,
  einen: 1,
  dos: 2,
  deux: 2,
  zwei: 2,
  tres: 3,
  trois: 3,
  drei: 3,
  cuatro: 4,
  quatre: 4,
  vier: 4,
  cinco: 5,
  cinq: 5,
  fünf: 5,
  seis: 6,
  six: 6,
  sechs: 6,
  siete: 7,
  sept: 7,
  sieben: 7,
  ocho: 8,
  huit: 8,
  acht: 8,
  nueve: 9,
  neuf: 9,
  neun: 9,
  diez: 10,
  dix: 10,
  zehn: 10,
};
const INUM =
  "(?<num>\\d{1,6}|uno|una|un|une|ein|eine|einen|dos|deux|zwei|tres|trois|drei|cuatro|quatre|vier|cinco|cinq|fünf|seis|six|sechs|siete|sept|sieben|ocho|huit|acht|nueve|neuf|neun|diez|dix|zehn)";
const IREL =
  "(?<rel>menos de|como máximo|como mínimo|al menos|no más de|más de|exactamente|moins de|au plus|au moins|pas plus de|plus de|exactement|maximum|minimum|weniger als|höchstens|mindestens|nicht mehr als|mehr als|genau|maximal|minimal)";

function icount(m: RegExpExecArray, extra: Record<string, string | number> = {}): RuleMatch | null {
  const raw = (g(m, "num") ?? "").toLowerCase();
  const n = /^\d/.test(raw) ? Number(raw) : NUM_WORDS[raw];
  if (n === undefined) return null;
  const rel = (g(m, "rel") ?? "").toLowerCase();
  const en =
    rel === ""
      ? undefined
      : /menos de|moins de|weniger als/.test(rel)
        ? "less than"
        : /máximo|au plus|pas plus|höchstens|nicht mehr|maxim|no más/.test(rel)
          ? "at most"
          : /más de|plus de|mehr als/.test(rel)
            ? "more than"
            : /exact|genau/.test(rel)
              ? "exactly"
              : "at least";
  const p = countParams(en, String(n));
  return p ? { params: { ...p, ...extra } } : null;
}

const u = (source: string) => new RegExp(source, "giu");

export const LAST_RULES: ConstraintRule[] = [
  {
    kind: "length.words",
    cues: ["palabra", "mots", "mot ", "wörter", "worte"],
    re: u(`(?<![\\p{L}])(?:${IREL} )?${INUM} (?:palabras|mots|wörter|worte|wörtern)(?![\\p{L}])`),
    build: (m) => icount(m),
  },
  {
    kind: "length.sentences",
    cues: ["frase", "oracion", "oración", "phrase", "satz", "sätze"],
    re: u(`(?<![\\p{L}])(?:${IREL} )?${INUM} (?:frases|oraciones|phrases|sätzen?|sätze|satz)(?![\\p{L}])`),
    build: (m) => icount(m),
  },
  {
    kind: "length.paragraphs",
    cues: ["párrafo", "parrafo", "paragraphe", "absatz", "absätze"],
    re: u(
      `(?<![\\p{L}])(?:${IREL} )?${INUM} (?:párrafos?|parrafos?|paragraphes?|absätzen?|absätze|absatz)(?![\\p{L}])`,
    ),
    build: (m) => icount(m),
  },
  {
    kind: "format.bullets",
    cues: ["viñeta", "puces", "aufzählung", "stichpunkt"],
    re: u(
      `(?<![\\p{L}])(?:(?:${IREL} )?${INUM} )?(?:viñetas|puntos de viñeta|puces|points (?:à|a) puces|aufzählungspunkten?|stichpunkten?|liste à puces|lista con viñetas)(?![\\p{L}])`,
    ),
    build: (m) => (g(m, "num") === undefined ? { params: { style: "bullets" } } : icount(m, { style: "bullets" })),
  },
  {
    kind: "punctuation.no_commas",
    cues: ["coma", "virgule", "komma"],
    re: u(
      "(?<![\\p{L}])(?:sin (?:usar )?(?:ninguna )?comas?|no (?:uses|utilices|use|incluyas) (?:ninguna )?comas?|sans (?:aucune )?virgules?|(?:n'utilise|n'utilisez|ne mets|ne mettez) (?:pas|aucune) (?:de )?virgules?|(?:keine|ohne) kommas?|verwende(?:n sie)? keine kommas?)(?![\\p{L}])",
    ),
    build: () => ({ params: { scope: "commas" } }),
  },
  {
    kind: "case.lower",
    cues: ["minúscula", "minuscula", "minuscule", "kleinbuchstaben", "kleinschreibung"],
    re: u(
      "(?<![\\p{L}])(?:(?:en|solo en|todo en) minúsculas|(?:en|tout en) minuscules|in kleinbuchstaben|nur kleinbuchstaben)(?![\\p{L}])",
    ),
    build: () => ({ params: {} }),
  },
  {
    kind: "case.upper",
    cues: ["mayúscula", "mayuscula", "majuscule", "großbuchstaben", "grossbuchstaben"],
    re: u(
      "(?<![\\p{L}])(?:(?:en|solo en|todo en) mayúsculas|(?:en|tout en) majuscules|in (?:groß|gross)buchstaben|nur (?:groß|gross)buchstaben)(?![\\p{L}])",
    ),
    build: () => ({ params: {} }),
  },
  {
    kind: "keywords.exclude",
    cues: ["palabra", "mot", "wort"],
    re: u(
      "(?<![\\p{L}])(?:no (?:uses|utilices|use|menciones|incluyas|digas) (?:la palabra|las palabras)|sin (?:usar |mencionar )?(?:la palabra|las palabras)|(?:n'utilise|n'utilisez|ne mentionne|ne mentionnez|n'emploie|n'employez) (?:pas|jamais) (?:le mot|les mots)|sans (?:utiliser |employer )?(?:le mot|les mots)|(?:verwende|benutze|nutze|verwenden sie|benutzen sie) (?:nicht|niemals|nie) (?:das wort|die wörter)|ohne (?:das wort|die wörter))(?: (?:de |d'))?:? (?<list>[^.\\n;:!?]{1,120})",
    ),
    build: (m) => listed(m, "keywords"),
  },
  {
    kind: "keywords.include",
    cues: ["palabra", "mot", "wort", "wörter"],
    re: u(
      "(?<![\\p{L}])(?:(?:usa|utiliza|incluye|menciona) (?:la palabra|las palabras)|(?:utilise|utilisez|inclus|incluez|mentionne|mentionnez|emploie|employez) (?:le mot|les mots)|(?:verwende|benutze|nutze|verwenden sie|benutzen sie) (?:das wort|die wörter))(?: clave)?:? (?<list>[^.\\n;:!?]{1,120})",
    ),
    build: (m) => listed(m, "keywords"),
  },
  {
    kind: "startend.end_phrase",
    cues: ["termina", "finaliza", "acaba", "termine", "finis", "ende", "beende", "schließ"],
    re: u(
      `(?<![\\p{L}])(?:termina|finaliza|acaba|terminez|termine|finis|finissez|beende|beenden sie|schließe|schließen sie|ende)(?: (?:tu|su|la|ta|votre|deine|ihre|die|den|el) (?:respuesta|réponse|antwort|texto|texte|text))? (?:con|par|avec|mit) (?:la frase|la phrase|dem satz|der phrase|les mots|las palabras)?:? ?(?<phrase>${QUOTED}|«[^»\\n]{1,200}»|„[^“\\n]{1,200}“)`,
    ),
    build: (m) => {
      const raw = (g(m, "phrase") ?? "  ").trim();
      return { params: { phrase: unquote(raw).trim() } };
    },
  },
  {
    kind: "format.json",
    cues: ["json"],
    re: u(
      "(?<![\\p{L}])(?:en formato json|como json|en json|au format json|en json|als json|im json-format|im json format)(?![\\p{L}])",
    ),
    build: () => ({ params: {} }),
  },
  {
    kind: "format.title",
    cues: ["título", "titulo", "titre", "titel", "überschrift"],
    re: u(
      "(?<![\\p{L}])(?:(?:un|con un|incluye un) título|(?:un|avec un) titre|(?:einen|eine|mit einem|mit einer) (?:titel|überschrift))(?![\\p{L}])",
    ),
    build: () => ({ params: {} }),
  },
  {
    kind: "custom",
    cues: [""],
    scan: (text) => scanCustom(text),
  },
];
