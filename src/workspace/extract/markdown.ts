// Just enough Markdown for the README and the agent guidance files: blocks (headings, paragraphs,
// list items, fenced code) with inline markup reduced to plain text.

export type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "item"; text: string }
  | { kind: "code"; lang: string; text: string };

/** Inline Markdown → plain text: links keep their text, emphasis and images go, code keeps backticks. */
export function inlineText(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, "$1$2")
    .replace(/\s+/g, " ")
    .trim();
}

export function parseBlocks(markdown: string): Block[] {
  const lines = markdown
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/^---\n[\s\S]*?\n---\n/, "")
    .split("\n");
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    const text = inlineText(para.join(" "));
    if (text) blocks.push({ kind: "paragraph", text });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith(fence[1]); i++) body.push(lines[i]);
      blocks.push({ kind: "code", lang: fence[2].toLowerCase(), text: body.join("\n").trim() });
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: "heading", level: heading[1].length, text: inlineText(heading[2]) });
      continue;
    }
    if (/^\s{0,3}(=+|-+)\s*$/.test(line) && para.length > 0) {
      const text = inlineText(para.join(" "));
      para = [];
      blocks.push({ kind: "heading", level: line.trim().startsWith("=") ? 1 : 2, text });
      continue;
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*)$/.exec(line);
    if (item) {
      flush();
      // Continuation lines of the item (indented, not a new item).
      let text = item[1];
      while (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]) && !/^\s*(?:[-*+]|\d+[.)])\s/.test(lines[i + 1])) {
        text += ` ${lines[++i].trim()}`;
      }
      const clean = inlineText(text);
      if (clean) blocks.push({ kind: "item", text: clean });
      continue;
    }
    if (!line.trim() || /^\s*\|/.test(line) || /^\s*<\/?[a-zA-Z][^>]*>\s*$/.test(line)) {
      flush();
      continue;
    }
    para.push(line.replace(/^\s*>\s?/, "").trim());
  }
  flush();
  return blocks;
}
