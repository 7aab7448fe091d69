// The idle timer: after `timeoutMs` without a touch a visible countdown of
// `warnMs` starts; when it ends, everything goes back to the home screen.
// Pure state; the page calls `tick(now)` and `touch(now)`.

export class IdleTimer {
  constructor({ timeoutMs, warnMs = 10000, onWarn = () => {}, onCount = () => {}, onExpire = () => {}, onCancel = () => {} }) {
    this.timeoutMs = timeoutMs;
    this.warnMs = Math.min(warnMs, timeoutMs / 2);
    this.onWarn = onWarn;
    this.onCount = onCount;
    this.onExpire = onExpire;
    this.onCancel = onCancel;
    this.lastTouch = 0;
    this.phase = "idle"; // idle (on the home screen, nothing to clear) | active | warning
    this.shown = null;
  }

  /** A citizen started something that must be cleared later. */
  arm(now) {
    this.lastTouch = now;
    if (this.phase === "warning") this.onCancel();
    this.phase = "active";
  }

  /** Back on a clean home screen: nothing to time out. */
  disarm() {
    if (this.phase === "warning") this.onCancel();
    this.phase = "idle";
  }

  /** Any touch or key: the citizen is still here. */
  touch(now) {
    if (this.phase === "idle") return;
    this.arm(now);
  }

  /** Seconds left on the countdown (during the warning), else null. */
  secondsLeft(now) {
    if (this.phase !== "warning") return null;
    return Math.max(0, Math.ceil((this.lastTouch + this.timeoutMs - now) / 1000));
  }

  /** Advances the timer to `now`; returns the phase. */
  tick(now) {
    if (this.phase === "idle") return this.phase;
    const quiet = now - this.lastTouch;
    if (quiet >= this.timeoutMs) {
      this.phase = "idle";
      this.shown = null;
      this.onExpire();
      return "expired";
    }
    if (quiet >= this.timeoutMs - this.warnMs) {
      if (this.phase !== "warning") {
        this.phase = "warning";
        this.onWarn(this.secondsLeft(now));
      }
      const left = this.secondsLeft(now);
      if (left !== this.shown) {
        this.shown = left;
        this.onCount(left);
      }
    }
    return this.phase;
  }
}
