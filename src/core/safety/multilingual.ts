/**
 * Instruction overrides and secret extraction written in languages other than English.
 *
 * The token patterns of ./injection.ts read ASCII-folded words, so they see Latin-script languages only through
 * English-looking stems and never see Cyrillic, Greek, Hebrew, Arabic, Devanagari, CJK or Hangul. This pass works on
 * the original text with a few lexicons: a *lead* (an imperative "ignore / forget / disregard / do not follow", or a
 * "reveal / tell / show / print" verb) and, within a short window on either side (verb-final languages put the object
 * first), an *object* that makes it an attack: the model's instructions, rules or system prompt, or a secret that is
 * qualified as hidden or secret. A password alone with a reveal verb ("show me how to reset the
 * password") is not enough. Leads right next to a negation ("vergiss nicht", "no olvides", "不要忘记") are skipped.
 *
 * Linear: one sticky-free global regex per lead list, and each lead match tests a bounded window.
 */

export interface MultilingualHit {
  kind: "override" | "leak" | "newtask";
  start: number;
  end: number;
}

const L = "(?<![\\p{L}\\p{M}])";

/** "ignore / forget / disregard / do not follow" in 25 languages (stems; word start required for alphabetic ones). */
const OVERRIDE_LEAD = new RegExp(
  [
    // de, nl, sv, da, no
    `${L}(?:ignorier|vergiss|vergesst|vergessen sie|missacht|negeer|vergeet|glöm|glem|ignorera|ignorer|strunt i)`,
    // fr, es, it, pt, ro
    `${L}(?:oublie|oubliez|ignorez|ne tiens pas compte|ne suis plus|olvida|olvide|ignora|ignore|desestima|desconsidera|desconsidere|no sigas|dimentica|non seguire|non seguite|esque[cç]a|esque[cç]e|n[aã]o siga|uita|ignor[aă])`,
    // pl, cs, sk, sl, hr
    `${L}(?:zignoruj|ignoruj|pomi[nń]|zapomnij|nie stosuj|zapome[nň]|ignoruj|nedodržuj|zabudni|pozabi|zaboravi)`,
    // ru, uk, bg
    `${L}(?:игнорируй|игнорируйте|проигнорируй|забудь|забудьте|не обращай|не слушай|не следуй|ігноруй|проігноруй|забудь|не зважай|не виконуй|игнорирай|забрави)`,
    // el, he, ar, fa, hi
    `${L}(?:αγνόησ|ξέχασ|μην ακολουθ|התעלם|התעלמי|שכח|שכחי|תשכח|تجاهل|انس|إنس|تجاهلي|نادیده بگیر|فراموش کن|अनदेखा|भूल जा|नज़रअंदाज़|नजरअंदाज)`,
    // fi, tr, hu, id, vi
    `${L}(?:unohda|sivuuta|älä noudata|yok say|unut|dikkate alma|uyma|hagyd figyelmen|felejtsd|abaikan|lupakan|jangan ikuti|bỏ qua|quên|đừng tuân theo)`,
    // zh, ja, ko (no word boundaries)
    "(?:忽略|忽视|無視|无视|忘记|忘掉|忘了|不要再?遵守|不再遵守|别再?遵守|不要理会|忘れて|無視して|従わないで|무시하|무시해|잊어|잊고|따르지 마)",
  ].join("|"),
  "giu",
);

/** The model's instructions, rules, role or earlier text. */
const OVERRIDE_OBJECT = new RegExp(
  [
    "anweisung|instruktion|vorgabe|richtlinie|regeln|systemprompt|systemanweisung|systemnachricht|rolle",
    "instrucc|instru[cç][õo]es|instrucţ|instrucț|consigne|directive|règles|rôle|reglas|indicaciones|directrices|istruzion|regole|direttive|ruolo|regras|diretrizes",
    "instructies|richtlijnen|opdracht|instruktioner|anvisningar|regler|retningslinjer|instrukser",
    "polece|instrukc|zasad|wytyczn|pokyn|pravidl|pravil|upute",
    "инструкц|указани|правил|промпт|роль|інструкц|вказів|правила",
    "οδηγί|κανόν|ρόλο|הוראות|הנחיות|כללים|تعليمات|التعليمات|القواعد|دورك|الأوامر|دستورالعمل|निर्देश|नियम",
    "ohje|säänn|talimat|kural|komut|utasítás|szabály|instruksi|aturan|hướng dẫn|quy tắc|chỉ thị|vai trò",
    // "the above": "ignora todo lo anterior", "oublie tout ce qui précède", "vergiss alles davor", "忽略以上内容"
    "lo anterior|tout ce qui précède|ce qui précède|alles davor|alles vorher|alles obige|das obige|tutto (?:quello che precede|ciò che precede|quanto sopra)|quanto sopra|tudo (?:o que foi dito )?acima|tudo o anterior|alles hierboven|всё (?:что )?выше|все (?:что )?выше|вышесказанное|вышеизложенное|上面的|以上|上記",
    "指令|指示|规则|規則|设定|設定|提示词|提示語|命令|角色|ルール|지시|규칙|명령|설정|프롬프트|역할",
  ].join("|"),
  "iu",
);

/** Earlier tasks (pass 5): "vergiss alle bisherigen Aufgaben", "oublie toutes les tâches précédentes". */
const OVERRIDE_TASK =
  /aufgabe|auftr[äa]g|informationen|informations|información|informazioni|informações|информаци|інформаці|tâche|tarea|compit|tarefa|taak|taken|uppgift|zadani|zadań|задани|задач|завдан|任务|任務|タスク|課題|작업|과제/iu;
/** …only with "all / previous / above" beside them ("olvida la tarea de ayer" is not an attack). */
const PRIOR_WORD = new RegExp(
  `${L}(?:alle|alles|bisherig|vorherig|vorige|obig|toutes|tous|précédent|antérieur|todas|todos|anterior|previ|precedent|tutte|tutti|eerdere|vorige|alle|tidigare|wszystkie|poprzedni|все|всё|предыдущ|прошл|попередн|усі)|之前|以前|所有|前の|すべて|全て|모든|이전`,
  "iu",
);

/** "reveal / tell / show / print / repeat" (imperatives and their stems). */
const LEAK_LEAD = new RegExp(
  [
    `${L}(?:verrat|verrate|nenn|nenne|sag|sage|zeig|zeige|gib|schreib|wiederhole|vertel|geef|toon|laat|noem|berätta|visa|skriv|fortæl|afslør|vis)`,
    `${L}(?:révèle|révélez|dis-moi|donne-moi|donnez-moi|affiche|montre|recopie|écris|répète|dime|dímel|díganos|revela|muestra|muéstr|escribe|repite|dimmi|rivela|mostra|mostrami|scrivi|ripeti|diga|conte|revele|mostre|escreva|repita|spune|arată)`,
    `${L}(?:podaj|poka[zż]|wypisz|zdrad[zź]|ujawnij|powiedz|prozra[dď]|řekni|ukaž|vypiš|napiš|povedz|ukáž)`,
    `${L}(?:скажи|скажите|покажи|покажите|выведи|выведите|раскрой|назови|напиши|повтори|виведи|розкрий|напиши|кажи)`,
    `${L}(?:πες|δείξε|αποκάλυψ|γράψε|επανάλαβε|גלה|גלי|הצג|הציגי|תגיד|ספר לי|כתוב|أخبرني|أخبر|اكتب|اعرض|اكشف|قل لي|बताओ|बताइए|बताएं|दिखाओ|दिखाइए|लिखो)`,
    `${L}(?:kerro|näytä|paljasta|kirjoita|söyle|göster|yazdır|açıkla|yaz|mondd|mutasd|beri tahu|tunjukkan|ungkapkan|tiết lộ|cho tôi biết|hiển thị|in ra|nói cho)`,
    "(?:教えて|表示して|出力して|見せて|告诉我|告訴我|说出|說出|输出|輸出|显示|顯示|透露|泄露|写出|알려|말해|출력해|보여)",
  ].join("|"),
  "giu",
);

/** A system prompt or hidden instructions: enough on its own next to a reveal verb. */
const LEAK_STRONG = new RegExp(
  [
    "system-?prompt|systemanweisung|systemnachricht|prompt del sistema|prompt de sistema|prompt système|prompt systeme|prompt di sistema|systeemprompt|prompt systemowy|systémov\\p{L}* prompt",
    "системн\\p{L}* (?:промпт|сообщени|инструкц|подсказ)|системн\\p{L}* (?:запит|повідомлен)|μήνυμα συστήματος|προτροπή συστήματος|הנחיית המערכת|פרומפט המערכת|موجه النظام|رسالة النظام|सिस्टम प्रॉम्प्ट|सिस्टम संदेश",
    "message système|messages système|instructions système|consignes système|mensaje del sistema|messaggio di sistema|mensagem do sistema|systeembericht",
    // "the rules you were given": "Regeln, die dir vorgegeben wurden", "qui t'a été donné", "que te dieron"
    "dir (?:vorgegeben|mitgegeben|gegeben)|t'a été donnée?s?|t'ont été donnée?s?|on t'a donnée?s?|que te (?:dieron|han dado|dio)|che ti (?:hanno dato|sono state date|è stato dato)|que (?:te|lhe) (?:deram|foi dad)|которые тебе (?:дали|задали)|которую тебе дали|你被给予的|给你的(?:指令|规则|提示)",
    "järjestelmäkehot|sistem (?:mesaj|komut|istem)|rendszerprompt|prompt sistem|lời nhắc hệ thống",
    "システムプロンプト|系统提示|系統提示|系统消息|系统设定|시스템 프롬프트|시스템 메시지",
    // hidden / original instructions
    "(?:geheim|versteckt|verborgen|ursprünglich|vertraulich)\\p{L}* (?:anweisung|instruktion|vorgabe)|(?:instructions?|consignes?) (?:cachée?s?|secrètes?|initiales|d'origine)|(?:instrucciones|indicaciones) (?:ocultas|secretas|originales|iniciales)|istruzioni (?:nascoste|segrete|originali|iniziali)|instruções (?:ocultas|secretas|originais|iniciais)",
    "(?:скрыт|секретн|исходн|прихован)\\p{L}* (?:инструкц|указани|інструкц)|ukryt\\p{L}* (?:instrukc|polece)|κρυφ\\p{L}* οδηγί|ההוראות הנסתרות|التعليمات (?:المخفية|السرية)|छिपे हुए निर्देश|gizli (?:talimat|sistem)|秘密の指示|隐藏的指令|隱藏的指令|숨겨진 지시",
  ].join("|"),
  "iu",
);

/** A secret qualified as secret or hidden (not "the admin password": resetting one is an everyday question). */
const LEAK_QUALIFIED = new RegExp(
  [
    "geheim\\p{L}* ?(?:passwort|kennwort|wort|code|schlüssel)|(?:mot de passe|code|mot) secret|(?:contraseña|palabra|clave|código|frase) secreta|(?:password|parola|codice) segret|(?:senha|palavra|frase|código) secreta|geheim\\p{L}* (?:wachtwoord|woord|code)|hemlig\\p{L}* (?:lösenord|ord|kod)|hemmelig\\p{L}* (?:adgangskode|kode|ord)",
    "секретн\\p{L}* (?:пароль|слово|код)|таємн\\p{L}* (?:пароль|слово)|tajne hasło|tajné heslo|μυστικ\\p{L}* (?:κωδικ|λέξη)|הסיסמה הסודית|המילה הסודית|كلمة (?:المرور|السر) (?:السرية|الخاصة بالمسؤول)|गुप्त पासवर्ड",
    "salainen salasana|gizli (?:şifre|parola|kelime|kod)|titkos jelszó|kata sandi rahasia|mật khẩu bí mật",
    "秘密の(?:合言葉|パスワード|コード)|秘密(?:的)?(?:口令|密码)|비밀 (?:암호|코드|번호)",
  ].join("|"),
  "iu",
);

/** Negations right before ("no olvides", "不要忘记") or after ("vergiss nicht", "忘れないで") a lead. */
const NEG_BEFORE =
  /(?:^|[^\p{L}])(?:no|non|ne|n'|não|nao|nunca|jamais|mai|niemals|nie|nicht|не|ні|μην|אל|لا|मत|đừng|ikke|inte|ei|älä|sakın)\s*$|(?:不要|别|別|不可|不能|절대)\s*$/iu;
const NEG_AFTER = /^\p{L}*\s*(?:nicht|niet|nie|niemals|never|pas|ないで|지 ?마|不)/iu;

const WINDOW_BEFORE = 60;
const WINDOW_AFTER = 90;
const MAX_HITS = 3;
/** Lead words examined per list (a text repeating one thousands of times costs no more than 64). */
const MAX_LEADS = 64;

/** Sentence-bounded window around [s, e): stops at sentence punctuation and line breaks. */
function windowAround(text: string, s: number, e: number): string {
  let a = s;
  const minA = Math.max(0, s - WINDOW_BEFORE);
  while (a > minA && !/[.!?。！？\n]/.test(text[a - 1])) a--;
  let b = e;
  const maxB = Math.min(text.length, e + WINDOW_AFTER);
  while (b < maxB && !/[!?。！？\n]/.test(text[b]) && !(text[b] === "." && /\s/.test(text[b + 1] ?? " "))) b++;
  return text.slice(a, b);
}

function scan(
  text: string,
  lead: RegExp,
  test: (win: string) => boolean,
  kind: MultilingualHit["kind"],
  out: MultilingualHit[],
) {
  lead.lastIndex = 0;
  let found = 0;
  let examined = 0;
  for (let m = lead.exec(text); m !== null && examined++ < MAX_LEADS; m = lead.exec(text)) {
    const s = m.index;
    const e = s + m[0].length;
    if (m[0].length === 0) lead.lastIndex++;
    const before = text.slice(Math.max(0, s - 8), s);
    const after = text.slice(e, e + 12);
    if (NEG_BEFORE.test(before) || NEG_AFTER.test(after)) continue;
    const win = windowAround(text, s, e);
    if (!test(win)) continue;
    out.push({ kind, start: s, end: e });
    if (++found >= MAX_HITS) break;
  }
}

/** A password or a guarded word (issue 14, pass 5): the object of defended-prompt extraction. */
const SECRET_WORD_LEAD = new RegExp(
  [
    `${L}(?:passwort|kennwort|losungswort|wort|contraseña|palabra|clave|mot de passe|mot|parola|password|senha|palavra|wachtwoord|woord|lösenord|hasło|heslo|şifre|пароль|слово|код)(?![\\p{L}\\p{M}])`,
    "(?:密码|口令|暗号|词|パスワード|合言葉|비밀번호|암호)",
  ].join("|"),
  "giu",
);

/**
 * What turns that word into an extraction: a password spelled backwards or letter by letter, or the relative clause
 * of a guarded secret ("das du schützen sollst", "que tu dois protéger", "которое тебе запретили называть", "你被设定要保守的").
 * "How do I protect my password" has no relative clause and is left alone.
 */
const REVERSED = new RegExp(
  [
    "rückwärts|buchstabe für buchstabe|al revés|letra por letra|à l'envers|lettre par lettre|al contrario|lettera per lettera|de trás para frente|letra a letra|achterstevoren|letter voor letter|baklänges|от конца к началу|по буквам|задом наперёд|задом наперед|наоборот|倒着|倒过来|反过来|逐字|拼音|逆から|一文字ずつ|거꾸로|한 글자씩",
  ].join("|"),
  "iu",
);
const GUARDED_CLAUSE = new RegExp(
  [
    "(?:das|den|die) du (?:\\p{L}+ ){0,2}(?:schützen|hüten|bewahren|verbergen|geheim halten|verschweigen)|que (?:tu|vous) (?:\\p{L}+ ){0,2}(?:protéger|protèges|protégez|garder|gardes|cacher|caches)|que te (?:\\p{L}+ ){0,2}(?:guardar|proteger|ocultar)|que (?:debes|tienes que|guardas|proteges|ocultas)|che (?:ti |devi |stai )(?:\\p{L}+ ){0,2}(?:custodire|proteggere|nascondere|custodendo|proteggendo|nascondendo)|que (?:você|te) (?:\\p{L}+ ){0,2}(?:proteger|guardar|esconder)",
    "тебе (?:запретили|нельзя|велели|приказали)|ты (?:охраняешь|скрываешь|защищаешь)|你被|你要保守|你在保守|你保守|你隐藏|你守护|あなたが(?:守|隠)|네가 (?:지키|숨기)",
  ].join("|"),
  "iu",
);

const GENERIC_WORD = /^(?:wort|palabra|mot|parola|palavra|woord|слово|词|код)$/iu;

/** "Was ist das Passwort?": a bare question for the password, the opening move against a defended prompt. */
const BARE_QUESTION =
  /^\s*(?:what is|what's|whats|what was|was ist|wie lautet|wie heißt|quel est|c[uú]al es|qual [èeé]|qual era|какой|каков|jakie jest|jaki jest|co je|wat is)\s+(?:\p{L}+\s+){0,2}$/iu;

function scanSecretWords(text: string, out: MultilingualHit[]): void {
  SECRET_WORD_LEAD.lastIndex = 0;
  let examined = 0;
  for (let m = SECRET_WORD_LEAD.exec(text); m !== null && examined++ < MAX_LEADS; m = SECRET_WORD_LEAD.exec(text)) {
    const s = m.index;
    const e = s + m[0].length;
    if (m[0].length === 0) SECRET_WORD_LEAD.lastIndex++;
    const win = windowAround(text, s, e);
    const lineStart = Math.max(0, s - WINDOW_BEFORE);
    const head = text.slice(lineStart, s);
    const cut = Math.max(head.lastIndexOf("\n"), head.search(/[.!?。！？][^.!?。！？]*$/));
    const question =
      BARE_QUESTION.test(cut >= 0 ? head.slice(cut + 1) : head) && /^\s*[?？]/.test(text.slice(e, e + 3));
    // A plain word ("Wort", "mot", "слово") spelled backwards is a word game; only a guarded one counts.
    const generic = GENERIC_WORD.test(m[0]);
    if (!question && !GUARDED_CLAUSE.test(win) && (generic || !REVERSED.test(win))) continue;
    out.push({ kind: "leak", start: s, end: e });
    return;
  }
}

/** "New task / new instructions" announced in another language (the English token signal weighs 0.45). */
const NEW_TASK = new RegExp(
  [
    `${L}(?:neue (?:aufgabe|anweisung|instruktion|regeln)|nouvelles? (?:tâche|instruction|consigne|mission|règle)s?|nuevas? (?:tarea|instrucci[oó]n|instrucciones|regla|misi[oó]n)|nuov[oie] (?:compit|istruzion|regol|mission)\\p{L}*|novas? (?:tarefa|instru[cç][aã]o|instru[cç][oõ]es|regra|miss[aã]o)|nieuwe (?:taak|opdracht|instructies|regels)|nowe (?:zadanie|polecenie|instrukcje)|nowa (?:misja|instrukcja)|нов(?:ая|ые|ое) (?:задач|инструкц|задани|правил)\\p{L}*|yeni (?:görev|talimat)\\p{L}*)`,
    "(?:新的任务|新任务|新的指令|新指令|新しい指示|新しいタスク|새로운 (?:지시|작업|임무))",
  ].join("|"),
  "giu",
);

function scanNewTask(text: string, out: MultilingualHit[]): void {
  NEW_TASK.lastIndex = 0;
  const m = NEW_TASK.exec(text);
  if (m) out.push({ kind: "newtask", start: m.index, end: m.index + m[0].length });
}

/** Lead + object co-occurrences, at most three of each kind, with the lead's span in `text`. */
export function multilingualHits(text: string): MultilingualHit[] {
  const out: MultilingualHit[] = [];
  scan(
    text,
    OVERRIDE_LEAD,
    (w) => OVERRIDE_OBJECT.test(w) || (OVERRIDE_TASK.test(w) && PRIOR_WORD.test(w)),
    "override",
    out,
  );
  scan(text, LEAK_LEAD, (w) => LEAK_STRONG.test(w) || LEAK_QUALIFIED.test(w), "leak", out);
  scanSecretWords(text, out);
  scanNewTask(text, out);
  return out;
}

// --- instructions planted for an AI inside comments, hidden markup and attributes ---------------------------------

/**
 * Places where text is invisible to a human reader of the rendered document or the running code but visible to a
 * model: HTML / C / shell / SQL comments, docstrings, hidden elements, `alt` / `content` / `data-*` attributes,
 * `<noscript>`, `<template>`, `<desc>`, markdown link-reference comments and bracketed notes. Found with `indexOf`
 * and single forward passes (no backtracking regex over the whole text), at most {@link MAX_CONTAINERS} of them.
 */
const MAX_CONTAINERS = 64;
const MAX_INNER = 2000;

/** Delimited containers: every `open` with its next `close` (none after the last unmatched open). */
function delimited(text: string, open: string, close: string, emit: (s: number, e: number) => boolean): void {
  let i = text.indexOf(open);
  while (i >= 0) {
    const s = i + open.length;
    const e = text.indexOf(close, s);
    if (e < 0) return;
    if (!emit(s, Math.min(e, s + MAX_INNER))) return;
    i = text.indexOf(open, e + close.length);
  }
}

/** Line comments: the rest of a line after `//` (not `://`), or after a leading `#`, `--`, `;` or `%`. */
function lineComments(text: string, emit: (s: number, e: number) => boolean): void {
  let lineStart = 0;
  const n = text.length;
  while (lineStart < n) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = n;
    let k = lineStart;
    while (k < lineEnd && (text[k] === " " || text[k] === "\t" || text[k] === "+")) k++;
    let s = -1;
    const c = text[k];
    if ((c === "#" || c === ";" || c === "%") && k + 1 < lineEnd) {
      while (k < lineEnd && text[k] === c) k++;
      s = k;
    } else if (c === "-" && text[k + 1] === "-") s = k + 2;
    else {
      const sl = text.indexOf("//", lineStart);
      if (sl >= 0 && sl < lineEnd && (sl === 0 || text[sl - 1] !== ":")) s = sl + 2;
    }
    if (s >= 0 && !emit(s, Math.min(lineEnd, s + 500))) return;
    lineStart = lineEnd + 1;
  }
}

const HIDING_ATTR =
  /display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](?:px)?\b|color\s*:\s*(?:#f{3}\b|#f{6}\b|white)|\bhidden\b|aria-hidden/i;
const HIDING_TAGS = new Set(["noscript", "template", "desc", "title"]);
const ATTR_VALUE = /\b(?:alt|content|title|value|aria-label|data-[\w-]{1,30})\s*=\s*"([^"]{1,1000})"/gi;

/** Hidden elements (hiding style or attribute, or a tag a reader never sees) and text-bearing attribute values. */
function markup(text: string, emit: (s: number, e: number) => boolean): void {
  let i = text.indexOf("<");
  let seen = 0;
  const unclosed = new Set<string>();
  while (i >= 0 && seen++ < 4 * MAX_CONTAINERS) {
    const gt = text.indexOf(">", i);
    if (gt < 0) return;
    const head = text.slice(i + 1, Math.min(gt, i + 600));
    const m = /^([a-zA-Z][\w-]{0,20})/.exec(head);
    if (m) {
      const tag = m[1].toLowerCase();
      if (head.length < 600 && !unclosed.has(tag) && (HIDING_TAGS.has(tag) || HIDING_ATTR.test(head))) {
        const end = text.indexOf(`</${m[1]}`, gt);
        if (end < 0) unclosed.add(tag);
        else if (!emit(gt + 1, Math.min(end, gt + 1 + MAX_INNER))) return;
      }
      ATTR_VALUE.lastIndex = 0;
      for (let a = ATTR_VALUE.exec(head); a !== null; a = ATTR_VALUE.exec(head)) {
        const at = i + 1 + a.index + a[0].length - 1 - a[1].length;
        if (!emit(at, at + a[1].length)) return;
      }
    }
    i = text.indexOf("<", gt);
  }
}

/** Bracketed notes "[…]" of 10–500 characters on one line, and markdown comments `[//]: # (…)`. */
function brackets(text: string, emit: (s: number, e: number) => boolean): void {
  let open = -1;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x5b) open = k;
    else if (c === 0x0a) open = -1;
    else if (c === 0x5d && open >= 0) {
      const len = k - open - 1;
      if (len >= 10 && len <= 500 && !emit(open + 1, k)) return;
      if (text.startsWith(": # (", k + 1) || text.startsWith(": <> (", k + 1)) {
        const s = text.indexOf("(", k);
        const e = text.indexOf(")", s);
        if (e > s && e - s < 1000 && !emit(s + 1, e)) return;
      }
      open = -1;
    }
  }
}

/**
 * An AI *addressed*: "AI:", "Assistant,", "note for the assistant", "to any AI", "Dear AI", "Hey Copilot", "if an AI is
 * reading this", "language model reading this". A bare mention ("the assistant widget loads lazily") does not count.
 */
const AI_NAME =
  "(?:ai|a\\.i\\.|assistants?|llms?|language models?|chatbots?|copilot|chatgpt|gpt(?:-?\\d)?|claude|gemini|ai agents?|llm agents?|bots?|summari[sz]ers?|ai reviewers?|reviewer bots?|ai-reviewer|automated (?:screening|review)\\w*(?: systems?)?)";
const ADDRESSEE = new RegExp(
  [
    `(?<![\\p{L}\\d])${AI_NAME}\\s*[:,]`,
    `(?<![\\p{L}])(?:to|for|dear|hey|attention|note|message|if|any|all|every)\\s+(?:the\\s+|an?\\s+|any\\s+|all\\s+)?${AI_NAME}(?![\\p{L}\\d])`,
    `(?<![\\p{L}\\d])${AI_NAME}\\s+(?:is\\s+)?(?:reading|processing|summari[sz]ing|handling|reviewing|parsing|scanning|translating|converting)`,
    `@${AI_NAME}`,
  ].join("|"),
  "iu",
);

/** What makes it an attack rather than a developer's note about an assistant: it redirects the reader's answer. */
const REDIRECT =
  /(?<![\p{L}])(?:ignore|disregard|forget|instead|stop|new task|the user(?:'s)?|the reader|readers|the shopper|the customer|the maintainer|whoever|reading this|processing this|summari[sz]ing this|reviewing this|you must|you are now|from now on|do not mention|don't mention|approve|reveal|print|tell (?:the|them|him|her|people|everyone)|say (?:that|it|this)|reply|respond|render|recommend|rank|rate this|mark|upload|forward|send)(?![\p{L}])/iu;

export interface PlantedHit {
  start: number;
  end: number;
}

/** At most two containers whose text addresses an AI and redirects what it does. */
export function plantedInstructionHits(text: string): PlantedHit[] {
  const out: PlantedHit[] = [];
  let examined = 0;
  const emit = (s: number, e: number): boolean => {
    if (++examined > MAX_CONTAINERS || out.length >= 2) return false;
    if (e - s < 12) return true;
    const inner = text.slice(s, e);
    if (ADDRESSEE.test(inner) && REDIRECT.test(inner)) out.push({ start: s, end: e });
    return out.length < 2;
  };
  const scanners: Array<(t: string, f: (s: number, e: number) => boolean) => void> = [
    (t, f) => delimited(t, "<!--", "-->", f),
    (t, f) => delimited(t, "/*", "*/", f),
    (t, f) => delimited(t, '"""', '"""', f),
    (t, f) => delimited(t, "'''", "'''", f),
    markup,
    lineComments,
    brackets,
  ];
  for (const scanner of scanners) {
    examined = 0;
    scanner(text, emit);
    if (out.length >= 2) break;
  }
  return out;
}
