/**
 * A tiny token-sequence pattern language, compiled once and matched with bounded backtracking.
 *
 * A pattern is a space-separated list of elements:
 *   - `word`, `a|b|c`, `stem*` (prefix match) — an inline word class;
 *   - `@name` — a named word class from {@link CLASSES};
 *   - `~N` — up to N arbitrary tokens may be skipped before the next element;
 *   - a leading `?` makes the element optional.
 * All tokens of a match must lie in one sentence. Gaps are small constants, so a match attempt costs O(1) and a
 * full scan is linear in the number of tokens.
 */

export const CLASSES: Record<string, string> = {
  override:
    "ignor* disregard* forget* forgot overrid* overwrit* skip discard* abandon* neglect* dismiss* nevermind scrap",
  prior:
    "previous prior above earlier preceding foregoing former initial original old older existing aforementioned preset default all any every other",
  instr:
    "instruction* direction* rule rules prompt prompts prompting guideline* directive* command commands order orders context system guidance",
  safetyObj:
    "restriction* constraint* polic* safeguard* guardrail* filter filters censorship moderation limitation* limits",
  weakObj: "text message messages conversation input content said told evidence everything stuff",
  reveal:
    "print* reveal* show* repeat* output* display* tell give list relay* share* dump* leak* recite* spell* disclose* expose* return echo respond",
  possStrong: "your ur yours initial* original hidden secret underlying internal confidential",
  possWeak: "above full entire complete exact previous preceding",
  priorStrict: "previous prior above earlier preceding initial original your system",
  secret:
    "prompt prompts prompting instruction* directive* guideline* rule rules configuration config parameters context password* passcode* credential* programming",
  negator:
    "not never dont don no cannot cant won wont refuse* decline* avoid* without nor asks ask asked request* attempt* tries try",
  sendVerb: "send* forward* email* mail* post* upload* transmit* exfiltrat* leak* submit* share* copy cc bcc",
  sensitive:
    "conversation* history chat chats data email emails inbox message messages file files document* password* credential* contact* secret* key keys token tokens cookie* personal private bank account* card cards ssn login* details",
  outNoun: "response responses reply replies answer answers message messages output outputs",
  insertVerb:
    "add* integrat* insert* incorporat* append* embed* weav* augment* enhanc* modif* includ* mention* inject* slip* sneak* promot* suggest* hint* allud* referenc* spread* plug* place put mix* blend*",
  insertNoun:
    "sentence line statement fact teaser mention reference link url hyperlink advertisement advert ad promotion slogan plug claim rumor rumour",
  promo:
    "www http https click visit discount* sale sales offer offers deal deals promot* advertis* sponsor* brand lottery prize winnings coupon shipping buy purchase shop* fake false fabricat* mislead* rumor* rumour* baseless nonexistent hoax* conspirac* propaganda scam* phishing fraud* bogus",
  subtle:
    "hint* allud* subtl* covert* secret* sneak* slip* casual* quietly without mentioning unnoticed inconspicuous*",
  obfus:
    "shift* cipher* caesar encrypt* base64 base32 base58 base85 base16 rot13 monoalphabetic morse revers* invert* backward* backwards pig leetspeak hexadecimal scrambl* obfuscat*",
  emoji: "emoji emojis emoticon* emojified",
  codeRef: "following below subsequent this these above given attached",
  codeNoun: "code snippet block excerpt section script segment fragment lines",
  codeTarget:
    "response answer reply code solution implementation algorithm codebase program programs script project logic functionality application app software",
  language:
    "french german spanish portuguese italian chinese japanese korean russian arabic hindi dutch swedish turkish polish greek hebrew latin",
  you: "you u",
  // What a defended system prompt guards ("the word you were asked to keep", "the code you are protecting").
  guarded:
    "secret secrets password* passcode* passphrase* pin code codeword codewords keyword key word words phrase term value thing things one",
  guardedStrict: "secret password passwords passcode passcodes passphrase passphrases pin codeword keyword",
  revealPlus:
    "print* reveal* show* repeat* output* display* tell give list relay* share* dump* leak* recite* spell* disclose* expose* return echo respond paste copy quote reproduce restate transcribe put write type say",
  secretPlus:
    "prompt prompts prompting instruction* directive* guideline* rule rules configuration config parameters context password* passcode* credential* programming guidance setup secret secrets",
  taskObj: "task tasks assignment assignments information info",
  guardVerb: "guard guarding guarded protect protecting protected hid hide hiding withhold* conceal* safeguard*",
  thirdPerson: "its his her their hers theirs",
  role: "developer creator admin administrator owner programmer operator maker designer engineer",
};

export type Pattern = Elem[];

export interface Elem {
  cls: number;
  gap: number;
  optional: boolean;
}

export interface ClassTable {
  ids: Map<string, number>;
  exact: Map<string, number[]>;
  prefix: Map<string, number[]>;
  maxPrefix: number;
  count: number;
  /** Every literal word used by a class (for glued-word splitting). */
  vocab: Set<string>;
}

export function createClassTable(): ClassTable {
  const t: ClassTable = {
    ids: new Map(),
    exact: new Map(),
    prefix: new Map(),
    maxPrefix: 0,
    count: 0,
    vocab: new Set(),
  };
  for (const [name, words] of Object.entries(CLASSES)) defineClass(t, `@${name}`, words.split(/\s+/));
  return t;
}

function defineClass(t: ClassTable, key: string, words: string[]): number {
  const existing = t.ids.get(key);
  if (existing !== undefined) return existing;
  const id = t.count++;
  t.ids.set(key, id);
  for (const raw of words) {
    if (!raw) continue;
    if (raw.endsWith("*")) {
      const p = raw.slice(0, -1);
      push(t.prefix, p, id);
      t.maxPrefix = Math.max(t.maxPrefix, p.length);
      if (p.length >= 3) t.vocab.add(p);
    } else {
      push(t.exact, raw, id);
      if (raw.length >= 3 || raw === "all" || raw === "ai") t.vocab.add(raw);
    }
  }
  return id;
}

function push(m: Map<string, number[]>, k: string, v: number): void {
  const arr = m.get(k);
  if (arr) {
    if (!arr.includes(v)) arr.push(v);
  } else m.set(k, [v]);
}

export function compilePattern(t: ClassTable, src: string): Pattern {
  const out: Pattern = [];
  let gap = 0;
  for (let part of src.trim().split(/\s+/)) {
    if (part.startsWith("~")) {
      gap = Number(part.slice(1));
      continue;
    }
    let optional = false;
    if (part.startsWith("?")) {
      optional = true;
      part = part.slice(1);
    }
    let cls: number;
    if (part.startsWith("@")) {
      const id = t.ids.get(part);
      if (id === undefined) throw new Error(`unknown class ${part}`);
      cls = id;
    } else cls = defineClass(t, part, part.split("|"));
    out.push({ cls, gap, optional });
    gap = 0;
  }
  return out;
}

/** Class ids a word belongs to (exact or by prefix). */
export function classesOf(t: ClassTable, w: string, out: Set<number>): void {
  const ex = t.exact.get(w);
  if (ex) for (const id of ex) out.add(id);
  const lim = Math.min(w.length, t.maxPrefix);
  for (let k = 1; k <= lim; k++) {
    const p = t.prefix.get(w.slice(0, k));
    if (p) for (const id of p) out.add(id);
  }
}
