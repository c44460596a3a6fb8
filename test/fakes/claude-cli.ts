// A fake `claude` executable: a small node script written to a temporary directory. Each run posts
// its argv, stdin and working directory to a control server in the test process, which answers
// from the same FakeScript queue as the HTTP fakes; a killed child closes that request early.

import { once } from "node:events";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { FakeScript } from "./fake-llm-core.js";

export interface ClaudeInvocation {
  args: string[];
  stdin: string;
  cwd: string;
  /** Whether ANTHROPIC_API_KEY reached the child (it must not). */
  sawAnthropicKey: boolean;
}

export interface FakeClaude {
  /** Absolute path of the executable (a directory of it can go on PATH). */
  executable: string;
  dir: string;
  script: FakeScript;
  invocations: ClaudeInvocation[];
  readonly closedEarly: number;
  waitForEarlyClose(): Promise<void>;
  close(): Promise<void>;
}

function systemOf(args: string[]): string {
  const i = args.indexOf("--system-prompt");
  return i >= 0 ? (args[i + 1] ?? "") : "";
}

const SCRIPT = (controlUrl: string) => `#!/usr/bin/env node
const http = require("node:http");
let stdin = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => (stdin += d));
process.stdin.on("end", () => {
  const body = JSON.stringify({ args: process.argv.slice(2), stdin, cwd: process.cwd(), sawAnthropicKey: Boolean(process.env.ANTHROPIC_API_KEY) });
  const req = http.request(${JSON.stringify(controlUrl)}, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
    let out = "";
    res.setEncoding("utf8");
    res.on("data", (d) => (out += d));
    res.on("end", () => {
      const reply = JSON.parse(out);
      if (reply.stderr) process.stderr.write(reply.stderr);
      process.stdout.write(reply.stdout, () => process.exit(reply.code));
    });
  });
  req.on("error", () => process.exit(3));
  req.end(body);
});
`;

export async function startFakeClaude(script = new FakeScript()): Promise<FakeClaude> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "fake-claude-"));
  const invocations: ClaudeInvocation[] = [];
  let closedEarly = 0;
  let waiters: Array<() => void> = [];
  const server = http.createServer(async (req, res) => {
    res.on("close", () => {
      if (!res.writableFinished) {
        closedEarly++;
        for (const w of waiters) w();
        waiters = [];
      }
    });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const inv = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ClaudeInvocation;
    invocations.push(inv);
    const reply = script.next({
      path: "claude",
      headers: {},
      body: { args: inv.args },
      system: systemOf(inv.args),
      user: inv.stdin,
      stream: false,
    });
    const send = (stdout: string, code: number, stderr = "") => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ stdout, code, stderr }));
    };
    const envelope = (result: string, isError: boolean) =>
      JSON.stringify({
        type: "result",
        subtype: isError ? "error" : "success",
        is_error: isError,
        result,
        duration_ms: 5,
        session_id: "fake",
        usage: { input_tokens: Math.ceil(inv.stdin.length / 4), output_tokens: Math.ceil(result.length / 4) },
      });
    switch (reply.type) {
      case "hang":
      case "stream-then-hang":
        return;
      case "error":
        if (reply.status === 429) send(envelope("Claude AI usage limit reached|1893456000", true), 1);
        else if (reply.status === 401) send(envelope("Invalid API key · Please run /login", true), 1);
        else send("", 1, reply.message ?? "API Error: 500 internal error");
        return;
      case "cut":
        // The CLI's output stops part-way and it exits with a connection error.
        send(reply.text.slice(0, Math.ceil(reply.text.length / 2)), 1, "API Error: Connection error.");
        return;
      default: {
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        send(envelope(reply.type === "json" ? JSON.stringify(reply.value) : reply.text, false), 0);
      }
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const executable = path.join(dir, "claude");
  await writeFile(executable, SCRIPT(`http://127.0.0.1:${port}/`));
  await chmod(executable, 0o755);
  return {
    executable,
    dir,
    script,
    invocations,
    get closedEarly() {
      return closedEarly;
    },
    waitForEarlyClose: () => (closedEarly > 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
