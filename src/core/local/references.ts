// PF-CONTEXT and PF-DANGLING: the prompt leans on things the model cannot see — "our sales
// numbers", "the attached logs", "the code above", "these emails" — or says too little to act on.
import { DIAGNOSTIC_CODES, type Diagnostic } from "../pipeline/schemas.js";
import { type AnalysisFacts, diagnostic, hasMaterialAfter, hasMaterialBefore, matches } from "./analysis-facts.js";
import { quote } from "./prompt-text.js";

const MAX_PER_CHECK = 6;

const MATERIAL_NOUNS =
  "articles?|texts?|documents?|docs?|passages?|transcripts?|e-?mails?|essays?|paragraphs?|snippets?|code|logs?|files?|data|dataset|reports?|story|stories|lists?|notes|invoices?|contracts?|clauses?|order text|messages?|conversations?|threads?|PRs?|pull requests?|diffs?|screenshots?|images?|spreadsheets?|functions?|scripts?|queries|query|regexp?|tweets?|reviews?|comments?|posts?|emails?|pages?|chapters?|csv|json|yaml|xml|html|sql|error|errors|stack ?traces?|outputs? below|table below|slides?|resumes?|cvs?|letters?|poems?|sentences?|questions?|results";
/** "this function", "these customer emails", "the code above", "the following", "the article". */
const DANGLING_RE = new RegExp(
  `\\b(?:(?:this|these|those) (?:[\\w-]+ )?(?:${MATERIAL_NOUNS})\\b(?: (?:above|below))?|the (?:following|above|below)(?: (?:[\\w-]+ )?(?:${MATERIAL_NOUNS})\\b)?|the (?:[\\w-]+ )?(?:${MATERIAL_NOUNS})\\b(?: (?:above|below))|the (?:article|text|document|passage|transcript|essay|paragraph|snippet|code|data|notes|invoice|contract|clause|order text|conversation|thread|diff|screenshot|spreadsheet|email|emails|story|PR|pull request)\\b)`,
  "gi",
);
/** "make it better", "fix this": a bare pronoun as the object of the first instruction. */
const OPENING_PRONOUN_RE =
  /^\s*(?:please\s+)?(?:make|fix|improve|rewrite|summari[sz]e|translate|explain|review|check|edit|shorten|expand|polish|refactor|optimi[sz]e|proofread|analy[sz]e|debug|simplify|clean up)\s+(it|this|that|them)\b/i;
const SUPPLIED_DATA_RE =
  /\b(?:(?:our|my) (?:[\w-]+ )?(?:sales|numbers|data|metrics|logs|revenue|figures|results|codebase|database|schema|spreadsheet|survey|analytics|dashboard|stats|statistics|kpis|financials|budget|records)|(?:the )?(?:attached|uploaded|provided|enclosed) (?:[\w-]+ )?(?:logs?|files?|data|documents?|docs?|reports?|spreadsheets?|csv|pdf|images?|screenshots?|code|notes|texts?|emails?|transcripts?|slides?|results|resume|cv)|(?:the )?(?:attached|uploaded|enclosed) [\w-]+)\b/gi;
const NEW_PRODUCT_RE = /\b(?:our|my) new (?:[\w-]+ ){0,2}[\w-]+/gi;
const VERY_SHORT_WORDS = 3;
const SHORT_GENERAL_WORDS = 6;

/** "Draft an email … The email must end with …": "the email" is the requested output, not input. */
function mentionedAsOutput(text: string, before: number, noun: string): boolean {
  const head = noun.split(" ").pop() ?? noun;
  const escaped = head.replace(/[^\w-]/g, "");
  if (escaped === "") return false;
  return new RegExp(`\\b(?:an?|one|the following) (?:[\\w-]+ ){0,2}${escaped}`, "i").test(text.slice(0, before));
}

export function referenceDiagnostics(facts: AnalysisFacts): Diagnostic[] {
  const { plain } = facts.pt;
  const out: Diagnostic[] = [];
  const hasCodeContext = (facts.codebaseContext?.code_snippets?.length ?? 0) > 0;
  const codeRef = /\b(?:code|function|script|snippet|query|regex|diff|PR|pull request|class|method)/i;

  // PF-CONTEXT: too short to act on.
  if (
    facts.placeholders.length === 0 &&
    facts.materialAt.length === 0 &&
    (facts.words <= VERY_SHORT_WORDS || (facts.words <= SHORT_GENERAL_WORDS && facts.taskType === "general"))
  ) {
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.CONTEXT,
        "warning",
        `Very short prompt (${facts.words} word${facts.words === 1 ? "" : "s"}): no goal, background or constraints.`,
      ),
    );
  }

  // PF-CONTEXT: data the prompt refers to but does not include.
  let data = 0;
  for (const m of matches(SUPPLIED_DATA_RE, plain, MAX_PER_CHECK * 2)) {
    if (data >= MAX_PER_CHECK) break;
    const end = m.index + m[0].length;
    if (hasMaterialAfter(facts, end)) continue;
    if (hasCodeContext && codeRef.test(m[0])) continue;
    const attached = /attached|uploaded|provided|enclosed/i.test(m[0]);
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.CONTEXT,
        "warning",
        attached ? `${quote(m[0])} is not included in the prompt.` : `${quote(m[0])} is referred to but not supplied.`,
        { start: m.index, end },
      ),
    );
    data++;
  }
  if (facts.taskType === "writing" || facts.taskType === "creative") {
    for (const m of matches(NEW_PRODUCT_RE, plain, 2)) {
      if (hasMaterialAfter(facts, m.index + m[0].length)) continue;
      out.push(
        diagnostic(
          DIAGNOSTIC_CODES.CONTEXT,
          "info",
          `No details about ${quote(m[0])} (features, differentiators) are given.`,
          { start: m.index, end: m.index + m[0].length },
        ),
      );
    }
  }

  // PF-DANGLING: a reference to material that is neither before nor after it.
  const opening = OPENING_PRONOUN_RE.exec(plain);
  if (opening !== null) {
    const start = opening.index + opening[0].length - opening[1].length;
    const end = opening.index + opening[0].length;
    if (!hasMaterialAfter(facts, end)) {
      out.push(
        diagnostic(
          DIAGNOSTIC_CODES.DANGLING_REFERENCE,
          "warning",
          `"${opening[1]}" refers to something that is not in the prompt.`,
          { start, end },
        ),
      );
    }
  }
  let dangling = 0;
  for (const m of matches(DANGLING_RE, plain, MAX_PER_CHECK * 4)) {
    if (dangling >= MAX_PER_CHECK) break;
    const start = m.index;
    const end = start + m[0].length;
    if (/attached|uploaded|provided|enclosed/i.test(plain.slice(Math.max(0, start - 12), start))) continue;
    if (hasMaterialAfter(facts, end)) continue;
    if (hasMaterialBefore(facts, start)) continue;
    if (/^the /i.test(m[0]) && mentionedAsOutput(plain, start, m[0].slice(4))) continue;
    if (hasCodeContext && codeRef.test(m[0])) continue;
    out.push(
      diagnostic(
        DIAGNOSTIC_CODES.DANGLING_REFERENCE,
        "warning",
        `${quote(m[0])} refers to material that is not in the prompt.`,
        { start, end },
      ),
    );
    dangling++;
  }
  return out;
}
