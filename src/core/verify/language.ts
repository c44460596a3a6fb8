// Language detection through tinyld (MIT, pure JavaScript, offline: its n-gram profiles ship inside
// the package and it makes no network calls). Its 62 languages (ISO 639-1 where one exists):
// af Afrikaans, am Amharic, ar Arabic, be Belarusian, ber Berber, bg Bulgarian, bn Bengali,
// cs Czech, da Danish, de German, el Greek, en English, eo Esperanto, es Spanish, et Estonian,
// fa Persian, fi Finnish, fr French, ga Irish, gu Gujarati, he Hebrew, hi Hindi, hu Hungarian,
// hy Armenian, id Indonesian, is Icelandic, it Italian, ja Japanese, kk Kazakh, km Khmer,
// kn Kannada, ko Korean, la Latin, lt Lithuanian, lv Latvian, mk Macedonian, mn Mongolian,
// my Burmese, nl Dutch, no Norwegian, pl Polish, pt Portuguese, rn Kirundi, ro Romanian,
// ru Russian, sk Slovak, sr Serbian, sv Swedish, ta Tamil, te Telugu, th Thai, tk Turkmen,
// tl Tagalog, tlh Klingon, tr Turkish, tt Tatar, uk Ukrainian, ur Urdu, vi Vietnamese,
// vo Volapük, yi Yiddish, zh Chinese.
import { detectAll, langName, supportedLanguages, toISO2 } from "tinyld";

/** Name (lower-case) or ISO code → ISO 639-1 code, for every language tinyld knows. */
const CODES = new Map<string, string>();
for (const iso3 of supportedLanguages) {
  const iso2 = toISO2(iso3);
  CODES.set(iso2, iso2);
  CODES.set(iso3, iso2);
  CODES.set(langName(iso3).toLowerCase(), iso2);
}
for (const [alias, code] of [
  ["mandarin", "zh"],
  ["cantonese", "zh"],
  ["farsi", "fa"],
  ["filipino", "tl"],
  ["norwegian bokmål", "no"],
  ["nb", "no"],
  ["zh-cn", "zh"],
  ["zh-tw", "zh"],
  ["iw", "he"],
]) {
  CODES.set(alias, code);
}

/** The languages tinyld detects, as ISO codes. */
export const DETECTABLE_LANGUAGES: readonly string[] = [...new Set(supportedLanguages.map((l) => toISO2(l)))].sort();

/** ISO 639-1 code of a language name or code ("Spanish", "es", "spa"), or undefined. */
export function languageCode(nameOrCode: string): string | undefined {
  return CODES.get(nameOrCode.trim().toLowerCase());
}

export function languageName(code: string): string {
  for (const iso3 of supportedLanguages) if (toISO2(iso3) === code) return langName(iso3);
  return code;
}

/** Enough text for a stable guess; detecting on more only costs time (tinyld is ~1 ms per 1,000). */
const SAMPLE_CHARS = 1200;

export interface Detection {
  code: string;
  /** tinyld's relative accuracy of the best guess (0–1). */
  accuracy: number;
}

/** Fewer words than this give no reliable guess ("TROUBLE", "Fare Insight Analytics"). */
const MIN_WORDS = 4;
const UNSPACED_RE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/**
 * Best guess, or undefined when the text is too short to say. URLs, hashtags, digits, Markdown and
 * JSON punctuation go before detection: they mislead the n-grams (an English JSON schema otherwise
 * reads as Czech); apostrophes stay ("it's" cut to "it s" reads as Dutch).
 */
export function detectLanguage(text: string): Detection | undefined {
  const head = text.length > SAMPLE_CHARS * 2 ? text.slice(0, SAMPLE_CHARS * 2) : text;
  const sample = head
    .replace(/\bhttps?:\/\/\S+/g, " ")
    .replace(/[#@][\p{L}\p{N}_]+/gu, " ")
    .replace(/[^\p{L}\p{M}\s.,!?;:'’-]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, SAMPLE_CHARS);
  // Scripts written without spaces (Chinese, Japanese, Thai…) have few "words": count letters there.
  const unspaced = UNSPACED_RE.test(sample);
  const units = unspaced ? (sample.match(/\p{L}/gu)?.length ?? 0) / 2 : (sample.match(/[\p{L}\p{M}]+/gu)?.length ?? 0);
  if (units < MIN_WORDS) return undefined;
  const best = detectAll(sample)[0];
  return best === undefined ? undefined : { code: best.lang, accuracy: best.accuracy };
}
