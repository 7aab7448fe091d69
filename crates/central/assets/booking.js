// The booking form's proof of work (/dat-lich): find a nonce so that
// SHA-256(challenge + ":" + nonce) starts with `bits` zero bits, put
// "challenge:nonce" in the form, then post it. WebCrypto where the page is a
// secure context; the small SHA-256 below where it is not (plain HTTP on a LAN).
"use strict";
(function () {
  const form = document.getElementById("book");
  if (!form) return;
  const enc = new TextEncoder();
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
    0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  // SHA-256 of bytes (FIPS 180-4), for pages without crypto.subtle.
  function sha256(bytes) {
    const n = ((bytes.length + 9 + 63) >> 6) << 6;
    const m = new Uint8Array(n);
    m.set(bytes);
    m[bytes.length] = 0x80;
    const bits = bytes.length * 8;
    m[n - 4] = bits >>> 24; m[n - 3] = bits >>> 16; m[n - 2] = bits >>> 8; m[n - 1] = bits;
    const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const w = new Uint32Array(64);
    const r = (x, k) => (x >>> k) | (x << (32 - k));
    for (let o = 0; o < n; o += 64) {
      for (let i = 0; i < 16; i++) w[i] = (m[o + 4 * i] << 24) | (m[o + 4 * i + 1] << 16) | (m[o + 4 * i + 2] << 8) | m[o + 4 * i + 3];
      for (let i = 16; i < 64; i++) {
        const s0 = r(w[i - 15], 7) ^ r(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = r(w[i - 2], 17) ^ r(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i++) {
        const t1 = (hh + (r(e, 6) ^ r(e, 11) ^ r(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        const t2 = ((r(a, 2) ^ r(a, 13) ^ r(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) { out[4 * i] = h[i] >>> 24; out[4 * i + 1] = h[i] >>> 16; out[4 * i + 2] = h[i] >>> 8; out[4 * i + 3] = h[i]; }
    return out;
  }
  const digest = window.crypto && crypto.subtle
    ? async (b) => new Uint8Array(await crypto.subtle.digest("SHA-256", b))
    : async (b) => sha256(b);
  function zeroBits(d, bits) {
    let i = 0;
    for (; bits >= 8; bits -= 8) if (d[i++] !== 0) return false;
    return bits === 0 || (d[i] >> (8 - bits)) === 0;
  }
  async function solve(challenge, bits) {
    for (let nonce = 0; ; nonce++) {
      const s = challenge + ":" + nonce;
      if (zeroBits(await digest(enc.encode(s)), bits)) return s;
    }
  }
  let solved = false;
  form.addEventListener("submit", async (ev) => {
    if (solved) return;
    ev.preventDefault();
    if (!form.reportValidity()) return;
    const button = form.querySelector("button");
    const status = document.getElementById("pow");
    button.disabled = true;
    status.hidden = false;
    form.elements.solution.value = await solve(form.dataset.challenge, Number(form.dataset.bits));
    solved = true;
    form.submit();
  });
})();
