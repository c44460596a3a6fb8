import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzePrompt } from "./analyzer.js";
import { rewritePrompt } from "./rewriter.js";
import { selectStrategy } from "./selector.js";
import { isSystemPrompt } from "./system-prompt.js";

/** The everyday corpus: one-off requests people type, none of them a system prompt. */
function everyday(): string[] {
  const file = join(dirname(fileURLToPath(import.meta.url)), "../../../test/fixtures/prompts/everyday.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => (JSON.parse(l) as { prompt: string }).prompt);
}

function optimize(prompt: string) {
  const analysis = analyzePrompt(prompt);
  const strategy = selectStrategy({ prompt, analysis });
  return rewritePrompt({ prompt, analysis, strategy });
}

/** Output forms the general rewriter adds; a system prompt must never gain one. */
const ADDED_FORMAT_RE =
  /^## (?:Output format|Response format|Examples|Success criteria)$|\|\s*[-:]{3,}|^Final answer:|bulleted list/m;

/** Application system prompts (no placeholder, no completion cue), in the styles apps ship. */
const SYSTEM_PROMPTS: Array<{ name: string; prompt: string; role?: string }> = [
  {
    name: "support agent, output deliberately free",
    prompt:
      "You are an Xbox customer support agent whose primary goal is to help users with issues they are experiencing with their Xbox devices. You are friendly and concise. You only provide factual answers to queries, and do not provide answers that are not related to Xbox.",
    role: "You are an Xbox customer support agent whose primary goal is to help users with issues they are experiencing with their Xbox devices. You are friendly and concise.",
  },
  {
    name: "third-person assistant with a JSON goal",
    prompt:
      "Assistant is an AI chatbot that helps users turn a natural language list into JSON format. After users input a list they want in JSON format, it will provide suggested list of attribute labels if the user has not provided any, then ask the user to confirm them before creating the list.",
    role: "Assistant is an AI chatbot that helps users turn a natural language list into JSON format.",
  },
  {
    name: "response guidelines without a role",
    prompt:
      "The response should fully answer the query.\nThe response should avoid being vague or ambiguous.\nThe response should be specific and use statistics or numbers when possible.",
  },
  {
    name: "persona speaking as itself, with a numbered list",
    prompt:
      "I am a hiking enthusiast named Forest who helps people discover fun hikes in their area. I am upbeat and friendly. When helping people out, I always ask them for this information:\n1. Where they are located\n2. What hiking intensity they are looking for\nI will then provide three suggestions for nearby hikes.",
  },
  {
    name: "judge with a stated verdict format",
    prompt:
      "Please act as an impartial judge and evaluate the quality of the responses provided by two AI assistants to the user question displayed below. Be as objective as possible. Do not allow the length of the responses to influence your evaluation. After providing your explanation, output your final verdict by strictly following this format: '[[A]]' if assistant A is better, '[[B]]' if assistant B is better, and '[[C]]' for a tie.",
    role: "Please act as an impartial judge and evaluate the quality of the responses provided by two AI assistants to the user question displayed below.",
  },
  {
    name: "bulleted rules",
    prompt:
      "- You are a bank's virtual assistant that answers customer questions about accounts and cards.\n- Never ask for a full card number or a PIN.\n- If a customer reports fraud, tell them to call the number on the back of their card.",
  },
];

describe("application system prompts", () => {
  for (const { name, prompt, role } of SYSTEM_PROMPTS) {
    it(`is recognised and gains no output format: ${name}`, () => {
      expect(isSystemPrompt(prompt)).toBe(true);
      const out = optimize(prompt);
      expect(out.optimized_prompt).not.toMatch(ADDED_FORMAT_RE);
      // Every sentence of the author stays, word for word.
      for (const sentence of prompt.split(/(?<=[.!?])\s+|\n/).filter((s) => s.trim().length > 3))
        expect(out.optimized_prompt).toContain(sentence.replace(/^[-\d.\s]+/, "").trim());
      if (role !== undefined) expect(out.optimized_prompt.startsWith(role)).toBe(true);
      expect(out.notes).toMatch(/system prompt/i);
    });
    it(`is stable on a second pass: ${name}`, () => {
      const first = optimize(prompt).optimized_prompt;
      expect(optimize(first).optimized_prompt).toBe(first);
    });
  }

  it("keeps a system prompt whose author laid out lists exactly as written", () => {
    const prompt = SYSTEM_PROMPTS[3].prompt;
    expect(optimize(prompt).optimized_prompt).toBe(prompt);
  });

  it("adds no engine rules to a system prompt", () => {
    const out = optimize(SYSTEM_PROMPTS[2].prompt).optimized_prompt;
    expect(out).not.toMatch(/Do not invent|Base every conclusion/);
  });

  it("does not take everyday requests that open with a role for system prompts", () => {
    for (const prompt of [
      "You are a chef. Give me a recipe for a quick vegetarian dinner.",
      "Act as a career coach and help me rewrite my CV summary for a data analyst role.",
      "I want you to act as a Linux terminal. I will type commands and you will reply with what the terminal should show.",
      "You are an expert copywriter. Write a tweet announcing our new app for users who hate email.",
      "I am a teacher who needs a lesson plan on fractions for 10-year-olds.",
    ])
      expect(isSystemPrompt(prompt), prompt).toBe(false);
    for (const prompt of everyday()) expect(isSystemPrompt(prompt), prompt.slice(0, 80)).toBe(false);
  });
});
