// What a prompt is about, read from its own vocabulary: the genre of the deliverable, the domain,
// the topic, the programming language, label sets and field names. The rewriter tailors personas,
// formats and markers from this; everything here is taken from the prompt, never invented.
import type { Analysis, TaskType } from "../pipeline/schemas.js";

export type Genre =
  | "blog-post"
  | "product-copy"
  | "email"
  | "social-post"
  | "summary"
  | "rewrite"
  | "essay"
  | "story"
  | "haiku"
  | "poem"
  | "names"
  | "code-fix"
  | "sql"
  | "refactor"
  | "regex"
  | "api"
  | "code"
  | "quiz"
  | "lesson"
  | "comparison"
  | "review"
  | "diagnosis"
  | "decision"
  | "proof"
  | "word-problem"
  | "conversion"
  | "notes"
  | "plan"
  | "recipe"
  | "improve";

export interface Subject {
  taskType: TaskType;
  genre: Genre | null;
  /** Domain adjective for personas, e.g. "workplace and technology", "consumer-electronics". */
  domain: DomainKey | null;
  /** The phrase after "about", e.g. "remote work". */
  topic: string | null;
  /** Programming language named or shown in the prompt. */
  language: string | null;
  /** Labels listed in a classification prompt ("as urgent or not urgent"). */
  labels: string[];
  /** Fields named in an extraction prompt ("names, dates and amounts", "keys sku and qty"). */
  fields: string[];
  /** Whether the field names were given as exact keys by the user. */
  exactKeys: boolean;
  /** Shape of the final answer line for reasoning tasks, e.g. "<time>". */
  answerShape: string;
  /** Whether the prompt states numbers (a calculation) or only facts (a logic puzzle). */
  hasNumbers: boolean;
}

export type DomainKey =
  | "remote-work"
  | "workplace"
  | "software"
  | "electronics"
  | "finance"
  | "business"
  | "health"
  | "medicine"
  | "travel"
  | "food"
  | "biology"
  | "physics"
  | "chemistry"
  | "computer-science"
  | "mathematics";

const DOMAIN_RULES: ReadonlyArray<readonly [DomainKey, RegExp]> = [
  ["remote-work", /\b(?:remote work|hybrid work|work(?:ing)? from home|wfh|distributed teams?)\b/i],
  ["electronics", /\b(?:headphones|earbuds|speakers?|laptops?|smartphones?|smartwatch|cameras?|tablets?)\b/i],
  ["computer-science", /\b(?:recursion|algorithms?|data structures?|big-o|sorting|binary search)\b/i],
  ["biology", /\b(?:photosynthesis|biology|cells?|genetics|dna|evolution|ecosystems?)\b/i],
  ["physics", /\b(?:physics|gravity|velocity|energy|quantum|relativity)\b/i],
  ["chemistry", /\b(?:chemistry|molecules?|atoms?|chemical|reactions?)\b/i],
  ["finance", /\b(?:financ\w*|invest\w*|trading|options|stocks?|bonds?|portfolio|budget\w*|tax(?:es)?|retirement)\b/i],
  [
    "software",
    /\b(?:software|code|api|apps?|cloud|microservices?|monolith|react|vue|svelte|angular|database|devops|kubernetes|deploy\w*|pr|pull request|logs?|frontend|backend|dashboard)\b/i,
  ],
  ["business", /\b(?:sales|revenue|customers?|marketing|pricing|churn|kpis?|profit|startup|brand)\b/i],
  ["travel", /\b(?:trips?|travel\w*|vacation|holiday|itinerar\w+|flights?|hotels?)\b/i],
  ["food", /\b(?:cook\w*|recipes?|dinner|lunch|breakfast|meals?|food|coffee|restaurant|bak\w+|cuisine)\b/i],
  [
    "medicine",
    /\b(?:ibuprofen|paracetamol|acetaminophen|aspirin|medications?|medicines?|drugs?|dos(?:e|age)s?|side effects|prescriptions?)\b/i,
  ],
  ["health", /\b(?:health|fitness|diet|nutrition|sleep|exercise|workout|wellbeing)\b/i],
  [
    "workplace",
    /\b(?:jobs?|career|hiring|interviews?|resumes?|managers?|employees?|workplace|colleagues?|meetings?)\b/i,
  ],
  ["mathematics", /\b(?:irrational|prime|theorem|integers?|equations?|algebra|geometry|calculus)\b/i],
];

const GENRE_RULES: ReadonlyArray<readonly [Genre, RegExp, ReadonlySet<TaskType> | null]> = [
  ["haiku", /\bhaikus?\b/i, null],
  ["poem", /\b(?:poems?|poetry|sonnets?|limericks?|verses?|lyrics)\b/i, null],
  ["names", /\b(?:names|name ideas|slogans?|taglines?)\b(?=.*\bfor\b)|\bname (?:for|my|our)\b/i, null],
  ["story", /\b(?:short story|story|stories|tale|fiction|narrative)\b/i, null],
  ["quiz", /\b(?:quiz|flashcards?|test questions|exam questions)\b/i, null],
  ["code-fix", /\b(?:fix|debug|bug|broken|doesn'?t work|not working|error)\b/i, new Set(["coding"])],
  ["refactor", /\b(?:refactor\w*|clean(?:er)? up|cleaner)\b/i, new Set(["coding"])],
  ["regex", /\b(?:regex|regular expressions?)\b/i, new Set(["coding"])],
  ["sql", /\b(?:sql|query|queries)\b/i, new Set(["coding"])],
  ["api", /\b(?:rest api|api|endpoints?|crud)\b/i, new Set(["coding"])],
  ["code", /./, new Set(["coding"])],
  ["comparison", /\b(?:compare|comparison|versus|vs\.?)\b/i, new Set(["analysis", "reasoning", "general"])],
  ["review", /\b(?:pr|pull request|code review|diff)\b/i, new Set(["analysis", "coding"])],
  ["diagnosis", /\b(?:root cause|logs?|errors?|incident|outage)\b/i, new Set(["analysis"])],
  ["decision", /\bshould (?:we|i)\b/i, new Set(["reasoning", "analysis", "general"])],
  ["proof", /\b(?:prove|proof|show that)\b/i, new Set(["math", "reasoning"])],
  ["word-problem", /./, new Set(["math"])],
  ["conversion", /\b(?:convert|translate)\b.*\b(?:json|yaml|csv|xml|markdown|html|toml)\b/i, null],
  ["notes", /\b(?:meeting notes|notes|minutes|transcript)\b/i, new Set(["formatting", "writing"])],
  ["summary", /\b(?:summari[sz]e|summary|tl;?dr)\b/i, null],
  ["blog-post", /\b(?:blog posts?|articles?|newsletter)\b/i, new Set(["writing", "creative", "general"])],
  ["product-copy", /\b(?:product descriptions?|product copy|landing page|ad copy)\b/i, null],
  ["email", /\b(?:e-?mails?|letters?)\b/i, new Set(["writing", "general"])],
  ["social-post", /\b(?:linkedin|twitter|tweet|social media|instagram|facebook) ?(?:posts?)?\b/i, new Set(["writing"])],
  ["essay", /\b(?:essays?|reports?|speech)\b/i, new Set(["writing", "education"])],

  ["rewrite", /\b(?:rewrite|rephrase|paraphrase|proofread|polish|edit)\b/i, null],
  ["lesson", /./, new Set(["education"])],
  ["plan", /\b(?:plan|itinerary|schedule|roadmap)\b/i, new Set(["general", "other"])],
  ["recipe", /\b(?:cook|recipes?|dinner|meal)\b/i, new Set(["general", "other"])],
  ["improve", /\b(?:make it better|improve (?:it|this)|better)\b/i, new Set(["general", "other"])],
];

const LANGUAGE_RULES: ReadonlyArray<readonly [string, RegExp]> = [
  ["TypeScript", /\btypescript\b|\.tsx?\b/i],
  ["Python", /\bpython\b|\bdef \w+\(|\.py\b/i],
  ["SQL", /\bsql\b|\bselect\b[\s\S]*\bfrom\b/i],
  ["JavaScript", /\b(?:javascript|node(?:\.js)?|express|react|vue|svelte)\b|\bfunction \w+\(|=>/i],
  ["Go", /\bgolang\b|\bgo (?:function|code|program)\b/i],
  ["Rust", /\brust\b/i],
  ["Java", /\bjava\b(?!script)/i],
  ["C#", /\bc#|\.net\b/i],
  ["Bash", /\b(?:bash|shell script)\b/i],
];

const CODE_SIGNALS_RE =
  /\b(?:solidity|smart contracts?|source code|implement(?:ation)?|function|api|script|develop(?:er)?)\b/i;
const TOPIC_RE = /\babout ([^.,;:!?\n"“]{2,60}?)(?=[.,;:!?\n"“]|\s+(?:for|that|in|with|and then)\b|$)/i;
const LABELS_RE =
  /\b(?:as|into)\s+((?:[\w'-]+\s){0,3}?[\w'-]+(?:\s*,\s*(?:[\w'-]+\s){0,3}?[\w'-]+)*,?\s+(?:or|and)\s+(?:[\w'-]+\s){0,3}?[\w'-]+)(?=[.,;:!?\n]|$)/i;
const KEYS_RE =
  /\b(?:keys?|fields?|columns?|properties)\s+((?:["'`]?[\w-]+["'`]?\s*(?:,\s*|\s+and\s+|\s*,\s*and\s+)?){1,12})/i;
const FIELDS_RE = /\b(?:all the|all|every|each)\s+([a-z][\w ,-]{1,80}?)\s+(?:from|in|of)\b/i;
const LIST_SPLIT_RE = /\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+/;

function firstMatch<T extends string>(text: string, rules: ReadonlyArray<readonly [T, RegExp]>): T | null {
  for (const [key, re] of rules) if (re.test(text)) return key;
  return null;
}

function detectGenre(text: string, taskType: TaskType): Genre | null {
  for (const [genre, re, types] of GENRE_RULES) {
    if (types && !types.has(taskType)) continue;
    if (re.test(text)) return genre;
  }
  return null;
}

function splitList(raw: string): string[] {
  return raw
    .split(LIST_SPLIT_RE)
    .map((s) => s.trim().replace(/^["'`]|["'`]$/g, ""))
    .filter((s) => s.length > 0 && s.length <= 40);
}

function answerShapeFor(text: string, genre: Genre | null): string {
  if (genre === "decision") return "<recommendation in one sentence>";
  if (/\bwhen\b|\bwhat time\b/i.test(text)) return "<time>";
  if (/\bhow (?:many|much)\b/i.test(text)) return "<number with unit>";
  if (/\bhow (?:long|far)\b/i.test(text)) return "<quantity with unit>";
  if (/\bhow do (?:you|i|we)\b/i.test(text)) return "<the procedure in one or two sentences>";
  if (/\b(?:which|who)\b/i.test(text)) return "<the answer in one sentence>";
  return "<answer>";
}

export function detectSubject(prompt: string, analysis: Analysis): Subject {
  // Vocabulary lives at the start of a prompt; scanning a bounded head keeps this linear.
  const head = prompt.length > 4_000 ? prompt.slice(0, 4_000) : prompt;
  // Templates follow the task type; a "contract" that is a smart contract is code, not law.
  const taskType = analysis.task_type === "legal" && CODE_SIGNALS_RE.test(head) ? "coding" : analysis.task_type;
  const genre = detectGenre(head, taskType);
  const topic = TOPIC_RE.exec(head)?.[1]?.trim() ?? null;
  let labels: string[] = [];
  if (taskType === "classification") {
    const m = LABELS_RE.exec(head);
    if (m) labels = splitList(m[1]);
  }
  let fields: string[] = [];
  let exactKeys = false;
  if (taskType === "extraction" || taskType === "formatting") {
    const keys = KEYS_RE.exec(head);
    if (keys) {
      fields = splitList(keys[1]).map((f) => f.replace(/[^\w-]/g, ""));
      exactKeys = fields.length > 0;
    }
    if (!exactKeys) {
      const m = FIELDS_RE.exec(head);
      if (m) fields = splitList(m[1]).map((f) => f.toLowerCase().replace(/\s+/g, "_").replace(/[^\w]/g, ""));
    }
    fields = fields.filter((f, i, all) => f.length > 0 && all.indexOf(f) === i).slice(0, 12);
  }
  return {
    taskType,
    genre,
    domain: firstMatch(head, DOMAIN_RULES),
    topic: topic && topic.length > 1 ? topic : null,
    language: taskType === "coding" || genre === "conversion" ? firstMatch(head, LANGUAGE_RULES) : null,
    labels,
    fields,
    exactKeys,
    answerShape: answerShapeFor(head, genre),
    hasNumbers: /\d/.test(head),
  };
}
