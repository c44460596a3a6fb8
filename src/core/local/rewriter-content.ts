// Process scaffolds for the rewriter: ordered steps, reasoning steps, assumptions to state, and
// CO-STAR style and tone, chosen by task type and genre.
import type { Subject } from "./rewriter-subject.js";

export function stepsFor(subject: Subject): string[] {
  const { genre } = subject;
  switch (subject.taskType) {
    case "coding":
      if (genre === "regex")
        return [
          "Explain the pattern part by part.",
          "Identify what makes it slow, such as nested quantifiers that backtrack.",
          "Write an equivalent pattern that avoids it.",
          "Show inputs that both patterns match, and one long input where the difference shows.",
        ];
      if (genre === "sql")
        return [
          "State the assumed tables, columns and their meaning.",
          "Write the query.",
          "Check it against an edge case such as ties or NULLs.",
        ];
      return genre === "code-fix"
        ? [
            "State what the code does now and what it should do.",
            "Find the root cause.",
            "Apply the smallest change that removes it.",
            "Test the change, including an edge case.",
          ]
        : [
            "Restate the requirements and any assumptions.",
            "Outline the approach.",
            "Write the code.",
            "Add tests or example calls for normal and edge cases.",
            "Review the code against the requirements.",
          ];
    case "education":
      if (genre === "quiz")
        return ["Pick the key ideas to test.", "Write the questions, from basic to harder.", "Write the answer key."];
      return [
        "Start from what the learner already knows.",
        "Introduce the core idea with an everyday example.",
        "Build up one concept at a time, checking each before moving on.",
        "End with a short exercise or question and a recap.",
      ];
    case "writing":
    case "creative":
      return ["Outline the main points or beats.", "Write the draft.", "Revise it against the requirements."];
    case "math":
    case "reasoning":
      return [
        "List the given facts and numbers.",
        "State the assumptions.",
        "Solve step by step.",
        "Check the result against the givens.",
      ];
    case "extraction":
    case "classification":
    case "formatting":
      return [
        "Read the whole input first.",
        "Process each item in order.",
        "Check the output against the requirements before returning it.",
      ];
    default:
      return [
        "Clarify the goal and the constraints.",
        "Work through the task part by part.",
        "Check the result against the requirements.",
      ];
  }
}

/** Reasoning scaffold for chain-of-thought. */
export function reasoningFor(subject: Subject, hasAssumptions: boolean): string[] {
  if (subject.genre === "comparison")
    return [
      "Name the criteria that matter for this use case before comparing.",
      "Assess each option against every criterion.",
      "Weigh the trade-offs.",
      "Recommend one option and say what would change the recommendation.",
    ];
  if (subject.genre === "diagnosis")
    return [
      "List the errors and when they occur.",
      "Correlate them with other events in the material.",
      "Form hypotheses and test each against the evidence.",
      "Name the root cause and the evidence for it.",
    ];
  if (subject.taskType === "analysis")
    return [
      "Summarise what the material shows.",
      "Identify patterns, outliers and gaps.",
      "Weigh possible explanations against the evidence.",
      "Draw conclusions, noting how confident you are in each.",
    ];
  if (subject.genre === "proof")
    return [
      "State what is to be proved and the method (e.g. contradiction, induction).",
      "Justify every step from definitions or earlier steps.",
      "Check the argument for gaps before concluding.",
    ];
  if (subject.genre === "decision")
    return [
      "List the relevant facts from the question.",
      "Identify the options and the criteria that matter.",
      "Weigh each option against the criteria.",
      "Decide, and say what would change the decision.",
    ];
  // Code is reasoned about as code: inputs, edge cases, approach — never units and calculations.
  if (subject.taskType === "coding")
    return [
      "Restate the inputs, the expected output and the edge cases (empty, invalid or very large input).",
      "Outline the approach and its time and space complexity before writing code.",
      "Write the code one part at a time, saying why each part is needed.",
      "Check the code against every requirement and trace one edge case through it.",
    ];
  if (!subject.hasNumbers)
    return [
      "Restate what is known and what is asked.",
      hasAssumptions ? "Confirm the assumptions above still fit the problem." : "State the assumptions explicitly.",
      "Reason one step at a time, saying why each step follows.",
      "Check the answer against every fact in the question.",
    ];
  return [
    "List the given facts and numbers with their units.",
    hasAssumptions ? "Confirm the assumptions above still fit the problem." : "State the assumptions explicitly.",
    "Work through the solution one step at a time, showing each calculation.",
    "Check the result against the original numbers.",
  ];
}

const MOTION_RE = /\b(?:mph|km\/h|kph|miles per hour|speed|leaves at|departs)\b/i;

/** Assumptions a reasoning task must make explicit; motion problems get the classic ones. */
export function assumptionsFor(subject: Subject, prompt: string): string[] {
  if ((subject.taskType === "math" || subject.taskType === "reasoning") && MOTION_RE.test(prompt))
    return [
      "Both start from the same point and travel in the same direction.",
      "Speeds are constant, with no stops.",
      "If the problem implies otherwise, say so and adjust.",
    ];
  return [];
}

/** CO-STAR style and tone; a fill-in marker where only the user can choose. */
export function styleFor(subject: Subject): string {
  switch (subject.taskType) {
    case "creative":
      return "Vivid and concrete: show rather than tell.";
    case "education":
      return "Plain language, one idea at a time, examples before definitions.";
    case "analysis":
    case "reasoning":
    case "math":
      return "Precise and evidence-first; one step per line.";
    case "writing":
      return "Clear, concrete prose in short paragraphs, active voice.";
    default:
      return "Direct and practical.";
  }
}

export function toneFor(subject: Subject): string {
  switch (subject.taskType) {
    case "writing":
    case "creative":
      return "[[tone — e.g. warm and practical, formal, playful]]";
    case "education":
      return "Patient and encouraging.";
    case "medical":
      return "Calm, factual and non-alarming.";
    case "legal":
      return "Precise and neutral.";
    default:
      return "Neutral and professional.";
  }
}
