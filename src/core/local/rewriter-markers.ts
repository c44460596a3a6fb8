// Fill-in markers `[[…]]` for information only the user has, driven by the analyzer's diagnostics.
// Each marker says what is missing and gives neutral examples of the kind of answer; never a fact.
import type { Diagnostic } from "../pipeline/schemas.js";
import type { Subject } from "./rewriter-subject.js";

export interface Marker {
  /** Short name used in changes_made and notes, e.g. "audience". */
  label: string;
  /** The bullet line, e.g. "Audience: [[who will read this — e.g. team leads]]". */
  line: string;
}

function audienceExamples(subject: Subject): string {
  if (subject.domain === "remote-work") return "team leads, job seekers, HR managers";
  if (subject.domain === "electronics") return "commuters, frequent travellers, audiophiles";
  if (subject.taskType === "education") return "complete beginners, high-school students, professionals";
  if (subject.genre === "email") return "an affected customer, a partner, your team";
  if (subject.genre === "social-post") return "recruiters, former colleagues, people in your field";
  if (subject.genre === "names") return "students, commuters, families";
  if (subject.genre === "haiku" || subject.genre === "poem")
    return "children, poetry readers, a greeting-card audience";
  if (subject.taskType === "creative") return "children aged 8–10, adult fiction readers, a general audience";
  return "beginners, busy executives, engineers";
}

const LENGTH_EXAMPLES: Readonly<Record<string, string>> = {
  "blog-post": "800–1,000 words",
  "product-copy": "60–100 words",
  email: "120–180 words",
  "social-post": "80–150 words",
  story: "500–800 words",
  essay: "800–1,200 words",
  summary: "3–5 sentences",
  poem: "12–20 lines",
};

export function audienceMarker(subject: Subject): Marker {
  const who =
    subject.genre === "names"
      ? "who the names should appeal to"
      : subject.taskType === "education"
        ? "who is learning this"
        : "who will read this";
  return { label: "audience", line: `Audience: [[${who} — e.g. ${audienceExamples(subject)}]]` };
}

export function lengthMarker(subject: Subject): Marker {
  const example = (subject.genre && LENGTH_EXAMPLES[subject.genre]) ?? "a word count or number of paragraphs";
  return { label: "length", line: `Length: [[target length, e.g. ${example}]].` };
}

const TONE_EXAMPLES: Readonly<Record<string, string>> = {
  haiku: "wistful, serene, playful",
  poem: "wistful, joyful, dark",
  story: "whimsical, moving, suspenseful",
  names: "cosy, modern, playful",
  "product-copy": "premium and calm, playful, technical",
  email: "apologetic and direct, warm, formal",
};

export function toneMarker(subject: Subject): Marker {
  const examples = (subject.genre && TONE_EXAMPLES[subject.genre]) ?? "warm and practical, formal, playful";
  return { label: "tone", line: `Tone: [[e.g. ${examples}]]` };
}

/** PF-VAGUE: the angle and the points to cover, or what the vague phrase should mean. */
export function vagueMarkers(subject: Subject, diagnostic?: { span: string | null; message: string }): Marker[] {
  const span = diagnostic?.span;
  if (span && (subject.taskType === "coding" || subject.taskType === "general" || subject.taskType === "other")) {
    const tail = diagnostic.message.includes(": ")
      ? diagnostic.message.slice(diagnostic.message.indexOf(": ") + 2)
      : "";
    const hint =
      tail
        .replace(/^say\s+/i, "")
        .replace(/[.]$/, "")
        .trim() || "what exactly you mean";
    return [{ label: `what "${span}" means`, line: `Clarify "${span}": [[${hint}]]` }];
  }
  switch (subject.taskType) {
    case "writing":
    case "creative": {
      const noun = subject.genre === "blog-post" ? "post" : subject.genre === "story" ? "story" : "piece";
      const about = subject.topic ? ` about ${subject.topic}` : "";
      if (subject.genre === "story" || subject.genre === "poem" || subject.genre === "haiku")
        return [
          {
            label: "key elements",
            line: `Key elements: [[setting, mood or details the ${noun} must include, or "your choice"]]`,
          },
        ];
      return [
        { label: "angle", line: `Angle or thesis: [[the one point the ${noun} should make${about}]]` },
        { label: "key points", line: `Key points to cover: [[2–4 points, or "your choice"]]` },
      ];
    }
    case "analysis":
    case "reasoning":
      return [{ label: "question", line: "Question to answer: [[what you want to learn or decide]]" }];
    case "coding":
      return [{ label: "scope", line: "Scope: [[what exactly the code must do: inputs, outputs, limits]]" }];
    default:
      return [{ label: "goal", line: "Goal: [[what a good outcome looks like for you]]" }];
  }
}

/** PF-CONTEXT: the background the model cannot know, tailored to the domain. */
/** `phrase` is the span the diagnostic points at, e.g. "our sales numbers" (addressed back as "your …"). */
export function contextMarkers(subject: Subject, phrase: string | null): Marker[] {
  const { taskType, genre, domain } = subject;
  const about = phrase && referentOf(phrase) ? addressed(phrase) : null;
  if (genre === "plan" && domain === "travel")
    return [
      {
        label: "destination, dates and budget",
        line: "Destination, dates and budget: [[where, when, and how much you want to spend]]",
      },
      { label: "travellers", line: "Travellers and interests: [[who is going and what they enjoy]]" },
    ];
  if (genre === "recipe" || (taskType === "general" && domain === "food"))
    return [
      { label: "ingredients", line: "Ingredients on hand: [[what you have in the kitchen]]" },
      { label: "dietary needs and time", line: "Dietary needs and time available: [[e.g. vegetarian, 30 minutes]]" },
    ];
  switch (taskType) {
    case "analysis":
      return [
        {
          label: "data",
          line: `Data: [[paste ${about && !/^(?:your|the)\b/.test(about) ? `the ${about}` : (about ?? "the data to analyse")} here, with the period covered]]`,
        },
      ];
    case "coding":
      return genre === "code-fix"
        ? [
            {
              label: "symptom",
              line: "What goes wrong: [[the error message, or an input with expected vs. actual output]]",
            },
          ]
        : [{ label: "environment", line: "Environment: [[language version, framework and how the code runs]]" }];
    case "reasoning":
      return [
        {
          label: "constraints and priorities",
          line: "Constraints and priorities: [[budget, timeline, skills, what matters most]]",
        },
      ];
    case "writing":
      if (genre === "product-copy") {
        const examples =
          domain === "electronics" ? "battery life, comfort, connectivity" : "materials, sizes, what sets it apart";
        const of = about ? ` of ${about}` : "";
        return [
          { label: "product details", line: `Product details: [[key features and specs${of}, e.g. ${examples}]]` },
        ];
      }
      if (genre === "email")
        return [
          {
            label: "key facts",
            line: "Key facts: [[what happened, what you are doing about it, what the reader should do]]",
          },
        ];
      return [{ label: "background", line: "Background: [[facts, sources or experience the piece should draw on]]" }];
    case "legal":
      return [
        {
          label: "jurisdiction",
          line: "Jurisdiction and your position: [[governing law, and what you can negotiate]]",
        },
      ];
    case "medical":
      return [
        { label: "patient context", line: "Who it is for: [[age, relevant conditions or other medicines, if any]]" },
      ];
    default:
      return [
        {
          label: "background",
          line: about
            ? `Background: [[what the model should know about ${about}]]`
            : "Background: [[what the model needs to know about your situation]]",
        },
      ];
  }
}

const LEADING_DETERMINER_RE = /^(?:the|this|these|those|that|attached|following|my|our|your)\s+/i;
const TRAILING_POSITION_RE = /\s+(?:above|below|attached|here)$/i;

/** "the code above" → "code"; "our sales numbers" → "sales numbers"; pronouns → null. */
export function referentOf(spanText: string | null): string | null {
  if (!spanText) return null;
  let noun = spanText.trim();
  for (let i = 0; i < 2; i++) noun = noun.replace(LEADING_DETERMINER_RE, "");
  noun = noun.replace(TRAILING_POSITION_RE, "");
  if (!noun || /^(?:it|this|that|these|those|them|above|below)$/i.test(noun) || noun.length > 40) return null;
  return noun;
}

/** PF-DANGLING: a slot for the material the prompt refers to but does not include. */
export function inputMarker(referent: string | null): Marker {
  return {
    label: "input",
    line: referent ? `[[paste the ${referent} here]]` : "[[paste the text, code or document this refers to here]]",
  };
}

const QUALITY_EXAMPLES: Partial<Record<string, string>> = {
  coding: "smaller functions, clearer names, fewer side effects",
  creative: "funny, moving, a surprising ending",
  formatting: "brief, skimmable, grouped by topic",
  analysis: "cover every error type, under one page",
  writing: "more formal, warmer, more persuasive",
};

/** PF-VAGUE-QUALITY: what the vague quality word means to the user. */
export function qualityMarker(subject: Subject, word: string | null): Marker {
  const what = word ? `What "${word}" means here` : "Quality bar";
  const examples = QUALITY_EXAMPLES[subject.taskType] ?? "clearer, shorter, more persuasive";
  return { label: "quality bar", line: `${what}: [[the qualities that matter most, e.g. ${examples}]]` };
}

/** The vague quality word of a PF-VAGUE-QUALITY diagnostic: from its message, else the span's last word. */
export function qualityWord(prompt: string, d: Diagnostic | undefined): string | null {
  if (!d) return null;
  const fromMessage = /"([^"\n]{1,30})" has no criteria/.exec(d.message)?.[1];
  if (fromMessage) return fromMessage;
  const span = spanText(prompt, d);
  const last = span?.split(/\s+/).pop() ?? null;
  return last && /^[\p{L}-]{2,30}$/u.test(last) ? last : null;
}

/** The text a diagnostic points at, when it has a short span. */
export function spanText(prompt: string, d: Diagnostic | undefined): string | null {
  if (!d?.span) return null;
  const text = prompt.slice(d.span.start, d.span.end).trim();
  return text.length > 0 && text.length <= 60 && !text.includes('"') && !text.includes("\n") ? text : null;
}

/** "our new headphones" → "your new headphones": the user's possessives, addressed back to them. */
export function addressed(phrase: string): string {
  return phrase.replace(/^(?:our|my)\b/i, "your").replace(/^(?:these|this|those|that)\b/i, "the");
}
