// Search normalisation: accent- and case-insensitive matching, so "giay phep"
// finds "Giấy phép" and "DAT DAI" finds "Đất đai".

/** Lower-case, no diacritics, đ → d, punctuation to spaces, single spaces. */
export function normalise(text) {
  return String(text ?? "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/**
 * How well `query` matches `text`: 0 = no match; otherwise higher is better.
 * Every query word must start a word of the text (so "ho" finds "hộ khẩu" but
 * not "thọ"); a whole-phrase match and an earlier position score higher.
 */
export function matchScore(text, query) {
  const q = normalise(query);
  if (!q) return 0;
  const t = normalise(text);
  const words = t.split(" ");
  let score = 0;
  for (const part of q.split(" ")) {
    const at = words.findIndex((w) => w.startsWith(part));
    if (at < 0) return 0;
    score += words[at] === part ? 2 : 1;
    score += 1 / (1 + at);
  }
  if (t.includes(q)) score += 3;
  if (t.startsWith(q)) score += 2;
  return score;
}

/** Items whose `key(item)` matches `query`, best first, at most `limit`. */
export function filterItems(items, query, key, limit = 30) {
  return items
    .map((item, i) => ({ item, i, s: matchScore(key(item), query) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.item);
}

/**
 * Splits `text` into runs for highlighting the words `query` matched:
 * [{text, hit}] where the runs join back to `text` unchanged.
 */
export function highlight(text, query) {
  const parts = normalise(query).split(" ").filter(Boolean);
  if (!parts.length) return [{ text, hit: false }];
  const chars = [...text];
  const folded = chars.map((c) => normalise(c) || " ");
  const hit = new Array(chars.length).fill(false);
  let i = 0;
  while (i < chars.length) {
    const startsWord = folded[i] !== " " && (i === 0 || folded[i - 1] === " ");
    if (startsWord) {
      for (const p of parts) {
        let j = 0;
        let k = i;
        while (j < p.length && k < chars.length && folded[k] === p[j]) { j++; k++; }
        if (j === p.length) for (let x = i; x < k; x++) hit[x] = true;
      }
    }
    i++;
  }
  const runs = [];
  chars.forEach((c, idx) => {
    const last = runs[runs.length - 1];
    if (last && last.hit === hit[idx]) last.text += c;
    else runs.push({ text: c, hit: hit[idx] });
  });
  return runs;
}

/**
 * Reorders search hits so that, when the query carries diacritics, names with
 * exactly those letters come first ("đất" before "đạt"); otherwise keeps order.
 */
export function rerankByDiacritics(hits, query, name = (h) => h.name) {
  const q = String(query ?? "").normalize("NFC").toLowerCase().trim();
  if (!q || q === normalise(q)) return hits;
  const words = q.split(/\s+/);
  const exact = (h) => {
    const n = String(name(h) ?? "").normalize("NFC").toLowerCase();
    return words.filter((w) => n.includes(w)).length;
  };
  return hits.map((h, i) => ({ h, i, e: exact(h) })).sort((a, b) => b.e - a.e || a.i - b.i).map((x) => x.h);
}
