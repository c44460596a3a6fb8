// PF-VAGUE and PF-VAGUE-QUALITY: words that leave the model guessing how much, which ones, or what
// "good" means. Each finding quotes the offending words and points at them.
import { DIAGNOSTIC_CODES, type Diagnostic } from "../pipeline/schemas.js";
import { type AnalysisFacts, diagnostic, matches } from "./analysis-facts.js";
import { quote, sentenceAt } from "./prompt-text.js";

const MAX_PER_CHECK = 8;

const QUANTIFIER_RE =
  /\b(?:some|a few|several|various|a bunch of|a lot of|lots of|many|a couple of) ([a-z][a-z-]{2,30})\b/gi;
const QUANTIFIER_STOPWORDS = new Set(
  "reason reasons time times point way ways cases case extent degree kind kinds sort sorts one ones people other others of more less sense help".split(
    " ",
  ),
);
const OPEN_ENDED_RE =
  /\b(?:etc\.?|and so on|and stuff|or something|what's going on|what is going on|what's happening|anything interesting|whatever you (?:think|want|like))/gi;
const TOP_RE = /\b(?:the )?(top|best|most important|biggest) ([a-z][a-z-]{2,30})\b/gi;
const TOP_NOUNS = new Set(
  "customers clients products items users sellers performers features ideas tips reasons results pages posts movies books songs employees accounts stocks companies countries cities".split(
    " ",
  ),
);
const BROAD_SUBJECT_RE = /\babout ((?:[\w'-]+ ){0,2}[\w'-]+)[ \t]*(?=[.!?]|$)/gim;
const SHORT_FORMS_RE = /\b(?:haiku|limerick|slogans?|taglines?|names?|jokes?|tweets?|one-liners?|riddles?)\b/i;

const QUALITY_RE =
  /\b(make (?:it|this|them|the \w+)|be|sound|look|feel|more|very|really|nice and|an?|something) (good|great|nice|nicer|better|clean|cleaner|professional|thorough|engaging|interesting|compelling|polished|high[- ]quality|amazing|awesome|perfect|catchy|effective|impactful|appealing|beautiful|cool|proper|optimal)\b/gi;
/** After "a"/"an", a quality word only counts when it describes the requested output. */
const OUTPUT_NOUN_RE =
  /^\s+(?:summary|story|post|description|email|article|essay|title|name|answer|response|explanation|report|job|one|version|poem|intro|introduction|headline|slogan|tagline|design|plan|list|overview|piece|letter|message|blog)\b/i;
const CRITERIA_RE =
  /\b(?:by (?:making|using|adding|removing|keeping)|so that|such that|meaning|i\.e\.|e\.g\.|for example|in terms of|criteria|defined as|which means)\b/i;

export function vaguenessDiagnostics(facts: AnalysisFacts): Diagnostic[] {
  const { plain } = facts.pt;
  const out: Diagnostic[] = [];
  const span = (m: RegExpExecArray) => ({ start: m.index, end: m.index + m[0].length });

  for (const m of matches(QUANTIFIER_RE, plain, MAX_PER_CHECK * 3)) {
    if (QUANTIFIER_STOPWORDS.has(m[1].toLowerCase())) continue;
    out.push(
      diagnostic(DIAGNOSTIC_CODES.VAGUE, "info", `${quote(m[0])} is vague: say which ones or how many.`, span(m)),
    );
    if (out.length >= MAX_PER_CHECK) break;
  }
  for (const m of matches(OPEN_ENDED_RE, plain, MAX_PER_CHECK)) {
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.VAGUE,
        "info",
        `${quote(m[0])} is open-ended: say what you want to find out.`,
        span(m),
      ),
    );
  }
  for (const m of matches(TOP_RE, plain, MAX_PER_CHECK * 3)) {
    if (!TOP_NOUNS.has(m[2].toLowerCase())) continue;
    out.push(diagnostic(DIAGNOSTIC_CODES.VAGUE, "warning", `${quote(m[0])}: how many, and ranked by what?`, span(m)));
  }
  if ((facts.taskType === "writing" || facts.taskType === "creative") && facts.words <= 15) {
    if (!SHORT_FORMS_RE.test(plain)) {
      for (const m of matches(BROAD_SUBJECT_RE, plain, 2)) {
        out.push(
          diagnostic(
            DIAGNOSTIC_CODES.VAGUE,
            "info",
            `${quote(m[0])} is broad: no angle, thesis or key points.`,
            span(m),
          ),
        );
      }
    }
  }

  let quality = 0;
  for (const m of matches(QUALITY_RE, plain, MAX_PER_CHECK * 4)) {
    if (quality >= MAX_PER_CHECK) break;
    const prefix = m[1].toLowerCase();
    const end = m.index + m[0].length;
    if ((prefix === "a" || prefix === "an") && !OUTPUT_NOUN_RE.test(plain.slice(end, end + 20))) continue;
    const sentence = sentenceAt(facts.sentences, m.index);
    if (sentence && CRITERIA_RE.test(plain.slice(end, sentence.end))) continue;
    const word = m[2].toLowerCase();
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.VAGUE_QUALITY,
        "warning",
        `${quote(m[0])}: "${word}" has no criteria; say what ${word} means here.`,
        span(m),
      ),
    );
    quality++;
  }
  return out;
}
