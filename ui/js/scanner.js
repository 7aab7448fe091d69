// A USB barcode/QR scanner is a keyboard that types a fast burst and ends with
// Enter. A person on the kiosk never types on a physical keyboard, but we still
// tell the two apart by speed: every gap below `maxGapMs` and at least
// `minLength` characters before Enter.

/** Detects scanner bursts from key events; pure, the clock is passed in. */
export class ScanDetector {
  constructor({ maxGapMs = 35, minLength = 6, onScan = () => {} } = {}) {
    this.maxGapMs = maxGapMs;
    this.minLength = minLength;
    this.onScan = onScan;
    this.reset();
  }

  reset() {
    this.buffer = "";
    this.last = -Infinity;
  }

  /**
   * Feeds one key (`event.key`) typed at `time` ms. Returns the scanned text
   * when this key completes a burst, else null.
   */
  feed(key, time) {
    const gap = time - this.last;
    this.last = time;
    if (key === "Enter") {
      const text = this.buffer;
      const fast = gap <= this.maxGapMs;
      this.buffer = "";
      if (fast && text.length >= this.minLength) {
        this.onScan(text);
        return text;
      }
      return null;
    }
    if (key.length !== 1) return null; // Shift, Control …: part of a burst, not text
    if (gap > this.maxGapMs) this.buffer = "";
    this.buffer += key;
    return null;
  }
}

/**
 * Listens on `target` (the window) for scanner bursts while no text field has
 * focus; keys of a burst are swallowed so they do not reach the page.
 */
export function listenForScans(target, onScan, options = {}) {
  const detector = new ScanDetector({ ...options, onScan });
  const handler = (event) => {
    const el = target.document?.activeElement;
    if (el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.isContentEditable)) return;
    detector.feed(event.key, event.timeStamp || performance.now());
    if (event.key.length === 1 || event.key === "Enter") event.preventDefault();
  };
  target.addEventListener("keydown", handler, true);
  return () => target.removeEventListener("keydown", handler, true);
}
