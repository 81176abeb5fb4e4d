// framecast media runtime: injected with runtime.js, before any page script runs. Chrome never
// decodes a composition's media: every <video>/<audio> source is taken away before Chrome
// starts loading it (framecast mixes the audio itself), and each <video> shows, as its poster,
// the exact frame framecast decoded with FFmpeg for the current time (an animated GIF in an
// <img> gets the same treatment through its src). The poster is part of the
// video element itself, so the page's CSS (transforms, opacity, border-radius, object-fit,
// clip-path, filters, z-order) and animations apply to it unchanged.
//
// The renderer describes the videos in window.__framecastConfig.media:
//   { videos: [{ index, start, end, rate, fps, frames, loop, url, ext }] }
// where `index` is the element's position in document.querySelectorAll("video"), and frame k
// of the clip is at `${url}${k}.${ext}`. Plain JavaScript, no build step.
(() => {
  "use strict";
  if (window.__framecastMedia) return;
  // Only a render supplies media; in the preview player the page's own media plays as usual.
  const config = window.__framecastConfig && window.__framecastConfig.media;
  if (!config) return;
  window.__framecastMedia = true;

  const hf = (window.__hf = window.__hf || {});

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
  // held or slowed-down video shows the same frame many times.
  const cache = new Map();
  const CACHE_LIMIT = 8;
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
    return loads.length > 0 ? Promise.all(loads) : null;
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
})();
