// framecast media runtime: injected with runtime.js, before any page script runs. Chrome never
// decodes a composition's media: every <video>/<audio> source is taken away before Chrome
// starts loading it (framecast mixes the audio itself), and each <video> shows, as its poster,
// the exact frame framecast decoded with FFmpeg for the current time (an animated GIF in an
// <img> gets the same treatment through its src). The poster is part of the
// video element itself, so the page's CSS (transforms, opacity, border-radius, object-fit,
// clip-path, filters, z-order) and animations apply to it unchanged.
//
// The renderer describes the media in window.__framecastConfig.media:
//   { videos: [{ index, start, end, rate, fps, frames, loop, url, ext }],
//     audio: [{ tag, index, volume }] }
// A video's `index` is its position in document.querySelectorAll("video"), and frame k of its
// clip is at `${url}${k}.${ext}`. `audio` lists the elements that may be heard (`volume` is
// their data-volume). Since framecast mixes the audio itself, a page that animates an element's
// `volume` (a GSAP tween on the paused timeline, say) must tell it how: once the page is ready,
// `sampleMediaVolumes` seeks the timelines to every frame time and reads each element's volume
// (see there). Plain JavaScript, no build step.
(function (factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof window !== "undefined") api.install(window);
})(function () {
  "use strict";

  // ---- volumes ---------------------------------------------------------------------------

  /// A volume as a media element holds it: a number in [0, 1], or null for anything else.
  function clampVolume(value) {
    const volume = Number(value);
    return Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : null;
  }

  /// Gives a media element a `volume` of its own that starts at its data-volume and takes any
  /// number without throwing (Chrome's setter throws outside [0, 1], which an overshooting ease
  /// would hit). The element never plays, so nothing else needs the value: it is what the
  /// sampler reads.
  function holdVolume(element) {
    if (Object.prototype.hasOwnProperty.call(element, "volume")) return;
    const attribute = element.getAttribute("data-volume");
    let volume = attribute === null || attribute.trim() === "" ? null : clampVolume(attribute);
    if (volume === null) volume = 1;
    Object.defineProperty(element, "volume", {
      configurable: true,
      enumerable: true,
      get: () => volume,
      set: (value) => {
        const clamped = clampVolume(value);
        if (clamped !== null) volume = clamped;
      },
    });
  }

  function animatesVolume(vars) {
    if (!vars || typeof vars !== "object") return false;
    if ("volume" in vars) return true;
    const keyframes = vars.keyframes;
    if (Array.isArray(keyframes)) return keyframes.some(animatesVolume);
    return Boolean(keyframes && typeof keyframes === "object" && "volume" in keyframes);
  }

  /// The targets of every tween in `timelines` (GSAP timelines, nested ones included) that
  /// animates `volume`.
  function volumeTweenTargets(timelines) {
    const targets = new Set();
    for (const timeline of timelines) {
      if (!timeline || typeof timeline.getChildren !== "function") continue;
      for (const tween of timeline.getChildren(true, true, false)) {
        if (!animatesVolume(tween.vars) || typeof tween.targets !== "function") continue;
        for (const target of tween.targets()) targets.add(target);
      }
    }
    return targets;
  }

  /// The composition times sampled: every frame from 0 to the end, inclusive, at most
  /// `limit` of them (a very long video is sampled every few frames).
  function frameTimes(duration, fps, limit) {
    const frames = Math.max(0, Math.ceil(duration * fps - 1e-9));
    const step = Math.max(1, Math.ceil((frames + 1) / limit));
    const times = [];
    for (let frame = 0; frame <= frames; frame += step) times.push(frame / fps);
    if (times[times.length - 1] < frames / fps) times.push(frames / fps);
    return times;
  }

  const PROBES = 9;
  const SAMPLE_LIMIT = 20000;

  /// Samples the volume of each element over time. `elements[i]` is the page element (or null)
  /// of entry i, whose data-volume is `volumes[i]`; `seek(t)` moves the page's timelines to t;
  /// `tweened` holds the elements a GSAP tween animates. An element is sampled at every frame
  /// when a tween animates its volume or when its volume differs from its data-volume at any of
  /// a few probe times (set by a timeline callback, say); the others report
  /// null. Returns null, having seeked nowhere but the probes, when no element's volume changes.
  /// The caller seeks back to the current time afterwards.
  function sampleVolumes({ elements, volumes, seek, duration, fps, tweened }) {
    if (elements.length === 0 || !(duration > 0) || !(fps > 0)) return null;
    const base = volumes.map((volume) => clampVolume(volume) ?? 1);
    const varies = elements.map((element) => Boolean(element) && tweened.has(element));
    if (!varies.every((value, i) => value || !elements[i])) {
      for (let probe = 0; probe < PROBES; probe += 1) {
        seek((duration * probe) / (PROBES - 1));
        elements.forEach((element, i) => {
          if (element && Math.abs(element.volume - base[i]) > 1e-6) varies[i] = true;
        });
      }
    }
    if (!varies.some(Boolean)) return null;
    const times = frameTimes(duration, fps, SAMPLE_LIMIT);
    const samples = elements.map((_, i) => (varies[i] ? [] : null));
    for (const t of times) {
      seek(t);
      elements.forEach((element, i) => {
        if (samples[i]) samples[i].push(Number(element.volume));
      });
    }
    // An element the probes flagged whose samples all sit at its data-volume needs no envelope.
    const elementsOut = samples.map((values, i) =>
      values && values.some((value) => Math.abs(value - base[i]) > 1e-6) ? values : null
    );
    if (!elementsOut.some(Boolean)) return null;
    return { times, elements: elementsOut };
  }

  // ---- transparency --------------------------------------------------------------------------

  /// Whether a computed style paints no background: a fully transparent colour and no image.
  function paintsNoBackground(style) {
    if (!style) return true;
    const image = style.backgroundImage;
    if (image && image !== "none") return false;
    const color = String(style.backgroundColor || "").trim();
    if (color === "" || color === "transparent") return true;
    const parts = /^rgba?\(([^)]*)\)$/.exec(color);
    if (!parts) return false;
    const channels = parts[1].split(/[\s,/]+/).filter(Boolean);
    if (channels.length < 4) return false;
    const alpha = channels[3].endsWith("%") ? parseFloat(channels[3]) / 100 : parseFloat(channels[3]);
    return alpha === 0;
  }

  // ---- the page ----------------------------------------------------------------------------

  function install(window) {
    if (window.__framecastMedia) return;
    // Only a render supplies media; in the preview player the page's own media plays as usual.
    const config = window.__framecastConfig && window.__framecastConfig.media;
    if (!config) return;
    window.__framecastMedia = true;

    const hf = (window.__hf = window.__hf || {});
    const internals = (window.__framecastInternals = window.__framecastInternals || {});

    // Take the sources away as the parser creates the elements, before Chrome's resource
    // selection (which runs from a later task) can start loading or decoding them.
    const SOURCE_ATTRIBUTE = "data-framecast-src";
    const ANIMATED_GIF = /\.gif($|[?#])/i;
    function disarm(element) {
      const tag = element.tagName;
      // An animated GIF would play on Chrome's clock; its frames come from framecast instead.
      if (tag === "IMG") {
        const src = element.getAttribute("src");
        if (src && ANIMATED_GIF.test(src)) {
          element.setAttribute(SOURCE_ATTRIBUTE, src);
          element.removeAttribute("src");
        }
        return;
      }
      if (tag !== "VIDEO" && tag !== "AUDIO" && tag !== "SOURCE") return;
      if (element.hasAttribute("src")) {
        element.setAttribute(SOURCE_ATTRIBUTE, element.getAttribute("src"));
        element.removeAttribute("src");
      }
      if (tag !== "SOURCE") {
        element.preload = "none";
        element.autoplay = false;
        element.muted = true;
        holdVolume(element);
      }
    }
    function disarmTree(node) {
      if (node.nodeType !== 1) return;
      disarm(node);
      if (node.querySelectorAll) for (const child of node.querySelectorAll("video, audio, source, img")) disarm(child);
    }
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === "attributes") disarm(record.target);
        else for (const node of record.addedNodes) disarmTree(node);
      }
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["src"] });

    // A frame is shown as a data: URL, which Chrome's image loader decodes synchronously, so the
    // poster is in place for the very next captured frame. A few recent frames are kept, since a
    // held or slowed-down video shows the same frame many times, and the next output frame's
    // are fetched ahead, while the current one is captured.
    const cache = new Map();
    const CACHE_LIMIT = 8 + 2 * config.videos.length;
    function frameData(url) {
      let pending = cache.get(url);
      if (!pending) {
        pending = fetch(url)
          .then((response) => {
            if (!response.ok) throw new Error(`framecast could not load video frame ${url}: HTTP ${response.status}`);
            return response.blob();
          })
          .then((blob) => new Promise((resolve, reject) => {
            const reader = new FileReader();
            reader.onload = () => resolve(reader.result);
            reader.onerror = () => reject(reader.error);
            reader.readAsDataURL(blob);
          }));
        cache.set(url, pending);
        if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value);
      }
      return pending;
    }

    // Clip frame at time t: floor((t - start) * rate * fps + 1e-9), looped or held at the last
    // frame. The renderer computes the same expression in the same doubles to know which frames
    // to extract.
    function clipFrame(video, t) {
      const k = Math.max(0, Math.floor((t - video.start) * video.rate * video.fps + 1e-9));
      return video.loop ? k % video.frames : Math.min(k, video.frames - 1);
    }

    let elements = null;
    function show(t) {
      if (config.videos.length === 0) return null;
      if (!elements) elements = { video: document.querySelectorAll("video"), img: document.querySelectorAll("img") };
      const loads = [];
      for (const video of config.videos) {
        const element = elements[video.tag || "video"][video.index];
        if (!element) continue;
        if (video.end !== null && video.end !== undefined && t >= video.end) continue;
        const k = clipFrame(video, t);
        if (element.__framecastFrame === k) continue;
        const url = `${video.url}${k}.${video.ext}`;
        loads.push(frameData(url).then((data) => {
          if (element.tagName === "IMG") element.src = data;
          else element.poster = data;
          element.__framecastFrame = k;
        }));
      }
      prefetch(t + 1 / (config.videos[0].fps || 30));
      return loads.length > 0 ? Promise.all(loads) : null;
    }

    // Starts loading the frames shown at time `t` (a worker usually seeks the next frame next).
    // A frame the render never shows is not served; such a miss is forgotten, not reported.
    function prefetch(t) {
      for (const video of config.videos) {
        if (video.end !== null && video.end !== undefined && t >= video.end) continue;
        const url = `${video.url}${clipFrame(video, t)}.${video.ext}`;
        if (cache.has(url)) continue;
        frameData(url).catch(() => cache.delete(url));
      }
    }

    // Wraps whatever seek the runtime installs (now or later), so the frame is in place before
    // the renderer captures.
    function wrap(seek) {
      if (typeof seek !== "function" || seek.__framecastMedia) return seek;
      const wrapped = function (t) {
        const result = seek.apply(this, arguments);
        const loading = show(Number(t));
        if (!loading) return result;
        return Promise.all([result, loading]).then(([value]) => value);
      };
      wrapped.__framecastMedia = true;
      return wrapped;
    }
    let currentSeek = wrap(hf.seek);
    Object.defineProperty(hf, "seek", {
      configurable: true,
      enumerable: true,
      get: () => currentSeek,
      set: (seek) => {
        currentSeek = wrap(seek);
      },
    });

    // Called by the runtime once the page is ready (runtime.js, prepare): a webm keeps its alpha
    // channel when <html>, <body> and the composition's root all paint no background.
    internals.transparentBackground = (root) =>
      [document.documentElement, document.body, root].every((element) => !element || paintsNoBackground(getComputedStyle(element)));

    // Called by the runtime once the page is ready (runtime.js, prepare): the sampled volumes go
    // to the renderer with the page info. Only timelines are seeked (internals.seekTimelines), so
    // the virtual clock, clip visibility and video frames stay where the last seek left them.
    internals.sampleMediaVolumes = (duration, fps) => {
      const entries = Array.isArray(config.audio) ? config.audio : [];
      const seekTimelines = internals.seekTimelines;
      if (entries.length === 0 || typeof seekTimelines !== "function") return null;
      const elements = entries.map((entry) => {
        const element = document.querySelectorAll(entry.tag)[entry.index] || null;
        if (element) holdVolume(element);
        return element;
      });
      const timelines = Object.values(window.__timelines || {});
      try {
        return sampleVolumes({
          elements,
          volumes: entries.map((entry) => entry.volume),
          seek: seekTimelines,
          duration,
          fps,
          tweened: volumeTweenTargets(timelines),
        });
      } finally {
        seekTimelines(hf.currentTime);
      }
    };
  }

  return { clampVolume, holdVolume, volumeTweenTargets, frameTimes, sampleVolumes, paintsNoBackground, install };
});
