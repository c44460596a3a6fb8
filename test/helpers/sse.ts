// A small Server-Sent Events client for tests: fetch + a parser of `event:`/`id:`/`data:` frames
// and `:` comment lines, following the WHATWG event-stream format.
export interface SseFrame {
  event: string;
  id: string | undefined;
  /** The `data:` payload parsed as JSON (the raw text when it is not JSON). */
  data: unknown;
}

export type SseItem = { kind: "event"; frame: SseFrame } | { kind: "comment"; text: string };

function parseBlock(block: string): SseItem[] {
  const items: SseItem[] = [];
  let event = "message";
  let id: string | undefined;
  const data: string[] = [];
  let hasField = false;
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === "") continue;
    if (line.startsWith(":")) {
      items.push({ kind: "comment", text: line.slice(1).trim() });
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    hasField = true;
    if (field === "event") event = value;
    else if (field === "id") id = value;
    else if (field === "data") data.push(value);
  }
  if (hasField) {
    const text = data.join("\n");
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    items.push({ kind: "event", frame: { event, id, data: parsed } });
  }
  return items;
}

/** Yields frames and comments as they arrive. */
export async function* readSse(response: Response): AsyncGenerator<SseItem> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (;;) {
      const match = /\r\n\r\n|\n\n|\r\r/.exec(buffer);
      if (!match) break;
      const block = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      yield* parseBlock(block);
    }
  }
  if (buffer.trim() !== "") yield* parseBlock(buffer);
}

export interface SseResult {
  response: Response;
  events: SseFrame[];
  comments: string[];
}

/** Reads a whole stream (until the server closes it). */
export async function collectSse(response: Response): Promise<SseResult> {
  const events: SseFrame[] = [];
  const comments: string[] = [];
  for await (const item of readSse(response)) {
    if (item.kind === "event") events.push(item.frame);
    else comments.push(item.text);
  }
  return { response, events, comments };
}

/** POSTs JSON and reads the SSE answer to the end. */
export async function postSse(url: string, body: unknown, init: RequestInit = {}): Promise<SseResult> {
  const response = await fetch(url, {
    method: "POST",
    ...init,
    headers: { "Content-Type": "application/json", Accept: "text/event-stream", ...(init.headers ?? {}) },
    body: JSON.stringify(body),
  });
  if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    return { response, events: [], comments: [] };
  }
  return collectSse(response);
}
