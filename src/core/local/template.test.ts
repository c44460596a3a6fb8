import { describe, expect, it } from "vitest";
import { runPipeline } from "../pipeline/run.js";
import { analyzePrompt } from "./analyzer.js";
import { createLocalEngine } from "./engine.js";
import { rewritePrompt } from "./rewriter.js";
import { selectStrategy } from "./selector.js";
import { completionCue, detectTemplate, outputContract, placeholderSequence } from "./template.js";

function optimize(prompt: string): string {
  const analysis = analyzePrompt(prompt);
  const strategy = selectStrategy({ prompt, analysis });
  return rewritePrompt({ prompt, analysis, strategy }).optimized_prompt;
}

/** Output forms the engine would add; none may appear unless the author's prompt already has it. */
const FORMAT_MARKERS: Array<[string, RegExp]> = [
  ["a table", /\|\s*[-:]{3,}|\btable with columns\b/i],
  ["JSON", /\bjson\b/i],
  ["a bulleted answer format", /\bbullet(?:ed)? list\b|\bbullets?\b/i],
  ["an Output format section", /^## (?:Output format|Response format)$/m],
  ["example slots", /^## Examples$/m],
  ["a Final answer line", /^Final answer:/m],
];

interface Golden {
  name: string;
  prompt: string;
  /** The role sentence that must come first, when the template has one. */
  role?: string;
}

const GOLDENS: Golden[] = [
  // The three from the issue.
  {
    name: "classification: tweet sentiment",
    prompt: "Classify the sentiment of this tweet as positive, negative or neutral: {tweet}",
  },
  {
    name: "RAG: law-firm assistant",
    prompt:
      "You are a helpful assistant for a law firm. Answer client questions about {{topic}} using only the documents provided in <docs>{{documents}}</docs>. If you don't know, say so. Keep answers under 150 words.",
    role: "You are a helpful assistant for a law firm.",
  },
  {
    name: "extraction: invoice to JSON",
    prompt: "Extract all dates and amounts from the invoice below and return JSON. INVOICE: {{invoice_text}}",
  },
  // Classification.
  {
    name: "classification: support ticket routing",
    prompt:
      "You are a support triage bot. Categorize the ticket into one of: billing, technical, account, other. Respond with only the category name.\n\nTicket: {ticket_body}\nCategory:",
    role: "You are a support triage bot.",
  },
  {
    name: "classification: yes/no relevance",
    prompt:
      "Decide whether the passage answers the question. Answer yes or no.\n\nQuestion: {question}\nPassage: {passage}\nAnswer:",
  },
  // Extraction.
  {
    name: "extraction: contact fields",
    prompt:
      'Extract the name, email and phone number from the message and return a JSON object with keys name, email, phone. Use null for anything missing.\n\nMessage:\n"""\n{message}\n"""',
  },
  {
    name: "extraction: keywords with a cue",
    prompt:
      "Some text is provided below. Given the text, extract up to {max_keywords} keywords from the text. Avoid stopwords.\n---------------------\n{text}\n---------------------\nProvide keywords in the following comma-separated format: 'KEYWORDS: <keywords>'\n",
  },
  // RAG answering.
  {
    name: "RAG: context then query then cue",
    prompt:
      "Context information is below.\n---------------------\n{context_str}\n---------------------\nGiven the context information and not prior knowledge, answer the query.\nQuery: {query_str}\nAnswer: ",
  },
  {
    name: "RAG: support agent with sources",
    prompt:
      "You are Acme's support agent. Use the knowledge base articles in <kb>{{articles}}</kb> to answer the customer's question: {{question}}. Cite the article title you used. Never make up policies.",
    role: "You are Acme's support agent.",
  },
  // SQL generation.
  {
    name: "SQL: text to SQL with a fixed format",
    prompt:
      "Given an input question, create a syntactically correct {dialect} query to run. Only use the tables listed below.\n{schema}\n\nUse the following format:\n\nQuestion: Question here\nSQLQuery: SQL Query to run\n\nQuestion: {query_str}\nSQLQuery: ",
  },
  {
    name: "SQL: analyst role",
    prompt:
      "You are a senior data analyst. Write a PostgreSQL query that answers {{question}} using the schema below. Do not use SELECT *.\n\n{{schema}}\n\nSQL:",
    role: "You are a senior data analyst.",
  },
  // Summarisation.
  {
    name: "summarisation: summary cue with quotes",
    prompt:
      'Write a summary of the following. Try to use only the information provided. Try to include as many key details as possible.\n\n\n{context_str}\n\n\nSUMMARY:"""\n',
  },
  {
    name: "summarisation: meeting notes",
    prompt:
      "Summarize the meeting transcript for {audience} in under 120 words. Keep names and decisions exactly as stated.\n\nTranscript:\n{transcript}",
  },
  // Agents with tools.
  {
    name: "agent: tool-using assistant",
    prompt:
      "You are a research assistant with access to these tools:\n{tools}\n\nUse a tool only when the question needs fresh data. If you don't know, say so.\n\nQuestion: {input}\nThought:",
    role: "You are a research assistant with access to these tools:",
  },
  {
    name: "agent: calendar agent",
    prompt:
      "Act as a scheduling agent for {{user_name}}. You can call the functions listed in <functions>{{function_specs}}</functions>. Always confirm before booking. Reply with a single function call or a question for the user.",
    role: "Act as a scheduling agent for {{user_name}}.",
  },
  // Translation and rewriting.
  {
    name: "translation: single output",
    prompt:
      "Translate the following text into {target_language}. Return only the translation.\n\nText: {text}\nTranslation:",
  },
];

describe("application templates (golden properties)", () => {
  for (const g of GOLDENS) {
    it(`keeps ${g.name} callable`, () => {
      const out = optimize(g.prompt);
      // Placeholders identical and in the same order.
      expect(placeholderSequence(out)).toEqual(placeholderSequence(g.prompt));
      // Completion cue last, byte for byte.
      const cue = completionCue(g.prompt);
      if (cue !== null) {
        const lastLine = out.slice(out.lastIndexOf("\n") + 1);
        expect(lastLine).toBe(cue.cue);
      }
      // No new output format.
      for (const [what, re] of FORMAT_MARKERS) {
        if (!re.test(g.prompt)) expect(out, `added ${what}`).not.toMatch(re);
      }
      // Role first.
      if (g.role !== undefined) expect(out.startsWith(g.role)).toBe(true);
      // No placeholder inside a code fence.
      for (const fence of out.match(/```[\s\S]*?```/g) ?? []) expect(placeholderSequence(fence)).toEqual([]);
    });
  }

  it("states a single-label contract and never adds a table (issue example 1)", () => {
    const out = optimize(GOLDENS[0].prompt);
    expect(out).toContain("Reply with exactly one label: positive, negative or neutral, and nothing else.");
    expect(out).not.toMatch(/table|Item|Reason/);
    expect(out).toContain("<tweet>\n{tweet}\n</tweet>");
  });

  it("puts the role first, makes 'say so' explicit and adds no answer format (issue example 2)", () => {
    const out = optimize(GOLDENS[1].prompt);
    expect(out.split("\n")[0]).toBe("You are a helpful assistant for a law firm.");
    expect(out).toContain("If you don't know, say so: reply that you don't know instead of guessing");
    expect(out).toContain("Keep answers under 150 words.");
    expect(out).toContain("<docs>\n{{documents}}\n</docs>");
    expect(out).not.toMatch(/^## Output/m);
  });

  it("keeps JSON, proposes its schema outside the placeholder, no python fence (issue example 3)", () => {
    const out = optimize(GOLDENS[2].prompt);
    expect(out).not.toContain("```python");
    expect(out).toContain('"dates": ["[[each date, as written]]"]');
    expect(out).toContain('"amounts": ["[[each amount, as written]]"]');
    expect(out).toMatch(/INVOICE:\n<invoice_text>\n\{\{invoice_text\}\}\n<\/invoice_text>/);
  });

  it("proposes a schema from named keys", () => {
    const out = optimize(GOLDENS[5].prompt);
    expect(out).toContain('"name": "[[the name]]"');
    expect(out).toContain('"phone": "[[the phone]]"');
  });

  it("is stable on a second pass", () => {
    for (const g of GOLDENS) {
      const once = optimize(g.prompt);
      expect(optimize(once), g.name).toBe(once);
    }
  });

  it("stays intact through the whole local pipeline", async () => {
    const result = await runPipeline({ prompt: GOLDENS[1].prompt, engine: createLocalEngine() });
    const out = result.optimization?.optimized_prompt ?? "";
    expect(out.startsWith("You are a helpful assistant for a law firm.")).toBe(true);
    expect(placeholderSequence(out)).toEqual(["{{topic}}", "{{documents}}"]);
  });
});

describe("template detection", () => {
  it("reads placeholders of both styles, with Python format specs", () => {
    expect(placeholderSequence("{a} then {{ b }} then {c:} and {d!r}")).toEqual(["{a}", "{{ b }}", "{c:}", "{d!r}"]);
    expect(detectTemplate('No placeholders here, {not json}: {"a": 1}')).toBeNull();
  });

  it("finds completion cues on the last line, tag cues and trailing cues", () => {
    expect(completionCue("Question: {q}\nSQLQuery: ")?.cue).toBe("SQLQuery: ");
    expect(completionCue("Chat:\n{history}\n\n<Standalone question>\n")?.cue).toBe("<Standalone question>");
    expect(completionCue("Context: {c}. Give a title. Title: ")?.cue).toBe("Title: ");
    expect(completionCue("Answer:")).toBeNull();
    expect(completionCue("Write about {topic}.")).toBeNull();
  });

  it("reads the output contract", () => {
    expect(outputContract("Classify it as spam or ham: {x}")).toMatchObject({
      kind: "single-label",
      labels: ["spam", "ham"],
    });
    expect(outputContract("Return JSON with keys a, b. {x}")).toMatchObject({ kind: "json", fields: ["a", "b"] });
    expect(outputContract("Answer yes or no. {x}").kind).toBe("yes-no");
    expect(outputContract("Tell me a story about {x}.").kind).toBe("none");
  });

  it("keeps a positional template exactly as written", () => {
    const prompt =
      "Is the answer below right?\n{answer}\nCompare it with the reference above the line.\n---\n{reference}\n---\nThen look at the question:\n{question}\nIf it fits, say YES.";
    expect(optimize(prompt)).toBe(prompt);
  });
});
