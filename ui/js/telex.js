// Telex composition for the on-screen keyboard: the citizen types plain
// letters and the kiosk builds Vietnamese syllables (aa → â, dd → đ, s → sắc …).
// A word is kept as letters without tone plus one tone; the tone is placed on
// the right vowel every time the word changes, so "hoas" and "hosa" agree.

const TONE_KEYS = { s: 1, f: 2, r: 3, x: 4, j: 5 }; // sắc huyền hỏi ngã nặng
const COMBINING = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"];
const VOWELS = "aăâeêioôơuưy";
const MARKED = "ăâêôơư";
const CIRCUMFLEX = { a: "â", e: "ê", o: "ô" };
const BREVE_HORN = { a: "ă", o: "ơ", u: "ư" };
const UNBREVE_HORN = { "ă": "a", "ơ": "o", "ư": "u" };

const isVowel = (c) => VOWELS.includes(c);

/** Splits a composed word into its letters without tone and its tone (0..5). */
export function decompose(word) {
  let tone = 0;
  let base = "";
  for (const ch of word.normalize("NFD")) {
    const t = COMBINING.indexOf(ch);
    if (t > 0) tone = t;
    else base += ch;
  }
  return { base: base.normalize("NFC"), tone };
}

/** The index in `base` of the vowel that carries the tone, or -1. */
export function toneIndex(base) {
  const lower = base.toLowerCase();
  // The vowel nucleus: the last run of vowels, skipping the consonantal
  // u of "qu" and i of "gi" when another vowel follows.
  let end = -1;
  for (let i = lower.length - 1; i >= 0; i--) {
    if (isVowel(lower[i])) { end = i; break; }
  }
  if (end < 0) return -1;
  let start = end;
  while (start > 0 && isVowel(lower[start - 1])) start--;
  if (end > start) {
    const two = lower.slice(start - 1, start + 1);
    if (two === "qu" || two === "gi") start++;
  }
  const hasFinal = end < lower.length - 1;
  const nucleus = lower.slice(start, end + 1);
  // ươ carries the tone on ơ; otherwise a marked vowel wins.
  const horn = nucleus.indexOf("ươ");
  if (horn >= 0) return start + horn + 1;
  for (let i = nucleus.length - 1; i >= 0; i--) {
    if (MARKED.includes(nucleus[i])) return start + i;
  }
  if (nucleus.length === 1) return start;
  if (hasFinal) return end;
  if (nucleus.length === 3) return start + 1;
  return start; // traditional placement: hóa, khỏe, thúy, mía
}

/** Builds the composed (NFC) word from letters and a tone. */
export function compose(base, tone) {
  if (!tone) return base.normalize("NFC");
  const i = toneIndex(base);
  if (i < 0) return base.normalize("NFC");
  return (base.slice(0, i + 1) + COMBINING[tone] + base.slice(i + 1)).normalize("NFC");
}

function lastIndexOfAny(s, chars) {
  for (let i = s.length - 1; i >= 0; i--) if (chars.includes(s[i])) return i;
  return -1;
}

function replaceAt(s, i, c) {
  const upper = s[i] !== s[i].toLowerCase();
  return s.slice(0, i) + (upper ? c.toUpperCase() : c) + s.slice(i + 1);
}

/**
 * Applies one typed key to the current word and returns the new word.
 * Keys that are not Telex modifiers are appended as they are.
 */
export function applyKey(word, key) {
  const { base, tone } = decompose(word);
  const k = key.toLowerCase();
  const lower = base.toLowerCase();
  const hasVowel = [...lower].some(isVowel);

  if (k in TONE_KEYS && hasVowel) {
    const t = TONE_KEYS[k];
    if (tone === t) return compose(base, 0) + key; // "ass" → "as"
    return compose(base, t);
  }
  if (k === "z" && hasVowel && tone) return compose(base, 0);

  if (k === "d" && lower.length > 0) {
    // dd → đ (also "dod" → "đo"); "đd" undoes it.
    if (lower[0] === "d") return compose(replaceAt(base, 0, "đ"), tone);
    if (lower === "đ") return replaceAt(base, 0, "d") + key;
  }

  if (k in CIRCUMFLEX) {
    const i = lastIndexOfAny(lower, k + CIRCUMFLEX[k] + (k === "a" ? "ă" : k === "o" ? "ơ" : ""));
    if (i >= 0 && i >= lower.length - 3) {
      const c = lower[i];
      if (c === k || UNBREVE_HORN[c] === k) return compose(replaceAt(base, i, CIRCUMFLEX[k]), tone);
      if (c === CIRCUMFLEX[k]) return compose(replaceAt(base, i, k), tone) + key; // "aaa" → "aa"
    }
  }

  if (k === "w") {
    const uo = lower.lastIndexOf("uo");
    if (uo >= 0 && uo >= lower.length - 3) {
      return compose(replaceAt(replaceAt(base, uo, "ư"), uo + 1, "ơ"), tone);
    }
    const i = lastIndexOfAny(lower, "aouăơưâô");
    if (i >= 0 && i >= lower.length - 3) {
      const c = lower[i];
      if (c in BREVE_HORN) return compose(replaceAt(base, i, BREVE_HORN[c]), tone);
      if (c in UNBREVE_HORN) return compose(replaceAt(base, i, UNBREVE_HORN[c]), tone) + key; // "aww" → "aw"
      if (c === "â") return compose(replaceAt(base, i, "ă"), tone);
      if (c === "ô") return compose(replaceAt(base, i, "ơ"), tone);
    }
    if (lower.length === 0 || !hasVowel) return word + (key === "W" ? "Ư" : "ư"); // "w" alone → ư
  }

  return compose(base, tone) + key;
}

/** Types a whole string key by key (each word composed on its own). */
export function typeTelex(keys) {
  let text = "";
  for (const key of keys) text = typeKey(text, key);
  return text;
}

/** Applies one key to a whole text: Telex works on the last word only. */
export function typeKey(text, key) {
  if (!/^[a-zA-Z]$/.test(key)) return text + key;
  const m = /(\S*)$/.exec(text);
  const word = m ? m[1] : "";
  return text.slice(0, text.length - word.length) + applyKey(word, key);
}
