// A fake OpenAI server whose stage replies wait until the test opens the gate: a run started
// against it stays `running` at its first provider call for as long as the test needs.
import { FakeScript, type FakeServer } from "./fake-llm-core.js";
import { startFakeOpenAI } from "./openai-server.js";
import { stageReply } from "./stage-replies.js";

export interface GatedProvider {
  fake: FakeServer;
  /** Releases every waiting and later reply. */
  open: () => void;
  /** The environment that points PromptForge's OpenAI provider at this fake. */
  env: Record<string, string>;
}

export async function startGatedOpenAI(apiKey: string): Promise<GatedProvider> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const script = new FakeScript((req) => {
    const reply = stageReply(req);
    return reply.type === "json" ? { ...reply, until: gate } : reply;
  });
  const fake = await startFakeOpenAI({ apiKey, script });
  return {
    fake,
    open,
    env: {
      LLM_PROVIDER: "openai",
      OPENAI_API_KEY: apiKey,
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_MODEL: "gpt-test",
    },
  };
}
