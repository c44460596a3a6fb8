// A small TOML reader for the manifests the extractor needs (pyproject.toml, Cargo.toml, ruff.toml,
// rustfmt.toml): tables, arrays of tables, dotted keys, strings, numbers, booleans, arrays and
// inline tables. Dates are kept as strings. Malformed input throws a TomlError naming the line.

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  get line(): number {
    return this.text.slice(0, this.pos).split("\n").length;
  }
  peek(n = 0): string {
    return this.text[this.pos + n] ?? "";
  }
  fail(what: string): never {
    throw new TomlError(`${what} on line ${this.line}`);
  }
  /** Skips spaces and tabs (and newlines and comments when `lines`). */
  skip(lines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\r" || (lines && c === "\n")) this.pos++;
      else if (c === "#" && lines) {
        while (this.pos < this.text.length && this.peek() !== "\n") this.pos++;
      } else return;
    }
  }
}

function parseKey(cur: Cursor): string[] {
  const parts: string[] = [];
  for (;;) {
    cur.skip(false);
    const c = cur.peek();
    if (c === '"' || c === "'") parts.push(parseString(cur));
    else {
      const m = /^[A-Za-z0-9_-]+/.exec(cur.text.slice(cur.pos));
      if (!m) cur.fail("expected a key");
      parts.push(m[0]);
      cur.pos += m[0].length;
    }
    cur.skip(false);
    if (cur.peek() !== ".") return parts;
    cur.pos++;
  }
}

const ESCAPES: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };

function parseString(cur: Cursor): string {
  const quote = cur.peek();
  const multi = cur.text.startsWith(quote.repeat(3), cur.pos);
  cur.pos += multi ? 3 : 1;
  if (multi && cur.peek() === "\n") cur.pos++;
  let out = "";
  for (;;) {
    if (cur.pos >= cur.text.length) cur.fail("unterminated string");
    const c = cur.peek();
    if (multi ? cur.text.startsWith(quote.repeat(3), cur.pos) : c === quote) {
      cur.pos += multi ? 3 : 1;
      return out;
    }
    if (!multi && c === "\n") cur.fail("newline in a string");
    if (c === "\\" && quote === '"') {
      const e = cur.peek(1);
      if (e === "u" || e === "U") {
        const len = e === "u" ? 4 : 8;
        const hex = cur.text.slice(cur.pos + 2, cur.pos + 2 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) cur.fail("bad unicode escape");
        out += String.fromCodePoint(Number.parseInt(hex, 16));
        cur.pos += 2 + len;
      } else if (multi && (e === "\n" || e === " " || e === "\r")) {
        cur.pos++;
        while (/\s/.test(cur.peek())) cur.pos++;
      } else {
        out += ESCAPES[e] ?? e;
        cur.pos += 2;
      }
      continue;
    }
    out += c;
    cur.pos++;
  }
}

function parseValue(cur: Cursor): TomlValue {
  cur.skip(false);
  const c = cur.peek();
  if (c === '"' || c === "'") return parseString(cur);
  if (c === "[") {
    cur.pos++;
    const items: TomlValue[] = [];
    for (;;) {
      cur.skip(true);
      if (cur.peek() === "]") {
        cur.pos++;
        return items;
      }
      items.push(parseValue(cur));
      cur.skip(true);
      if (cur.peek() === ",") cur.pos++;
      else if (cur.peek() !== "]") cur.fail("expected , or ] in an array");
    }
  }
  if (c === "{") {
    cur.pos++;
    const table = newTable();
    cur.skip(false);
    if (cur.peek() === "}") {
      cur.pos++;
      return table;
    }
    for (;;) {
      const key = parseKey(cur);
      if (cur.peek() !== "=") cur.fail("expected = in an inline table");
      cur.pos++;
      assign(cur, table, key, parseValue(cur));
      cur.skip(false);
      if (cur.peek() === ",") cur.pos++;
      else if (cur.peek() === "}") {
        cur.pos++;
        return table;
      } else cur.fail("expected , or } in an inline table");
    }
  }
  const m = /^[^\s,\]}#]+/.exec(cur.text.slice(cur.pos));
  if (!m) cur.fail("expected a value");
  cur.pos += m[0].length;
  const raw = m[0];
  if (raw === "true") return true;
  if (raw === "false") return false;
  const num = raw.replace(/_/g, "");
  if (/^[+-]?(\d+(\.\d+)?([eE][+-]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+)$/.test(num)) return Number(num);
  if (/^\d{4}-\d{2}-\d{2}/.test(raw) || /^\d{2}:\d{2}/.test(raw)) return raw;
  if (/^[+-]?(inf|nan)$/.test(raw)) return Number(raw.replace("inf", "Infinity").replace("nan", "NaN"));
  return cur.fail(`unexpected value "${raw.slice(0, 20)}"`);
}

// Null-prototype objects, so a key named __proto__ is just a key.
function newTable(): TomlTable {
  return Object.create(null) as TomlTable;
}

function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function descend(cur: Cursor, root: TomlTable, path: string[]): TomlTable {
  let t = root;
  for (const part of path) {
    let next = t[part];
    if (next === undefined) {
      next = newTable();
      t[part] = next;
    }
    if (Array.isArray(next)) next = next[next.length - 1];
    if (!isTable(next)) cur.fail(`key "${part}" is not a table`);
    t = next;
  }
  return t;
}

function assign(cur: Cursor, table: TomlTable, key: string[], value: TomlValue): void {
  const parent = descend(cur, table, key.slice(0, -1));
  const last = key[key.length - 1];
  if (Object.hasOwn(parent, last)) cur.fail(`duplicate key "${key.join(".")}"`);
  parent[last] = value;
}

/** Parses a TOML document into plain objects; throws TomlError on malformed input. */
export function parseToml(text: string): TomlTable {
  const root = newTable();
  const cur = new Cursor(text);
  let table = root;
  for (;;) {
    cur.skip(true);
    if (cur.pos >= text.length) return root;
    if (cur.peek() === "[") {
      const arrayOfTables = cur.peek(1) === "[";
      cur.pos += arrayOfTables ? 2 : 1;
      const path = parseKey(cur);
      if (!cur.text.startsWith(arrayOfTables ? "]]" : "]", cur.pos)) cur.fail("unclosed table header");
      cur.pos += arrayOfTables ? 2 : 1;
      if (arrayOfTables) {
        const parent = descend(cur, root, path.slice(0, -1));
        const last = path[path.length - 1];
        const existing = parent[last] ?? [];
        if (!Array.isArray(existing)) cur.fail(`key "${last}" is not an array of tables`);
        const list = existing as TomlValue[];
        const entry = newTable();
        list.push(entry);
        parent[last] = list;
        table = entry;
      } else table = descend(cur, root, path);
    } else {
      const key = parseKey(cur);
      if (cur.peek() !== "=") cur.fail("expected =");
      cur.pos++;
      assign(cur, table, key, parseValue(cur));
    }
    cur.skip(false);
    if (cur.peek() === "#") cur.skip(true);
    else if (cur.pos < text.length && cur.peek() !== "\n") cur.fail("expected the end of the line");
  }
}
