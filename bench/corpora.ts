// Loads the prompt corpora shipped in test/fixtures/prompts (or PROMPT_CORPUS_DIR).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface CorpusPrompt {
  id: string;
  prompt: string;
  title?: string;
  task?: string;
}

export function corpusDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.PROMPT_CORPUS_DIR, path.resolve(here, "../test/fixtures/prompts")].filter(
    (c): c is string => Boolean(c),
  );
  const found = candidates.find((c) => existsSync(path.join(c, "everyday.jsonl")));
  if (!found) throw new Error(`prompt corpora not found (looked in ${candidates.join(", ")})`);
  return found;
}

export function loadCorpus(name: "everyday" | "awesome-chatgpt-prompts"): CorpusPrompt[] {
  const file = path.join(corpusDir(), `${name}.jsonl`);
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as CorpusPrompt);
}
