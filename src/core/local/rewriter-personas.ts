// Role lines for the rewriter: a specific professional identity derived from the task type, the
// genre of the deliverable and the domain vocabulary of the prompt. Generic but specific — no facts.
import type { DomainKey, Genre, Subject } from "./rewriter-subject.js";

const DOMAIN_ADJECTIVE: Readonly<Record<DomainKey, string>> = {
  "remote-work": "workplace and technology",
  workplace: "workplace",
  software: "technology",
  electronics: "consumer-electronics",
  finance: "finance",
  business: "business",
  health: "health",
  medicine: "medicine",
  travel: "travel",
  food: "food",
  biology: "science",
  physics: "science",
  chemistry: "science",
  "computer-science": "technology",
  mathematics: "mathematics",
};

const TEACHER_SUBJECT: Partial<Record<DomainKey, string>> = {
  "computer-science": "computer science",
  software: "programming",
  biology: "biology",
  physics: "physics",
  chemistry: "chemistry",
  finance: "personal finance",
  mathematics: "mathematics",
};

const WRITING_ROLES: Partial<Record<Genre, string>> = {
  "blog-post": "writer who turns research and first-hand practice into clear, engaging blog posts",
  "product-copy": "copywriter who writes concise, benefit-led product descriptions",
  email: "communications writer who writes clear, considerate emails that get to the point",
  "social-post": "writer who crafts authentic, concise social media posts that read well in a feed",
  summary: "editor who condenses long material into accurate, faithful summaries",
  rewrite: "editor who rewrites text for tone and clarity without changing its meaning",
  essay: "writer who builds well-argued, well-structured pieces from evidence",
  notes: "editor who turns rough notes into clear, well-organised documents",
};

const CREATIVE_ROLES: Partial<Record<Genre, string>> = {
  story: "You are a fiction writer who crafts short stories with vivid characters and a clear arc.",
  haiku: "You are a poet who writes precise, image-driven haiku.",
  poem: "You are a poet with a fine ear for rhythm, sound and concrete imagery.",
  names: "You are a brand-naming specialist who creates short, memorable, distinctive names.",
};

const CODING_ROLES: Partial<Record<Genre, string>> = {
  "code-fix": "who diagnoses bugs from first principles and fixes them with minimal, well-tested changes",
  refactor: "who refactors code for readability without changing its behaviour, backed by tests",
  regex: "who writes correct, efficient regular expressions and explains them plainly",
  sql: "who writes correct, efficient SQL and states every assumption about the schema",
  api: "who designs clean, secure REST APIs with clear error handling",
};

function withArticle(phrase: string): string {
  return /^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}

function domainAdj(subject: Subject): string {
  return subject.domain ? `${DOMAIN_ADJECTIVE[subject.domain]} ` : "";
}

/** One sentence, second person, ending with a period. */
export function personaFor(subject: Subject): string {
  const { taskType, genre, domain } = subject;
  switch (taskType) {
    case "writing": {
      const role =
        (genre && WRITING_ROLES[genre]) ?? "writer who produces clear, well-structured prose for a defined audience";
      return `You are an experienced ${domainAdj(subject)}${role}.`;
    }
    case "creative":
      return (
        (genre && CREATIVE_ROLES[genre]) ??
        "You are a creative writer with a strong ear for voice, rhythm and concrete imagery."
      );
    case "coding": {
      const lang = subject.language === "SQL" || genre === "sql" ? "data" : (subject.language ?? "software");
      const what = (genre && CODING_ROLES[genre]) ?? "who writes correct, readable, well-tested code";
      return `You are a senior ${lang} engineer ${what}.`;
    }
    case "analysis":
      if (genre === "comparison" && domain === "software")
        return "You are an experienced software architect who compares technologies against explicit criteria and recommends one.";
      if (genre === "review")
        return "You are a senior software engineer who reviews code changes for correctness, risk and maintainability.";
      if (genre === "diagnosis")
        return "You are an experienced site reliability engineer who finds root causes from evidence, not guesses.";
      return `You are an experienced ${domainAdj(subject)}analyst who bases every conclusion on the evidence provided and says where it is thin.`;
    case "reasoning":
      if (genre === "decision")
        return `You are an experienced ${domain === "software" ? "software architect" : `${domainAdj(subject)}advisor`} who weighs trade-offs explicitly and makes a clear recommendation.`;
      return "You are a careful analytical thinker who makes every assumption explicit and checks each step.";
    case "math":
      return genre === "proof"
        ? "You are a mathematician who writes rigorous, clearly justified proofs."
        : "You are a careful math tutor who solves problems step by step and checks every result.";
    case "classification":
      return `You are a meticulous ${domainAdj(subject)}analyst who labels items consistently against explicit criteria.`;
    case "extraction":
      return "You are a meticulous data-extraction specialist who copies values exactly as they appear in the source.";
    case "formatting":
      return genre === "conversion"
        ? "You are a meticulous engineer who converts data between formats without losing or changing any value."
        : "You are a meticulous editor who restructures content into clear documents without changing its meaning.";
    case "medical":
      return domain === "medicine"
        ? "You are an experienced clinical pharmacist who explains medicines accurately, in plain language, and says when to see a doctor."
        : "You are an experienced physician who explains health information accurately and in plain language.";
    case "legal":
      return "You are an experienced commercial contracts lawyer who reviews terms for risk and explains them in plain language.";
    case "education": {
      const subjectName = domain ? TEACHER_SUBJECT[domain] : undefined;
      const teacher = subjectName ? `${subjectName} teacher` : "teacher";
      return `You are ${withArticle(`patient ${teacher}`)} who explains ideas from first principles with concrete, everyday examples.`;
    }
    default:
      if (genre === "plan" && domain === "travel")
        return "You are an experienced travel planner who builds realistic plans around the traveller's constraints.";
      if (genre === "recipe" || domain === "food")
        return "You are a practical home cook who suggests meals that fit what is on hand.";
      if (genre === "improve")
        return "You are an experienced editor who improves work against explicit goals and explains each change.";
      return `You are a knowledgeable ${domainAdj(subject)}assistant who gives specific, practical answers.`;
  }
}

/** Short label for changes_made, e.g. "experienced workplace and technology writer". */
export function personaLabel(persona: string): string {
  const m = /^You are (?:an? )?(.+?) who\b/.exec(persona);
  return m ? m[1] : persona.replace(/^You are (?:an? )?/, "").replace(/\.$/, "");
}
