// framecast page runtime: injected before any page script runs, after timing.js,
// virtual-time.js, variables.js, layout.js, compositions.js and adapters.js (the browser crate
// concatenates them in that order). It owns the seek protocol, clip visibility, readiness and
// error collection. The renderer talks to it only through `window.__hf`. Plain JavaScript, no
// build.
(() => {
  "use strict";
  if (window.__hf && window.__hf.__framecast) return;

  const internals = window.__framecastInternals;
  const { timing, variables, compositions, adapters, layout } = internals;
  const config = window.__framecastConfig || {};

  const hf = (window.__hf = window.__hf || {});
  hf.__framecast = true;
  hf.errors = [];
  hf.currentTime = 0;

  // HyperFrames' render mode: libraries such as HyperShader check this flag and schedule their
  // work on the timeline instead of playing it in real time.
  window.__HF_VIRTUAL_TIME__ = true;

  // The timeline registry exists before any page script, as HyperFrames' runtime defines it
  // (core/src/runtime/entry.ts): `window.__timelines["main"] = tl` works without the
  // `window.__timelines = window.__timelines || {}` line. A page that replaces it keeps its own.
  window.__timelines = window.__timelines || {};

  // A same-origin frame of a framecast page (an `<iframe class="clip" src="target.html">`) runs
  // this runtime too, since the injection reaches every document, but it is not a composition:
  // it follows the parent's seeks (seekFrame below) instead of waiting for a renderer of its
  // own, and keeps its page as authored, as HyperFrames gives such a page only its virtual
  // clock. A cross-origin parent cannot be read, so its frames stay on their own.
  const inFrame = (() => {
    try {
      return window.parent !== window && Boolean(window.parent.__hf && window.parent.__hf.__framecast);
    } catch {
      return false;
    }
  })();

  const { clock, real } = internals.virtualTime.install(window, {
    // 2024-01-01T00:00:00Z: any fixed instant works; it only has to be the same everywhere.
    epochMs: Number.isFinite(config.epochMs) ? config.epochMs : 1704067200000,
    seed: Number.isFinite(config.seed) ? config.seed : 1157,
  });

  // Page URLs are shown as the files they come from, so an error names a file the author has.
  function sourceName(url) {
    const origin = window.location.origin + "/";
    if (config.sourceRoot && url.startsWith(origin)) return config.sourceRoot + url.slice(origin.length);
    return url;
  }

  const unavailableAssets = new Set(Array.isArray(config.unavailableAssets) ? config.unavailableAssets : []);

  // Errors thrown by page scripts are collected so the renderer can report them with the file
  // and line instead of rendering a broken page.
  window.addEventListener("error", (event) => {
    const where = event.filename ? ` (${sourceName(event.filename)}:${event.lineno}:${event.colno})` : "";
    const resource = event.target && event.target !== window ? event.target : null;
    // An outside asset framecast could not fetch before the render (and warned about) fails
    // to load as it would in a browser offline; the page goes on without it.
    if (resource && unavailableAssets.has(resource.src || resource.href || "")) return;
    const target = resource ? describeResource(resource) : "";
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

  function describeElement(element) {
    if (element.id) return `#${element.id}`;
    const id = element.getAttribute("data-composition-id");
    if (id) return `[data-composition-id="${id}"]`;
    const tag = element.tagName.toLowerCase();
    const classes = element.classList.length ? "." + [...element.classList].join(".") : "";
    return `<${tag}${classes}>`;
  }

  // ---- variables ---------------------------------------------------------------------------

  // Render-time overrides, readable by page scripts as HyperFrames' window.__hfVariables. They
  // are checked against the declarations once the document is parsed.
  const overrides = config.variables && typeof config.variables === "object" ? config.variables : {};
  window.__hfVariables = Object.assign({}, overrides);
  let rootVariables = null;
  function resolveRootVariables() {
    if (rootVariables) return rootVariables;
    const html = document.documentElement;
    const declarations = variables.parseDeclarations(html && html.getAttribute("data-composition-variables"), "<html>");
    rootVariables = variables.resolveValues(declarations, overrides, "given to --variables");
    return rootVariables;
  }
  const api = (window.__hyperframes = window.__hyperframes || {});
  api.getVariables = () => {
    try {
      return Object.assign({}, resolveRootVariables());
    } catch (error) {
      hf.errors.push(error.message);
      return Object.assign({}, overrides);
    }
  };

  function applyRootVariables(root) {
    const values = resolveRootVariables();
    variables.applyCustomProperties(document.documentElement, values);
    variables.applyBindings(root, values, "");
  }
  // HyperFrames' base layout (layout.js) is applied once the document is parsed, when its
  // runtime applies it too: page scripts that ran during parsing saw the author's own styles.
  document.addEventListener("DOMContentLoaded", () => {
    if (inFrame) return;
    layout.normalizeDocument(document.documentElement, document.body);
    const root = findRoot();
    if (root) layout.sizeRoot(root);
    try {
      if (root) applyRootVariables(root);
    } catch (error) {
      hf.errors.push(error.message);
    }
  }, { once: true });

  // ---- timing tree -------------------------------------------------------------------------

  // Hidden clips use an attribute and one stylesheet rule, so the page's own inline styles
  // (including GSAP's autoAlpha) stay untouched and win again once the clip is visible. Leaf
  // clips in the normal flow leave the layout as well.
  const HIDDEN = "data-framecast-hidden";
  function installStyles() {
    const style = document.createElement("style");
    style.setAttribute("data-framecast", "runtime");
    style.textContent =
      `[${HIDDEN}], [${HIDDEN}] * { visibility: hidden !important; }\n` +
      `[${HIDDEN}="removed"] { display: none !important; }`;
    (document.head || document.documentElement).appendChild(style);
  }

  function findRoot() {
    return document.querySelector("[data-composition-id]") || document.querySelector('[data-root="true"]');
  }

  const SKIPPED = new Set(["SCRIPT", "STYLE", "TEMPLATE", "LINK", "META"]);

  /// The plain tree timing.js resolves: timed elements and compositions, with everything else
  /// flattened away.
  function buildTree(root) {
    const timelines = registeredTimelines();
    const scopeNode = (element, isRoot) => {
      const id = element.getAttribute("data-composition-id") || "";
      const ownDuration = isRoot
        ? element.getAttribute("data-duration")
        : element.getAttribute("data-framecast-own-duration") || element.getAttribute("data-duration");
      return {
        element,
        label: describeElement(element),
        id: element.id || id,
        compositionId: id,
        composition: true,
        start: isRoot ? null : element.getAttribute("data-start"),
        duration: isRoot ? null : element.getAttribute("data-duration"),
        end: isRoot ? null : element.getAttribute("data-end"),
        ownDuration,
        timelineDuration: adapters.timelineDuration(isRoot ? rootTimeline(timelines, id) : timelines[id]),
        playbackStart: isRoot ? null : element.getAttribute("data-playback-start"),
        playbackRate: isRoot ? null : element.getAttribute("data-playback-rate"),
        children: [],
      };
    };
    const walk = (element, into) => {
      for (const child of element.children) {
        if (SKIPPED.has(child.tagName)) continue;
        if (child.hasAttribute("data-composition-id")) {
          const node = scopeNode(child, false);
          walk(child, node.children);
          into.push(node);
        } else if (child.hasAttribute("data-start") || child.hasAttribute("data-duration") || isHidden(child)) {
          const media = mediaDuration(child);
          const node = {
            element: child,
            label: describeElement(child),
            id: child.id || null,
            start: child.getAttribute("data-start"),
            duration: child.getAttribute("data-duration"),
            end: child.getAttribute("data-end"),
            intrinsicDuration: media,
            composition: false,
            children: [],
          };
          walk(child, node.children);
          into.push(node);
        } else {
          walk(child, into);
        }
      }
    };
    const tree = scopeNode(root, true);
    walk(root, tree.children);
    return tree;
  }

  // Chrome never loads a composition's media (media.js hands it to FFmpeg), so a media clip's
  // length comes from what the renderer probed, else from the element if it did load.
  function mediaDuration(element) {
    if (!(element instanceof HTMLMediaElement)) return NaN;
    const probed = config.media && Array.isArray(config.media.videos) ? config.media.videos : [];
    const index = [...document.querySelectorAll("video")].indexOf(element);
    const entry = probed.find((video) => video.index === index);
    if (entry && Number.isFinite(entry.end) && Number.isFinite(entry.start)) return entry.end - entry.start;
    return Number.isFinite(element.duration) ? element.duration : NaN;
  }

  function isHidden(element) {
    const value = element.getAttribute("data-hidden");
    return value !== null && value !== "false";
  }

  // ---- state after whenReady ---------------------------------------------------------------

  let root = null;
  let resolved = null;
  let scopes = [];
  const clipState = new Map();
  const scopeTimes = new Map();
  const timelinesByScope = new Map();
  // Each timed element's resolved start in its composition's time.
  const clipStarts = new Map();

  function prepareClips(tree) {
    clipState.clear();
    const visit = (node) => {
      const leaf = node.children.length === 0 && !node.composition;
      const position = leaf ? getComputedStyle(node.element).position : "";
      const state = {
        removable: leaf && position !== "absolute" && position !== "fixed",
        hidden: isHidden(node.element),
        shown: null,
      };
      clipState.set(node.element, state);
      // data-hidden keeps an element out of every frame, timed or not.
      if (state.hidden) applyVisibility(node.element, false);
      node.children.forEach(visit);
    };
    tree.children.forEach(visit);
  }

  function collectScopes(tree) {
    const found = [];
    const visit = (node) => {
      if (node.composition) found.push(node);
      node.children.forEach(visit);
    };
    visit(tree);
    return found;
  }

  /// window.__timelines by id. An array (`window.__timelines = [tl]`) is read as HyperFrames
  /// reads it (init.ts): its entries under `tl-0`, `tl-1`, ...
  function registeredTimelines() {
    const registered = window.__timelines || {};
    if (!Array.isArray(registered)) return registered;
    const byId = {};
    registered.forEach((timeline, index) => {
      if (timeline) byId[`tl-${index}`] = timeline;
    });
    return byId;
  }

  /// The ids registered in window.__timelines that no composition of the document has.
  function strayTimelineIds(timelines) {
    const known = new Set(
      [...document.querySelectorAll("[data-composition-id]")].map((element) => element.getAttribute("data-composition-id"))
    );
    return Object.keys(timelines).filter((id) => !known.has(id));
  }

  /// The root's timeline: the one registered under its id; else, when no composition has one
  /// and exactly one is registered under an id no composition has, that one, as HyperFrames
  /// binds it (init.ts). Two or more such are ambiguous.
  function rootTimeline(timelines, rootId) {
    if (timelines[rootId]) return timelines[rootId];
    const stray = strayTimelineIds(timelines);
    return stray.length === 1 && stray.length === Object.keys(timelines).length ? timelines[stray[0]] : undefined;
  }

  function lookupTimelines(tree) {
    const timelines = registeredTimelines();
    timelinesByScope.clear();
    for (const scope of scopes) {
      if (timelines[scope.compositionId]) timelinesByScope.set(scope.element, timelines[scope.compositionId]);
    }
    const root = rootTimeline(timelines, tree.compositionId);
    if (root) {
      timelinesByScope.set(tree.element, root);
      return;
    }
    const stray = strayTimelineIds(timelines);
    if (stray.length > 0 && timelinesByScope.size === 0) {
      throw new Error(
        `the page registered window.__timelines[${stray.map((id) => JSON.stringify(id)).join(", ")}] but the root's data-composition-id is ${JSON.stringify(tree.compositionId)}; register the root timeline as window.__timelines[${JSON.stringify(tree.compositionId)}]`
      );
    }
  }

  /// The local time of the composition an element belongs to (the root's time outside any).
  function localTimeOf(element) {
    let current = element;
    while (current && current !== document.documentElement) {
      if (scopeTimes.has(current)) return scopeTimes.get(current);
      current = current.parentElement;
    }
    return hf.currentTime;
  }

  function compositionTime(id) {
    for (const scope of scopes) if (scope.compositionId === id) return scopeTimes.get(scope.element);
    return null;
  }

  function applyVisibility(element, visible) {
    const state = clipState.get(element);
    if (!state) return;
    const shown = visible && !state.hidden;
    // Touch the DOM only on a change, so an unchanged frame stays undamaged for Chrome.
    if (shown === state.shown) return;
    state.shown = shown;
    if (shown) element.removeAttribute(HIDDEN);
    else element.setAttribute(HIDDEN, state.removable ? "removed" : "");
  }

  hf.seek = (time) => {
    const t = Number(time);
    hf.currentTime = t;
    adapters.restoreSceneOpacity();
    const visibility = [];
    if (resolved) {
      timing.evaluate(
        resolved,
        t,
        (node, visible) => visibility.push([node.element, visible]),
        (node, localTime) => scopeTimes.set(node.element, localTime)
      );
    }
    for (const [element, timeline] of timelinesByScope) adapters.seekTimeline(timeline, scopeTimes.get(element));
    adapters.seekDocumentAnimations(t, localTimeOf, (element) => clipStarts.get(element) || 0);
    adapters.seekLottie(localTimeOf);
    adapters.seekAnime(t, compositionTime);
    if (!config.layeredTransitions) adapters.crossfadeTransitions(t);
    clock.advanceTo(t * 1000);
    for (const [element, visible] of visibility) applyVisibility(element, visible);
    seekFrames(t);
    for (const error of clock.takeErrors()) hf.errors.push(error && error.stack ? error.stack : String(error));
    if (hf.errors.length > 0) throw new Error([...new Set(hf.errors)].join("\n"));
    return t;
  };

  // ---- same-origin frames ------------------------------------------------------------------

  /// The framecast runtimes of this document's same-origin frames; cross-origin ones (which
  /// the closed network blocks anyway) and frames without the runtime are skipped.
  function frameRuntimes() {
    const found = [];
    for (let i = 0; i < window.frames.length; i += 1) {
      try {
        const child = window.frames[i];
        if (child && child.__hf && typeof child.__hf.seekFrame === "function") found.push(child.__hf);
      } catch {
        // A cross-origin frame cannot be read.
      }
    }
    return found;
  }

  // Every frame is seeked to the root's time, as HyperFrames' render bridge seeks each
  // same-origin frame's virtual clock (seekSameOriginChildFrames) to the time the page got.
  function seekFrames(t) {
    for (const child of frameRuntimes()) {
      try {
        child.seekFrame(t);
      } catch (error) {
        hf.errors.push(`in a frame: ${error && error.message ? error.message : String(error)}`);
      }
    }
  }

  /// A frame's seek: its clock first, so a playing timeline's ticker runs, then its registered
  /// timelines and its CSS animations and Web Animations at `t`, so the seek wins whatever
  /// the ticker did; then its own frames.
  hf.seekFrame = (time) => {
    const t = Number(time);
    hf.currentTime = t;
    clock.advanceTo(t * 1000);
    const timelines = registeredTimelines();
    for (const id of Object.keys(timelines)) adapters.seekTimeline(timelines[id], t);
    adapters.seekDocumentAnimations(t, () => t, () => 0);
    seekFrames(t);
    throwCollectedErrors();
    return t;
  };

  /// A frame's readiness, awaited by its parent's: its load, fonts and images, the timers due
  /// at start-up, then its own frames'.
  hf.whenFrameReady = async (fps) => {
    clock.setFrameRate(fps);
    await waitForLoad();
    await waitForFonts();
    await waitForImages();
    clock.flush();
    await waitForFrames(fps);
    throwCollectedErrors();
  };

  async function waitForFrames(fps) {
    const children = frameRuntimes();
    if (children.length === 0) return;
    waitingFor = "same-origin frames";
    await Promise.all(children.map((child) => child.whenFrameReady(fps)));
  }

  // Seeks only the compositions' timelines, leaving the virtual clock, clip visibility and the
  // other adapters where the last hf.seek put them: media.js samples animated media volumes
  // with it at ready time, then seeks back to hf.currentTime.
  internals.seekTimelines = (time) => {
    const t = Number(time);
    const local = new Map();
    if (resolved) timing.evaluate(resolved, t, () => {}, (node, localTime) => local.set(node.element, localTime));
    for (const [element, timeline] of timelinesByScope) adapters.seekTimeline(timeline, local.has(element) ? local.get(element) : t);
  };

  /// The root composition's clips with their resolved windows, for the preview's timeline.
  function rootClips(resolvedRoot) {
    const clips = [];
    const visit = (entry) => {
      if (entry.timed) {
        const element = entry.node.element;
        clips.push({
          id: entry.node.id || entry.node.label,
          start: entry.start,
          end: Number.isFinite(entry.end) ? entry.end : null,
          duration: Number.isFinite(entry.end) ? entry.end - entry.start : null,
          track: Number(element.getAttribute("data-track-index")) || 0,
        });
      }
      entry.children.forEach(visit);
    };
    resolvedRoot.children.forEach(visit);
    return clips;
  }

  // ---- readiness ---------------------------------------------------------------------------

  let waitingFor = "the page to start";

  function waitForLoad() {
    if (document.readyState === "complete") return Promise.resolve();
    return new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
  }

  async function waitForImages() {
    const pending = [...document.images].filter((image) => !image.complete);
    if (pending.length === 0) return;
    waitingFor = `images: ${pending.map((image) => sourceName(image.currentSrc || image.src)).join(", ")}`;
    await Promise.all(pending.map((image) => new Promise((resolve) => {
      image.addEventListener("load", resolve, { once: true });
      image.addEventListener("error", resolve, { once: true });
    })));
  }

  async function waitForFonts() {
    if (!document.fonts) return;
    const loading = [...document.fonts].filter((face) => face.status === "loading").map((face) => face.family);
    waitingFor = loading.length ? `fonts: ${[...new Set(loading)].join(", ")}` : "fonts";
    await document.fonts.ready;
  }

  // Libraries that load their own data (lottie) get there through the network and their own
  // timers, which only run when virtual time is flushed.
  async function waitForLibraries() {
    for (;;) {
      clock.flush();
      const pending = adapters.pendingLottie();
      if (pending.length === 0) return;
      waitingFor = pending.join(", ");
      await new Promise((resolve) => real.setTimeout(resolve, 10));
    }
  }

  // What readiness is stuck on, with the resources still loading.
  function describeWaiting() {
    const images = [...document.images].filter((image) => !image.complete).map((image) => sourceName(image.currentSrc || image.src));
    const fonts = document.fonts ? [...document.fonts].filter((face) => face.status === "loading").map((face) => face.family) : [];
    const details = [];
    if (images.length > 0) details.push(`images still loading: ${images.join(", ")}`);
    if (fonts.length > 0) details.push(`fonts still loading: ${[...new Set(fonts)].join(", ")}`);
    return details.length > 0 ? `${waitingFor} (${details.join("; ")})` : waitingFor;
  }

  function throwCollectedErrors() {
    for (const error of clock.takeErrors()) hf.errors.push(error && error.stack ? error.stack : String(error));
    if (hf.errors.length > 0) throw new Error([...new Set(hf.errors)].join("\n"));
  }

  function readFrameRate(element) {
    if (Number.isFinite(config.fps) && config.fps > 0) return config.fps;
    const text = element.getAttribute("data-fps");
    if (!text) return 30;
    const [num, den] = text.split("/").map(Number);
    const fps = den ? num / den : num;
    return Number.isFinite(fps) && fps > 0 ? fps : 30;
  }

  async function prepare() {
    waitingFor = "the load event";
    await waitForLoad();
    await waitForFonts();
    throwCollectedErrors();
    root = findRoot();
    if (!root) throw new Error("the page has no element with data-composition-id; add one around the composition");
    applyRootVariables(root);
    await compositions.mountAll(root, config.instanceVariables || {}, (step) => {
      waitingFor = step;
    });
    // Once the hosts hold their content, as HyperFrames lays out the compiled page's clips.
    layout.placeRootClips(root, (element) => getComputedStyle(element));
    await waitForFonts();
    await waitForImages();
    await waitForLibraries();
    // The parent's load event waited for its frames' documents; their fonts and images too.
    await waitForFrames(readFrameRate(root));
    throwCollectedErrors();

    waitingFor = "the composition's timing";
    clock.setFrameRate(readFrameRate(root));
    installStyles();
    const tree = buildTree(root);
    scopes = collectScopes(tree);
    lookupTimelines(tree);
    try {
      resolved = timing.resolve(tree);
    } catch (error) {
      if (error instanceof timing.TimingError) throw new Error(error.message);
      throw error;
    }
    prepareClips(tree);
    hf.duration = resolved.duration;
    hf.clips = rootClips(resolved);
    clipStarts.clear();
    const collectStarts = (scope) => {
      const visit = (entry) => {
        if (entry.timed) clipStarts.set(entry.node.element, entry.start);
        if (entry.composition) collectStarts(entry.composition);
        entry.children.forEach(visit);
      };
      scope.children.forEach(visit);
    };
    collectStarts(resolved);
    hf.seek(0);
    adapters.markAnimationsDiscovered();
    // The volumes of media the page animates, for the renderer's audio mix (media.js, renders only).
    const volumes = internals.sampleMediaVolumes ? internals.sampleMediaVolumes(hf.duration, readFrameRate(root)) : null;
    const transitions = Array.isArray(hf.transitions) ? hf.transitions : [];
    return {
      id: tree.compositionId,
      width: Number(root.getAttribute("data-width")),
      height: Number(root.getAttribute("data-height")),
      duration: hf.duration,
      hasTimeline: timelinesByScope.has(root),
      fps: readFrameRate(root),
      clipCount: clipState.size,
      compositions: scopes.length,
      transitions: transitions.map((entry) => ({
        time: Number(entry.time),
        duration: Number(entry.duration),
        shader: entry.shader === undefined ? null : String(entry.shader),
        ease: entry.ease === undefined ? null : String(entry.ease),
        fromScene: String(entry.fromScene || ""),
        toScene: String(entry.toScene || ""),
        accent: entry.accent == null ? null : String(entry.accent),
      })),
      volumes,
      transparentBackground: internals.transparentBackground ? internals.transparentBackground(root) : false,
    };
  }

  // What only the page can tell lint (`framecast lint`'s in-page pass), read after whenReady and
  // a few seeks: @font-face rules whose files failed to load, each composition's timeline length
  // against its data-duration, and the errors page scripts raised since.
  hf.inspect = () => {
    const failedFonts = document.fonts
      ? [...new Set([...document.fonts].filter((face) => face.status === "error").map((face) => face.family.replace(/^["']|["']$/g, "")))]
      : [];
    const timelines = scopes.map((scope) => {
      const timeline = timelinesByScope.get(scope.element);
      const declared = Number.parseFloat(scope.element.getAttribute("data-duration"));
      let length = null;
      if (timeline && typeof timeline.duration === "function") {
        const value = Number(timeline.duration());
        if (Number.isFinite(value)) length = value;
      }
      return {
        id: scope.compositionId,
        element: describeElement(scope.element),
        timeline: length,
        declared: Number.isFinite(declared) && declared > 0 ? declared : null,
      };
    });
    return { failedFonts, timelines, errors: hf.errors.slice() };
  };

  // Resolves once the page is ready for its first frame and describes the composition. Throws
  // (the renderer reports it) on page script errors, timing or variable errors, or when
  // readiness takes longer than config.readyTimeoutMs, naming what it was waiting for.
  hf.whenReady = () => {
    const ready = prepare();
    const limit = Number(config.readyTimeoutMs);
    if (!Number.isFinite(limit) || limit <= 0) return ready;
    return new Promise((resolve, reject) => {
      const timer = real.setTimeout(() => {
        reject(new Error(`the page was not ready after ${(limit / 1000).toFixed(1)} s; still waiting for ${describeWaiting()}`));
      }, limit);
      ready.then(
        (info) => {
          real.clearTimeout(timer);
          resolve(info);
        },
        (error) => {
          real.clearTimeout(timer);
          reject(error);
        }
      );
    });
  };

  adapters.installAnimeCapture();
})();
