import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isStrippedChar, sanitizePrompt } from "./sanitize.js";

describe("sanitizePrompt", () => {
  it("leaves clean text untouched", () => {
    expect(sanitizePrompt("Hello,\tworld\n")).toEqual({ text: "Hello,\tworld\n", removed: 0 });
  });

  it("strips C0 (except tab/LF/CR), DEL and C1 controls", () => {
    const r = sanitizePrompt("a\u0000b\u0007c\u001bd\u007fe\u0085f\u009fg\th\ni");
    expect(r.text).toBe("abcdefg\th\ni");
    expect(r.removed).toBe(6);
  });

  it("strips zero-width, bidi override/isolate characters and the BOM", () => {
    const hidden = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff";
    const r = sanitizePrompt(`ig${hidden}nore`);
    expect(r.text).toBe("ignore");
    expect(r.removed).toBe(hidden.length);
  });

  it("normalises CRLF (and lone CR) to LF without counting it as a removal", () => {
    expect(sanitizePrompt("a\r\nb\r\n")).toEqual({ text: "a\nb\n", removed: 0 });
    expect(sanitizePrompt("a\rb")).toEqual({ text: "a\nb", removed: 0 });
  });

  it("keeps ordinary Unicode (accents, CJK, emoji)", () => {
    const s = "café 日本語 🙂 ñ";
    expect(sanitizePrompt(s)).toEqual({ text: s, removed: 0 });
  });

  it("never leaves a stripped character or a CR behind, and removed counts the difference", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const r = sanitizePrompt(s);
        for (let i = 0; i < r.text.length; i++) {
          const c = r.text.charCodeAt(i);
          expect(isStrippedChar(c)).toBe(false);
          expect(c).not.toBe(0x0d);
        }
        const crlf = s.split("\r\n").length - 1;
        expect(r.text.length).toBe(s.length - r.removed - crlf);
        expect(sanitizePrompt(r.text)).toEqual({ text: r.text, removed: 0 });
      }),
    );
  });
});
