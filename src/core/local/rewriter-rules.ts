// DO / DO NOT rules and success criteria for the rewriter, per task type and genre. Instructions
// only: they say how to do the task well, never what the facts are.
import type { Subject } from "./rewriter-subject.js";

export interface Rules {
  do: string[];
  dont: string[];
}

/** DO / DO NOT rules for the task; `topic` personalises the opening rule of a blog post. */
export function rulesFor(subject: Subject, opts: { ownFormat: boolean }): Rules {
  const { genre } = subject;
  switch (subject.taskType) {
    case "writing":
      if (genre === "blog-post")
        return {
          do: [
            `Open with a hook that states why ${subject.topic ?? "the topic"} matters to this audience now.`,
            "Support claims with concrete examples.",
            "Close with a practical takeaway the reader can act on this week.",
          ],
          dont: ["Do not invent statistics or quotes."],
        };
      if (genre === "product-copy")
        return {
          do: ["Lead with the main benefit for the buyer, then support it with concrete features."],
          dont: ["Do not invent specifications, awards or claims that are not in the product details."],
        };
      if (genre === "email")
        return {
          do: ["State the purpose of the email in the first two sentences.", "Say plainly what happens next."],
          dont: ["Do not promise anything the details provided do not support."],
        };
      if (genre === "rewrite" || genre === "summary")
        return {
          do: ["Keep every fact and the original meaning."],
          dont: ["Do not add information that is not in the source."],
        };
      return {
        do: ["Use concrete examples and plain language."],
        dont: ["Do not invent facts, statistics or quotes."],
      };
    case "creative":
      if (genre === "haiku")
        return {
          do: ["Follow the 5-7-5 syllable pattern across three lines.", "Build it around one concrete image."],
          dont: [],
        };
      if (genre === "names")
        return {
          do: ["Keep each name short and easy to say."],
          dont: ["Do not repeat a name or offer near-duplicates of the same word."],
        };
      if (genre === "story")
        return {
          do: [
            "Give the main character a clear want, an obstacle and a change by the end.",
            "Show through concrete detail rather than summary.",
          ],
          dont: [],
        };
      return { do: ["Favour concrete images over abstract statements."], dont: [] };
    case "coding":
      if (genre === "code-fix")
        return {
          do: ["Keep the function's signature unless the fix requires a change, and say so if it does."],
          dont: ["Do not rewrite unrelated code."],
        };
      if (genre === "refactor")
        return {
          do: ["Keep the external behaviour identical."],
          dont: ["Do not change public names or signatures without saying so."],
        };
      if (genre === "regex")
        return {
          do: ["Keep exactly the same matches as the original pattern, or say precisely what changes."],
          dont: [],
        };
      if (genre === "api")
        return {
          do: [
            "Validate input and return clear HTTP status codes and error messages.",
            "Use parameterised queries for every database call.",
          ],
          dont: ["Do not hard-code credentials or connection strings."],
        };
      if (genre === "sql")
        return {
          do: ["Handle ties and NULL values explicitly.", "Use standard SQL unless a dialect is named."],
          dont: ["Do not guess table or column names silently: state them as assumptions."],
        };
      return {
        do: ["Handle edge cases and invalid input explicitly.", "Follow the language's standard conventions."],
        dont: ["Do not add dependencies the task does not need."],
      };
    case "analysis":
      if (genre === "comparison")
        return {
          do: ["Apply the same criteria to every option."],
          dont: ["Do not recommend an option without naming its trade-offs."],
        };
      return {
        do: ["Base every conclusion on the material provided and say where it is insufficient."],
        dont: ["Do not invent figures or sources."],
      };
    case "reasoning":
    case "math":
      if (genre === "decision")
        return {
          do: ["Tie each argument to a fact from the question or to a stated assumption."],
          dont: ["Do not recommend without naming the main risks and trade-offs."],
        };
      if (genre === "proof") return { do: [], dont: ["Do not assume what is to be proved."] };
      if (!subject.hasNumbers)
        return {
          do: ["Use only the facts in the question, and state any assumption before relying on it."],
          dont: ["Do not skip steps."],
        };
      return {
        do: ["Keep every number, unit and time exactly as given.", "State each assumption before you use it."],
        dont: ["Do not skip steps or round intermediate results."],
      };
    case "classification":
      return {
        do: [
          subject.labels.length > 1
            ? `Use exactly one of these labels per item: ${subject.labels.join(", ")}.`
            : "Use exactly one label per item, from the set the task defines.",
          opts.ownFormat
            ? "For an ambiguous item, choose the closest label and say why in the Reason column."
            : "For an ambiguous item, choose the closest label.",
        ],
        dont: ["Do not skip items or invent new labels."],
      };
    case "extraction":
      return {
        do: ["Copy each value exactly as written, keeping formats, currency symbols and decimals."],
        dont: ["Do not infer or guess values that are not in the input."],
      };
    case "formatting":
      return {
        do: ["Preserve every value; change only the presentation."],
        dont: ["Do not drop, merge or invent content."],
      };
    case "medical":
      return {
        do: [
          "Give general information and say when to consult a doctor or pharmacist.",
          "Flag where the answer depends on age, other conditions or other medicines.",
        ],
        dont: ["Do not give a diagnosis or individual dosing advice."],
      };
    case "legal":
      return {
        do: [
          "Quote the exact words that create each risk.",
          "Say where the answer depends on the governing law or on terms not shown.",
        ],
        dont: ["Do not present the review as a substitute for a qualified lawyer's advice."],
      };
    case "education":
      if (genre === "quiz")
        return {
          do: [
            "Cover the key ideas of the topic, from basic to harder.",
            "Give a one-line explanation with each answer.",
          ],
          dont: ["Do not ask trick questions or about details outside the topic."],
        };
      return {
        do: [
          "Define each new term the first time it appears.",
          "Give an everyday example before any formal definition.",
        ],
        dont: [],
      };
    default:
      return {
        do: ["If essential details are missing, state the assumptions you make instead of guessing silently."],
        dont: [],
      };
  }
}

/** Success criteria: what a good answer is checked against. */
export function successFor(subject: Subject, hasConstraints: boolean): string[] {
  const out: string[] = [];
  const { genre } = subject;
  switch (subject.taskType) {
    case "writing":
      out.push(
        genre === "product-copy"
          ? "A buyer understands the main benefit from the first sentence."
          : "A reader can say in one sentence what the piece argues and what to do next.",
      );
      break;
    case "creative":
      out.push(
        genre === "names"
          ? "Every name is distinct, fits the brief and is easy to say."
          : "The piece has one clear focus and every line serves it.",
      );
      break;
    case "coding":
      out.push(
        genre === "sql"
          ? "The query runs on the stated schema and returns the intended rows, including ties and NULLs."
          : genre === "regex"
            ? "The new pattern matches the same strings and cannot backtrack catastrophically on long inputs."
            : "The code runs as written and the tests or example calls pass, including an edge case.",
      );
      break;
    case "analysis":
      out.push(
        genre === "comparison"
          ? "The recommendation follows from the comparison and names its trade-offs."
          : "Each conclusion points to the evidence it rests on.",
      );
      break;
    case "reasoning":
    case "math":
      out.push(
        genre === "decision"
          ? "The recommendation follows from the trade-offs weighed and says what would change it."
          : genre === "proof"
            ? "Every step follows from definitions or earlier steps, with no gap."
            : subject.hasNumbers
              ? "The final line follows from the steps shown and is consistent with every given number."
              : "The final line follows from the steps shown and is consistent with every fact in the question.",
      );
      break;
    case "classification":
      out.push("Every item gets exactly one label from the allowed set.");
      break;
    case "extraction":
      out.push("Every value in the output appears verbatim in the input, and none in the input is missed.");
      break;
    case "formatting":
      out.push("Nothing from the source is lost, added or changed in meaning.");
      break;
    case "medical":
      out.push("The answer is accurate, general and says clearly when to seek professional help.");
      break;
    case "legal":
      out.push("Each risk is tied to specific wording and comes with a suggested change.");
      break;
    case "education":
      out.push(
        genre === "quiz"
          ? "Every question has exactly one defensible answer, and the set fits the learners' level."
          : "A learner at this level could explain the idea back in their own words.",
      );
      break;
    default:
      out.push(
        genre === "improve"
          ? "Every change serves the stated goal, and the main changes are explained."
          : genre === "plan"
            ? "The plan fits the stated dates, budget and constraints, and every step is actionable."
            : "The answer is specific enough to act on without follow-up questions.",
      );
  }
  if (hasConstraints) out.push("Before answering, check the response against every requirement above.");
  return out;
}

/** Ordered steps for step-by-step and RISEN. */
