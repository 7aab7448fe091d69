// What the search screen does with the engine's hits. Matching and ranking
// are the engine's (crates/engine/src/search.rs, accent-insensitive); here
// the matched words are highlighted, and hits with the very diacritics the
// citizen typed are put first, which the engine cannot see once it has
// folded the accents away.

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
 * exactly those letters come first ("đất" before "đạt"); otherwise keeps the
 * engine's order (also among equals).
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
