// framecast virtual time: Date, performance.now, requestAnimationFrame and the timers follow a
// clock that only moves when the renderer seeks, and Math.random / crypto.getRandomValues are
// seeded. Installed before any page script runs.
//
// Animation frames run on a fixed grid (one per output frame, starting at t = 0) whatever the
// seek pattern: a worker that starts seeking mid-video runs every grid frame up to its first
// time, so code driven by requestAnimationFrame reaches the same state at the same t on every
// worker.
(function (factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof window !== "undefined") {
    window.__framecastInternals = window.__framecastInternals || {};
    window.__framecastInternals.virtualTime = api;
  }
})(function () {
  "use strict";

  /// A fast, well-distributed 32-bit generator (sfc32) seeded through splitmix32, so every seed
  /// gives an independent stream.
  function seededGenerator(seed) {
    let state = seed >>> 0;
    const splitmix = () => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    let a = splitmix();
    let b = splitmix();
    let c = splitmix();
    let d = splitmix();
    const next = () => {
      const t = (((a + b) >>> 0) + d) >>> 0;
      d = (d + 1) >>> 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) >>> 0;
      c = ((c << 21) | (c >>> 11)) >>> 0;
      c = (c + t) >>> 0;
      return t;
    };
    for (let i = 0; i < 12; i += 1) next();
    return next;
  }

  /// The scheduler behind the virtual timers and animation frames. Times are milliseconds.
  function createClock() {
    let now = 0;
    let frameMs = 1000 / 30;
    let lastTick = -1;
    let nextId = 1;
    const timers = new Map();
    let frameCallbacks = new Map();
    const errors = [];

    const report = (error) => errors.push(error);

    function setTimer(callback, delay, args, repeat) {
      const id = nextId++;
      const wait = Math.max(0, Number(delay) || 0);
      const fn = typeof callback === "function" ? callback : new Function(String(callback));
      timers.set(id, { id, due: now + wait, interval: repeat ? Math.max(1, wait) : null, fn, args });
      return id;
    }

    function nextTimer() {
      let best = null;
      for (const timer of timers.values()) {
        if (best === null || timer.due < best.due || (timer.due === best.due && timer.id < best.id)) best = timer;
      }
      return best;
    }

    function runTimer(timer) {
      now = Math.max(now, timer.due);
      if (timer.interval === null) timers.delete(timer.id);
      else timer.due += timer.interval;
      try {
        timer.fn.apply(undefined, timer.args);
      } catch (error) {
        report(error);
      }
    }

    function runFrame(tick) {
      now = tick * frameMs;
      lastTick = tick;
      const callbacks = frameCallbacks;
      frameCallbacks = new Map();
      for (const callback of callbacks.values()) {
        try {
          callback(now);
        } catch (error) {
          report(error);
        }
      }
    }

    /// Moves the clock to `target` ms, running due timers and grid frames in time order.
    function advanceTo(target) {
      if (target < now) {
        // Only a preview scrubbing backwards gets here; what already ran cannot be undone.
        now = target;
        lastTick = Math.floor(target / frameMs + 1e-9) - 1;
      }
      let steps = 0;
      for (;;) {
        if (++steps > 1000000) throw new Error(`timers or animation frames keep firing without end before t = ${target / 1000} s`);
        const timer = nextTimer();
        const tick = Math.max(lastTick + 1, Math.ceil(now / frameMs - 1e-6));
        const tickTime = tick * frameMs;
        const frameDue = frameCallbacks.size > 0 && tickTime <= target + 1e-6;
        const timerDue = timer !== null && timer.due <= target + 1e-6;
        if (!frameDue && !timerDue) break;
        if (timerDue && (!frameDue || timer.due <= tickTime)) runTimer(timer);
        else runFrame(tick);
      }
      // Grid frames with nothing to run still count as done, so a callback registered later
      // waits for the next grid frame, as it would in a browser.
      lastTick = Math.max(lastTick, Math.floor(target / frameMs + 1e-6));
      now = target;
    }

    return {
      now: () => now,
      setFrameRate(fps) {
        if (Number.isFinite(fps) && fps > 0) frameMs = 1000 / fps;
      },
      setTimeout: (callback, delay, ...args) => setTimer(callback, delay, args, false),
      setInterval: (callback, delay, ...args) => setTimer(callback, delay, args, true),
      clearTimer: (id) => timers.delete(id),
      requestAnimationFrame(callback) {
        const id = nextId++;
        frameCallbacks.set(id, callback);
        return id;
      },
      cancelAnimationFrame: (id) => frameCallbacks.delete(id),
      advanceTo,
      /// Timers due now (setTimeout(fn, 0) during page start-up) run before the first frame.
      flush: () => advanceTo(now),
      pending: () => ({ timers: timers.size, frames: frameCallbacks.size }),
      takeErrors: () => errors.splice(0, errors.length),
    };
  }

  /// Replaces the page's clocks, timers and random sources. `epochMs` is what Date reports at
  /// t = 0; the real timers stay available to the runtime through the returned object.
  function install(win, options) {
    const clock = createClock();
    const RealDate = win.Date;
    const real = {
      setTimeout: win.setTimeout.bind(win),
      clearTimeout: win.clearTimeout.bind(win),
      now: () => RealDate.now(),
    };
    const epoch = options.epochMs;

    function VirtualDate(...args) {
      if (!new.target) return new RealDate(epoch + clock.now()).toString();
      return args.length === 0 ? new RealDate(epoch + clock.now()) : new RealDate(...args);
    }
    VirtualDate.prototype = RealDate.prototype;
    VirtualDate.now = () => Math.floor(epoch + clock.now());
    VirtualDate.parse = RealDate.parse;
    VirtualDate.UTC = RealDate.UTC;
    win.Date = VirtualDate;

    const define = (target, name, value) => {
      try {
        Object.defineProperty(target, name, { value, configurable: true, writable: true });
      } catch {
        // A host object that refuses the override keeps its real behaviour.
      }
    };
    if (win.performance) define(win.performance, "now", () => clock.now());
    win.setTimeout = clock.setTimeout;
    win.setInterval = clock.setInterval;
    win.clearTimeout = clock.clearTimer;
    win.clearInterval = clock.clearTimer;
    win.requestAnimationFrame = clock.requestAnimationFrame;
    win.cancelAnimationFrame = clock.cancelAnimationFrame;

    const random = seededGenerator(options.seed);
    define(win.Math, "random", () => random() / 4294967296);
    if (win.crypto) {
      const bytes = seededGenerator(options.seed ^ 0x5bd1e995);
      define(win.crypto, "getRandomValues", (array) => {
        const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
        for (let i = 0; i < view.length; i += 1) view[i] = bytes() & 0xff;
        return array;
      });
      define(win.crypto, "randomUUID", () => {
        const hex = [];
        for (let i = 0; i < 16; i += 1) hex.push((bytes() & 0xff).toString(16).padStart(2, "0"));
        hex[6] = "4" + hex[6][1];
        hex[8] = ((parseInt(hex[8], 16) & 0x3f) | 0x80).toString(16);
        const text = hex.join("");
        return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
      });
    }
    return { clock, real };
  }

  return { seededGenerator, createClock, install };
});
