// For a citizen who uses a screen reader (or a keyboard) on the touch kiosk:
// a new screen's heading takes focus and is read out, and dialogs are modal
// dialogs named by their title that take focus and give it back.

import { h, mount } from "./dom.js";

/** The heading a screen starts with: its first h1, else its first h2. */
export function screenHeading(root) {
  return root.querySelector("h1") ?? root.querySelector("h2");
}

/**
 * Moves focus to the screen's heading (focusable through tabindex="-1") and
 * puts its text in the polite live region. Returns the text, or null while
 * the screen has no heading yet (still loading).
 */
export function announceScreen(root, liveRegion) {
  const heading = screenHeading(root);
  if (!heading) return null;
  heading.setAttribute("tabindex", "-1");
  heading.focus({ preventScroll: true });
  const text = heading.textContent.replace(/\s+/g, " ").trim();
  liveRegion.textContent = text;
  return text;
}

/** A modal dialog whose h1 `title` names it (aria-labelledby) and can take focus. */
export function dialog({ testid, title, role = "dialog" }, ...children) {
  const titleId = `${testid}-title`;
  return h(
    "div",
    { class: "dialog", testid, role, "aria-modal": "true", "aria-labelledby": titleId },
    h("h1", { id: titleId, tabindex: "-1" }, title),
    ...children,
  );
}

/** Shows `overlay` holding `content` with focus on `target` (default: its title); remembers the focus to give back. */
export function openOverlay(overlay, content, target) {
  if (overlay.hidden) overlay.returnFocus = document.activeElement;
  mount(overlay, content);
  overlay.hidden = false;
  (target ?? content.querySelector("h1"))?.focus({ preventScroll: true });
}

/** Redraws an open overlay, keeping focus on the control (same data-testid) that had it. */
export function redrawOverlay(overlay, content) {
  const active = document.activeElement;
  const testid = active && overlay.contains(active) ? active.dataset?.testid : null;
  mount(overlay, content);
  if (testid) content.querySelector(`[data-testid="${testid}"]`)?.focus({ preventScroll: true });
}

/** Hides `overlay` and gives focus back to where it was, if that is still on the page. */
export function closeOverlay(overlay) {
  overlay.hidden = true;
  overlay.replaceChildren();
  const back = overlay.returnFocus;
  overlay.returnFocus = null;
  if (back?.isConnected) back.focus({ preventScroll: true });
}
