// Inline SVG icons (no image files, no network): stroke icons in currentColor.

const svg = (body, extra = "") =>
  `<svg viewBox="0 0 48 48" fill="none" stroke="currentColor" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"${extra}>${body}</svg>`;

export const ICONS = {
  ticket: svg('<path d="M8 12h32v8a4 4 0 0 0 0 8v8H8v-8a4 4 0 0 0 0-8z"/><path d="M18 19h12M18 24h12M18 29h8"/>'),
  result: svg('<rect x="10" y="6" width="28" height="36" rx="3"/><path d="M17 24l5 5 9-10"/>'),
  lookup: svg('<rect x="6" y="6" width="24" height="32" rx="3"/><path d="M12 14h12M12 20h8"/><circle cx="31" cy="30" r="8"/><path d="M37 36l6 6"/>'),
  book: svg('<path d="M6 10c6-3 12-3 18 1 6-4 12-4 18-1v28c-6-3-12-3-18 1-6-4-12-4-18-1z"/><path d="M24 11v28"/>'),
  smile: svg('<circle cx="24" cy="24" r="18"/><path d="M16 28c4 5 12 5 16 0"/><path d="M18 19h.01M30 19h.01" stroke-width="5"/>'),
  home: svg('<path d="M6 22L24 7l18 15"/><path d="M11 19v21h10V29h6v11h10V19"/>'),
  back: svg('<path d="M20 12L8 24l12 12"/><path d="M9 24h31"/>'),
  next: svg('<path d="M28 12l12 12-12 12"/><path d="M39 24H10"/>'),
  globe: svg('<circle cx="24" cy="24" r="18"/><path d="M6 24h36M24 6c6 6 6 30 0 36M24 6c-6 6-6 30 0 36"/>'),
  text: svg('<path d="M6 38L16 10l10 28M9 29h14"/><path d="M30 38l6-16 6 16M32 33h8"/>'),
  offline: svg('<path d="M6 18c10-9 26-9 36 0M12 25c7-6 17-6 24 0M18 32c4-3 8-3 12 0"/><path d="M24 39h.01" stroke-width="5"/><path d="M8 8l32 32"/>'),
  printer: svg('<path d="M14 18V6h20v12"/><rect x="6" y="18" width="36" height="16" rx="3"/><path d="M14 28h20v14H14z"/>'),
  lock: svg('<rect x="10" y="21" width="28" height="20" rx="3"/><path d="M16 21v-6a8 8 0 0 1 16 0v6"/>'),
  scan: svg('<path d="M6 14V6h8M34 6h8v8M42 34v8h-8M14 42H6v-8"/><path d="M14 16h4v16h-4zM22 16h2v16h-2zM28 16h6v16h-6z"/>'),
  keyboard: svg('<rect x="4" y="12" width="40" height="24" rx="3"/><path d="M10 19h.01M16 19h.01M22 19h.01M28 19h.01M34 19h.01M10 25h.01M16 25h.01M22 25h.01M28 25h.01M34 25h.01" stroke-width="4"/><path d="M14 31h20"/>'),
  check: svg('<circle cx="24" cy="24" r="18"/><path d="M15 24l6 6 12-12"/>'),
  clock: svg('<circle cx="24" cy="24" r="18"/><path d="M24 13v11l7 5"/>'),
  warning: svg('<path d="M24 6l20 36H4z"/><path d="M24 19v10"/><path d="M24 35h.01" stroke-width="5"/>'),
  info: svg('<circle cx="24" cy="24" r="18"/><path d="M24 22v12"/><path d="M24 15h.01" stroke-width="5"/>'),
  stop: svg('<circle cx="24" cy="24" r="18"/><path d="M15 15l18 18"/>'),
  search: svg('<circle cx="21" cy="21" r="13"/><path d="M31 31l11 11"/>'),
  list: svg('<path d="M16 12h26M16 24h26M16 36h26"/><path d="M7 12h.01M7 24h.01M7 36h.01" stroke-width="5"/>'),
  building: svg('<path d="M6 42h36M10 42V18l14-10 14 10v24"/><path d="M17 42V26M24 42V26M31 42V26M14 22h20"/>'),
  elderly: svg('<circle cx="22" cy="8" r="4"/><path d="M22 14l-4 12 6 6v10M18 26l-4 16M22 18l8 6"/><path d="M34 24v18"/>'),
  disabled: svg('<circle cx="22" cy="7" r="4"/><path d="M22 13v13h12l4 12"/><path d="M16 22a11 11 0 1 0 14 14"/>'),
  family: svg('<circle cx="18" cy="9" r="4"/><path d="M18 15c-6 0-8 7-8 13h5v14h6V28h3"/><circle cx="31" cy="23" r="3"/><path d="M31 28c-3 0-5 3-5 7h4v7h3v-7"/>'),
  medal: svg('<path d="M16 6l8 14 8-14"/><circle cx="24" cy="30" r="11"/><path d="M24 25v10M20 28l4-3"/>'),
  person: svg('<circle cx="24" cy="14" r="7"/><path d="M10 42c0-9 6-15 14-15s14 6 14 15"/>'),
  faceGood: svg('<circle cx="24" cy="24" r="20"/><path d="M14 27c4 8 16 8 20 0z"/><path d="M17 18h.01M31 18h.01" stroke-width="5"/>'),
  faceOk: svg('<circle cx="24" cy="24" r="20"/><path d="M16 30c5 3 11 3 16 0"/><path d="M17 19h.01M31 19h.01" stroke-width="5"/>'),
  faceBad: svg('<circle cx="24" cy="24" r="20"/><path d="M16 34c5-5 11-5 16 0"/><path d="M17 19h.01M31 19h.01" stroke-width="5"/>'),
  backspace: svg('<path d="M18 10h24v28H18L6 24z"/><path d="M24 18l12 12M36 18L24 30"/>'),
  mark: svg('<rect x="3" y="3" width="42" height="42" rx="9" fill="#ffffff" stroke="none"/><path d="M16 39V12h16v27" stroke="#0b4a8f"/><circle cx="28" cy="26" r="1.5" fill="#e0a800" stroke="#e0a800"/><path d="M24 4l1.5 4h4l-3.2 2.4 1.2 4L24 12l-3.5 2.4 1.2-4L18.5 8h4z" fill="#da251d" stroke="none"/>'),
};

/** A span holding the icon (static markup from this module only). */
export function icon(name) {
  const span = document.createElement("span");
  span.className = "i";
  span.innerHTML = ICONS[name] ?? "";
  return span.firstElementChild ?? span;
}
