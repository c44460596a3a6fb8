/**
 * The fixed-latency fake OpenAI server of the provider bench, run as a child process of the bench
 * (as a real provider is another machine): its HTTP parsing and reply writing then do not compete
 * with the pipeline for the bench process's event loop, and the bench's CPU figure is the client's
 * alone. Messages over the IPC channel: it sends { url } once listening; on "timings" it replies
 * { timings } (server-side ms per answered request since the last ask); on "close" it exits.
 */
import { startFakeOpenAI } from "../test/fakes/openai-server.js";
import { stageReply } from "../test/fakes/stage-replies.js";

process.setSourceMapsEnabled(false);
const latencyMs = Number(process.env.FAKE_LATENCY_MS ?? 200);
const fake = await startFakeOpenAI({ apiKey: process.env.FAKE_API_KEY ?? "sk-bench-0123456789" });
fake.script.fallback = (req) => {
  const reply = stageReply(req);
  return reply.type === "json" || reply.type === "text" ? { ...reply, delayMs: latencyMs } : reply;
};
let taken = 0;
process.on("message", async (message) => {
  if (message === "timings") {
    const timings = fake.timings.slice(taken);
    taken = fake.timings.length;
    process.send?.({ timings });
  } else if (message === "close") {
    await fake.close();
    process.disconnect();
  }
});
process.send?.({ url: fake.url });
