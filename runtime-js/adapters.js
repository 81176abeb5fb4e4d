// framecast animation adapters: every animation system a composition may use is seeked, never
// played. GSAP timelines (root and child compositions), CSS animations and transitions and the
// Web Animations API (document.getAnimations), lottie-web, anime.js, and HyperShader's scene
// transitions. Code driven by requestAnimationFrame (Three.js, canvas loops) follows virtual
// time instead (virtual-time.js).
(function () {
  "use strict";
  const internals = (window.__framecastInternals = window.__framecastInternals || {});

  // ---- GSAP ----------------------------------------------------------------------------------

  /// A timeline nested into another timeline is driven by its parent; seeking it as well would
  /// fight the parent.
  function isNested(timeline) {
    const gsap = window.gsap;
    const parent = timeline && timeline.parent;
    return Boolean(parent && gsap && gsap.globalTimeline && parent !== gsap.globalTimeline);
  }

  function seekTimeline(timeline, seconds) {
    if (isAnimeInstance(timeline)) return seekAnimeInstance(timeline, seconds);
    if (!timeline || isNested(timeline)) return;
    if (typeof timeline.totalTime === "function") {
      // GSAP renders nothing when the playhead does not move, so a fresh paused timeline
      // seeked to 0 would leave its `set()`s at 0 unapplied on frame 0. Step past and back,
      // as HyperFrames' seek does (init.ts), with the step's callbacks suppressed.
      if (timeline.totalTime() === seconds) timeline.totalTime(seconds + 0.001, true);
      timeline.totalTime(seconds, false);
    } else if (typeof timeline.seek === "function") timeline.seek(seconds, false);
  }

  function timelineDuration(timeline) {
    if (isAnimeInstance(timeline)) return animeDuration(timeline);
    if (!timeline) return null;
    try {
      if (typeof timeline.totalDuration === "function") return Number(timeline.totalDuration());
      if (typeof timeline.duration === "function") return Number(timeline.duration());
    } catch {
      return null;
    }
    return null;
  }

  // ---- CSS animations, transitions, WAAPI ----------------------------------------------------

  // As in HyperFrames: a CSS animation runs from its element's own data-start (the composition's
  // start for an untimed element); a Web Animation that exists when the page is ready runs from
  // the composition's start; a transition, or a Web Animation created later (by a timeline
  // callback, say), runs from the seek that first saw it.
  const firstSeen = new WeakMap();
  let discovered = false;

  function seekDocumentAnimations(globalTime, localTimeOf, clipStartOf) {
    if (typeof document.getAnimations !== "function") return;
    for (const animation of document.getAnimations()) {
      const target = animation.effect && animation.effect.target;
      let seconds;
      if (typeof CSSAnimation !== "undefined" && animation instanceof CSSAnimation) {
        seconds = Math.max(0, localTimeOf(target) - clipStartOf(target));
      } else {
        if (!firstSeen.has(animation)) firstSeen.set(animation, discovered ? globalTime : null);
        const since = firstSeen.get(animation);
        seconds = since === null ? localTimeOf(target) : Math.max(0, globalTime - since);
      }
      if (animation.playState !== "paused") animation.pause();
      animation.currentTime = seconds * 1000;
    }
  }

  /// Called once the page is ready and seeked to its first frame.
  function markAnimationsDiscovered() {
    discovered = true;
  }

  // ---- lottie-web ----------------------------------------------------------------------------

  function lottieAnimations() {
    const found = new Set();
    for (const player of [window.lottie, window.bodymovin]) {
      if (player && typeof player.getRegisteredAnimations === "function") {
        for (const animation of player.getRegisteredAnimations()) found.add(animation);
      }
    }
    const registered = window.__hfLottie;
    if (registered) for (const animation of Object.values(registered)) if (animation) found.add(animation);
    return [...found];
  }

  function lottieContainer(animation) {
    return animation.wrapper || (animation.renderer && animation.renderer.animationItem && animation.renderer.animationItem.wrapper) || null;
  }

  function seekLottie(localTimeOf) {
    for (const animation of lottieAnimations()) {
      if (typeof animation.goToAndStop !== "function" || !animation.isLoaded) continue;
      const fps = animation.frameRate || 30;
      const total = animation.totalFrames || 0;
      let frame = localTimeOf(lottieContainer(animation)) * fps;
      if (total > 0) frame = animation.loop ? frame % total : Math.min(frame, total - 1);
      animation.goToAndStop(frame, true);
    }
  }

  /// Lottie animations still loading their data, by container.
  function pendingLottie() {
    return lottieAnimations()
      .filter((animation) => !animation.isLoaded)
      .map((animation) => {
        const container = lottieContainer(animation);
        return container && container.id ? `lottie #${container.id}` : `lottie ${animation.path || animation.name || "animation"}`;
      });
  }

  // ---- anime.js ------------------------------------------------------------------------------

  const animeInstances = new Set();

  // anime.js instances are found four ways: `window.__timelines[id]` (a composition's timeline,
  // seeked with the GSAP ones at its composition's time), HyperFrames'
  // `hyperframesAnime.register(id, x)` / `window.__hfAnime`, and every instance the global
  // `anime` creates: v3's factory and v4's `anime.animate` / `anime.createTimeline`, wrapped as
  // soon as the library assigns window.anime.
  function captureAnime(value) {
    if (!value || value.__framecastWrapped) return value;
    const wrap = (factory) =>
      function (...args) {
        const instance = factory.apply(this, args);
        if (instance && typeof instance.seek === "function") animeInstances.add(instance);
        return instance;
      };
    let result = value;
    if (typeof value === "function") {
      result = Object.assign(wrap(value), value);
      if (typeof value.timeline === "function") result.timeline = wrap(value.timeline);
    } else if (typeof value === "object") {
      // anime.js 4's UMD build assigns an empty namespace to window.anime and fills it in
      // afterwards; its IIFE build assigns it filled. Accessors wrap the factories either way.
      for (const name of ["animate", "createTimeline", "timeline"]) wrapNamespaceMethod(value, name, wrap);
    }
    try {
      Object.defineProperty(result, "__framecastWrapped", { value: true });
    } catch {
      // A frozen namespace stays unwrapped; registered instances still work.
    }
    return result;
  }

  function wrapNamespaceMethod(namespace, name, wrap) {
    const descriptor = Object.getOwnPropertyDescriptor(namespace, name);
    if (descriptor && !descriptor.configurable) return;
    let current = namespace[name];
    if (typeof current === "function") current = wrap(current);
    Object.defineProperty(namespace, name, {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (factory) => {
        current = typeof factory === "function" ? wrap(factory) : factory;
      },
    });
  }

  /// An anime.js animation or timeline (v3 or v4): seeked in milliseconds, with a duration in
  /// milliseconds as a number, where a GSAP timeline's duration is a method.
  function isAnimeInstance(value) {
    return Boolean(
      value &&
        typeof value.seek === "function" &&
        typeof value.totalTime !== "function" &&
        typeof value.duration === "number"
    );
  }

  /// The instance's length in seconds; null when it loops forever.
  function animeDuration(instance) {
    const milliseconds = Number(instance.duration);
    return Number.isFinite(milliseconds) && milliseconds > 0 && milliseconds < 1e12 ? milliseconds / 1000 : null;
  }

  function seekAnimeInstance(instance, seconds) {
    if (!instance.paused && typeof instance.pause === "function") instance.pause();
    instance.seek(seconds * 1000);
  }

  function installAnimeCapture() {
    let current = window.anime;
    if (current) current = captureAnime(current);
    Object.defineProperty(window, "anime", {
      configurable: true,
      get: () => current,
      set: (value) => {
        current = captureAnime(value);
      },
    });
    const registry = (window.__hfAnime = window.__hfAnime || []);
    window.hyperframesAnime = window.hyperframesAnime || {
      register: (id, instance) => {
        registry[id] = instance;
        return instance;
      },
    };
  }

  function animeEntries() {
    const entries = [];
    // A composition's timeline is seeked with its composition (seekTimeline), and an animation
    // inside an anime.js 4 timeline by that timeline: seeking them here as well would fight.
    const seen = new Set(Object.values(window.__timelines || {}));
    const registry = window.__hfAnime || {};
    for (const [key, value] of Object.entries(registry)) {
      const registration = Boolean(value && value.instance);
      const instance = registration ? value.instance : value;
      if (instance && typeof instance.seek === "function" && !seen.has(instance)) {
        seen.add(instance);
        // A bare anime.js 4 instance has an `id` of its own; only a registration's names it.
        entries.push({ id: (registration && value.id) || key, instance });
      }
    }
    for (const instance of animeInstances) {
      if (!seen.has(instance) && !isAnimeInstance(instance.parent)) entries.push({ id: null, instance });
    }
    return entries;
  }

  function seekAnime(globalTime, compositionTime) {
    for (const { id, instance } of animeEntries()) {
      const local = id !== null && compositionTime(id) !== null ? compositionTime(id) : globalTime;
      seekAnimeInstance(instance, local);
    }
  }

  // ---- HyperShader scene transitions ---------------------------------------------------------

  // Until the renderer blends transitions itself, a transition window is drawn as a crossfade
  // with HyperShader's fallback easing (smoothstep). The opacities GSAP had set are put back
  // before every seek, so the timeline's state stays its own.
  let restoredOpacities = [];

  function restoreSceneOpacity() {
    for (const { element, opacity, visibility } of restoredOpacities) {
      element.style.opacity = opacity;
      element.style.visibility = visibility;
    }
    restoredOpacities = [];
  }

  function crossfadeTransitions(t) {
    const transitions = (window.__hf && window.__hf.transitions) || [];
    for (const transition of transitions) {
      const duration = Number(transition.duration) || 0;
      if (!(t >= transition.time && t < transition.time + duration)) continue;
      const from = document.getElementById(transition.fromScene);
      const to = document.getElementById(transition.toScene);
      if (!from || !to) continue;
      const progress = Math.min(1, Math.max(0, (t - transition.time) / duration));
      const eased = progress * progress * (3 - 2 * progress);
      // The scene painted on top fades; the one below stays opaque, so the mix is even.
      const toOnTop = Boolean(from.compareDocumentPosition(to) & Node.DOCUMENT_POSITION_FOLLOWING);
      for (const [element, opacity] of [
        [from, toOnTop ? 1 : 1 - eased],
        [to, toOnTop ? eased : 1],
      ]) {
        restoredOpacities.push({ element, opacity: element.style.opacity, visibility: element.style.visibility });
        element.style.opacity = String(opacity);
        element.style.visibility = "visible";
      }
    }
  }

  internals.adapters = {
    seekTimeline,
    timelineDuration,
    seekDocumentAnimations,
    markAnimationsDiscovered,
    seekLottie,
    pendingLottie,
    installAnimeCapture,
    seekAnime,
    restoreSceneOpacity,
    crossfadeTransitions,
  };
})();
