// framecast page runtime: injected before any page script runs. It owns everything that
// happens inside the page during a render: the seek protocol, clip visibility, timeline
// lookup, readiness, and error collection. The renderer talks to it only through
// `window.__hf`. Plain JavaScript, no build step.
(() => {
  "use strict";
  if (window.__hf && window.__hf.__framecast) return;

  const hf = (window.__hf = window.__hf || {});
  hf.__framecast = true;
  hf.errors = [];
  hf.currentTime = 0;

  // Errors thrown by page scripts are collected so the renderer can report them with the
  // file and line instead of rendering a broken page.
  const config = window.__framecastConfig || {};

  // Page URLs are shown as the files they come from, so an error names a file the author has.
  function sourceName(url) {
    const origin = window.location.origin + "/";
    if (config.sourceRoot && url.startsWith(origin)) return config.sourceRoot + url.slice(origin.length);
    return url;
  }

  window.addEventListener("error", (event) => {
    const where = event.filename ? ` (${sourceName(event.filename)}:${event.lineno}:${event.colno})` : "";
    const target = event.target && event.target !== window ? describeResource(event.target) : "";
    hf.errors.push(target ? `failed to load ${target}` : `${event.message}${where}`);
  }, true);
  window.addEventListener("unhandledrejection", (event) => {
    const reason = event.reason && event.reason.stack ? event.reason.stack : String(event.reason);
    hf.errors.push(`unhandled promise rejection: ${reason}`);
  });

  function describeResource(element) {
    const tag = element.tagName ? element.tagName.toLowerCase() : "resource";
    const url = element.src || element.href || "";
    return `<${tag}> ${sourceName(url)}`;
  }

  // Hidden clips use an attribute and one stylesheet rule, so the page's own inline styles
  // (including GSAP's autoAlpha) stay untouched and win again once the clip is visible.
  const HIDDEN_ATTRIBUTE = "data-framecast-hidden";
  function installStyles() {
    const style = document.createElement("style");
    style.setAttribute("data-framecast", "runtime");
    style.textContent = `[${HIDDEN_ATTRIBUTE}] { visibility: hidden !important; }`;
    (document.head || document.documentElement).appendChild(style);
  }

  function findRoot() {
    return document.querySelector("[data-composition-id]") || document.querySelector('[data-root="true"]');
  }

  function parseSeconds(value) {
    if (value === null || value === undefined || value === "") return null;
    const number = Number(value);
    return Number.isFinite(number) ? number : null;
  }

  // A timed element is visible iff start <= t < start + duration and every timed ancestor is
  // visible. Ancestors hide their subtree through inherited visibility, so each clip only has to
  // test its own window.
  let clips = [];
  function collectClips(root) {
    clips = [];
    for (const element of root.querySelectorAll("[data-start]")) {
      if (element === root) continue;
      const start = parseSeconds(element.getAttribute("data-start"));
      if (start === null) {
        throw new Error(`element ${describeElement(element)} has data-start="${element.getAttribute("data-start")}", which is not a number of seconds`);
      }
      const duration = parseSeconds(element.getAttribute("data-duration"));
      clips.push({ element, start, end: duration === null ? Infinity : start + duration, visible: null });
    }
  }

  function describeElement(element) {
    if (element.id) return `#${element.id}`;
    const tag = element.tagName.toLowerCase();
    const classes = element.classList.length ? "." + [...element.classList].join(".") : "";
    return `<${tag}${classes}>`;
  }

  function applyVisibility(t) {
    for (const clip of clips) {
      const visible = clip.start <= t && t < clip.end;
      // Touch the DOM only on a change, so an unchanged frame stays undamaged for Chrome.
      if (visible === clip.visible) continue;
      clip.visible = visible;
      if (visible) clip.element.removeAttribute(HIDDEN_ATTRIBUTE);
      else clip.element.setAttribute(HIDDEN_ATTRIBUTE, "");
    }
  }

  let root = null;
  let compositionId = "";
  let timeline = null;

  function lookupTimeline() {
    const timelines = window.__timelines || {};
    const ids = Object.keys(timelines);
    if (timelines[compositionId]) return timelines[compositionId];
    if (ids.length > 0) {
      throw new Error(
        `the page registered window.__timelines[${ids.map((id) => JSON.stringify(id)).join(", ")}] but the root's data-composition-id is ${JSON.stringify(compositionId)}; register the root timeline as window.__timelines[${JSON.stringify(compositionId)}]`
      );
    }
    return null;
  }

  function timelineDuration(candidate) {
    if (!candidate) return null;
    if (typeof candidate.totalDuration === "function") return candidate.totalDuration();
    if (typeof candidate.duration === "function") return candidate.duration();
    return null;
  }

  hf.seek = (t) => {
    hf.currentTime = t;
    if (timeline) {
      if (typeof timeline.totalTime === "function") timeline.totalTime(t, false);
      else if (typeof timeline.seek === "function") timeline.seek(t, false);
    }
    applyVisibility(t);
    if (hf.errors.length > 0) throw new Error(hf.errors.join("\n"));
    return t;
  };

  function waitForLoad() {
    if (document.readyState === "complete") return Promise.resolve();
    return new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
  }

  function waitForImages() {
    const pending = [...document.images]
      .filter((image) => !image.complete)
      .map((image) => new Promise((resolve) => {
        image.addEventListener("load", resolve, { once: true });
        image.addEventListener("error", resolve, { once: true });
      }));
    return Promise.all(pending);
  }

  // Resolves once the page is ready for its first frame and describes the composition. Throws
  // (the renderer reports it) on page script errors or a timeline registered under a wrong id.
  hf.whenReady = async () => {
    await waitForLoad();
    if (document.fonts && document.fonts.ready) await document.fonts.ready;
    await waitForImages();
    if (hf.errors.length > 0) throw new Error(hf.errors.join("\n"));
    root = findRoot();
    if (!root) throw new Error("the page has no element with data-composition-id; add one around the composition");
    compositionId = root.getAttribute("data-composition-id") || "";
    installStyles();
    collectClips(root);
    timeline = lookupTimeline();
    const declared = parseSeconds(root.getAttribute("data-duration"));
    const fromTimeline = timelineDuration(timeline);
    hf.duration = declared !== null ? declared : fromTimeline;
    hf.seek(0);
    return {
      id: compositionId,
      width: Number(root.getAttribute("data-width")),
      height: Number(root.getAttribute("data-height")),
      duration: hf.duration,
      hasTimeline: timeline !== null,
      clipCount: clips.length,
    };
  };
})();
