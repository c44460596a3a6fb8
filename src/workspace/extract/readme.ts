// The README: description (its first real paragraph), documentation (its outline plus the docs
// folder and the usual project documents) and code snippets (its first code blocks).

import { parseBlocks } from "./markdown.js";
import { clip, type Item, type Repo } from "./repo.js";

const README_RE = /^readme(\.(md|markdown|rst|txt|adoc))?$/i;

export function readmePath(repo: Repo): string | undefined {
  const root = repo.files.filter((f) => !f.path.includes("/") && README_RE.test(f.path)).map((f) => f.path);
  return root.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1))[0];
}

function rank(name: string): number {
  return /\.(md|markdown)$/i.test(name) ? 0 : /\.(rst|adoc)$/i.test(name) ? 1 : 2;
}

export interface ReadmeFindings {
  description?: Item;
  documentation?: Item;
  snippets?: { value: string[]; source: string };
}

const DOC_FILES = ["CONTRIBUTING.md", "ARCHITECTURE.md", "CHANGELOG.md", "SECURITY.md", "CODE_OF_CONDUCT.md"];

export function readReadme(repo: Repo): ReadmeFindings {
  const out: ReadmeFindings = {};
  const path = readmePath(repo);
  const text = path ? repo.text(path) : null;
  const docParts: string[] = [];
  const docSources: string[] = [];
  if (path && text !== null) {
    const blocks = parseBlocks(path.toLowerCase().endsWith(".rst") ? rstToMarkdown(text) : text);
    const paragraphs: string[] = [];
    for (const b of blocks) {
      if (b.kind === "heading" && paragraphs.length > 0) break;
      if (b.kind !== "paragraph" || b.text.length < 20 || /^[\s|·•-]*$/.test(b.text)) continue;
      paragraphs.push(b.text);
      if (paragraphs.join(" ").length >= 120) break;
    }
    if (paragraphs.length > 0) out.description = { value: clip(paragraphs.join(" "), 600), source: path };
    const sections = blocks
      .filter((b) => b.kind === "heading" && b.level === 2)
      .map((b) => b.text)
      .slice(0, 15);
    if (sections.length > 0) {
      docParts.push(`${path} sections: ${sections.join(", ")}`);
      docSources.push(path);
    }
    const snippets = blocks
      .filter((b): b is Extract<typeof b, { kind: "code" }> => b.kind === "code" && b.text.length >= 10)
      .slice(0, 2)
      .map((b) => (b.text.length > 1200 ? `${b.text.slice(0, 1199)}…` : b.text));
    if (snippets.length > 0) out.snippets = { value: snippets, source: path };
  }
  const docsDir = ["docs", "doc", "documentation"].find((d) => repo.dirs.has(d));
  if (docsDir) {
    const pages = repo.files
      .filter((f) => f.path.startsWith(`${docsDir}/`) && /\.(md|mdx|rst|adoc|txt)$/i.test(f.path))
      .map((f) => f.path.slice(docsDir.length + 1));
    if (pages.length > 0) {
      const shown = pages.slice(0, 12).join(", ");
      docParts.push(`${docsDir}/: ${shown}${pages.length > 12 ? ` and ${pages.length - 12} more` : ""}`);
      docSources.push(`${docsDir}/`);
    }
  }
  const extra = DOC_FILES.filter((f) => repo.has(f));
  if (extra.length > 0) {
    docParts.push(`Also: ${extra.join(", ")}`);
    docSources.push(...extra);
  }
  if (docParts.length > 0) out.documentation = { value: docParts.join("\n"), source: docSources.join(", ") };
  return out;
}

/** reStructuredText headings (text over a line of =, -, ~) become Markdown headings. */
function rstToMarkdown(text: string): string {
  return text.replace(
    /^([^\n]+)\n([=\-~^"'`#*+])\2{2,}\s*$/gm,
    (_, title: string, mark: string) => `${mark === "=" ? "#" : "##"} ${title}`,
  );
}
