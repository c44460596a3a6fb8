// Replies of a fake "client model" for MCP sampling, by stage (the stage header opens every system prompt).
export type Stage = "analyze" | "strategy" | "optimize" | "validate";

export function stageOf(systemPrompt: string): Stage | null {
  const m = /PromptForge stage: (analyze|strategy|optimize|validate)/.exec(systemPrompt);
  return (m?.[1] as Stage | undefined) ?? null;
}

/** Valid JSON replies; the rewrite keeps the prompt verbatim inside so every constraint survives. */
export function goodReply(stage: Stage, userText: string): string {
  const prompt = /<original_prompt>\n([\s\S]*?)\n<\/original_prompt>/.exec(userText)?.[1] ?? "";
  switch (stage) {
    case "analyze":
      return JSON.stringify({
        task_type: "writing",
        complexity: "low",
        weaknesses: [{ code: "PF-AUDIENCE", severity: "warning", message: "No audience is named." }],
        strengths: ["clear topic"],
        constraints: [],
        placeholders: [],
      });
    case "strategy":
      return JSON.stringify({
        strategy: "co-star",
        secondary_frameworks: [],
        reasoning: "Sampled choice.",
        confidence: 0.8,
      });
    case "optimize":
      return `Here you go:\n\`\`\`json\n${JSON.stringify({
        optimized_prompt: `# Role\nYou are a poet writing for young readers.\n\n# Task\n${prompt}`,
        framework_applied: "co-star",
        changes_made: ["Added a role"],
        notes: "sampled rewrite",
      })}\n\`\`\``;
    case "validate": {
      const scores = { clarity: 8, specificity: 8, structure: 8, faithfulness: 9, conciseness: 7 };
      return JSON.stringify({
        prompt_a: scores,
        prompt_b: scores,
        better: "tie",
        verdict: "Prompt A and Prompt B are close.",
      });
    }
  }
}
