// framecast preview player. It drives the composition in the iframe only through the page
// runtime's `window.__hf.whenReady()` and `window.__hf.seek(t)`, the same calls a render makes,
// so a frame shown here is the frame the render captures at that time. When paused or
// scrubbing it also shows the exact frame: the PNG the preview server's capture Chrome takes
// of the frame the readout names (`/__framecast/frame?t=`), over the live page, which is what
// playback shows. Plain JavaScript, no build step; served by `framecast preview` at `/`.
(() => {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const iframe = $("composition");
  const stage = $("stage");
  const viewport = $("viewport");
  const scrubber = $("scrubber");
  const lanes = $("lanes");
  const overlay = $("overlay");

  const params = new URLSearchParams(window.location.search);
  const state = {
    t: 0,
    playing: false,
    ready: false,
    loop: true,
    zoom: params.get("zoom") === "1" ? "1:1" : "fit",
    width: 1920,
    height: 1080,
    duration: 0,
    fps: 30,
    clips: [],
    media: [],
    problems: [],
    overlay: null,
    reloads: 0,
    loads: 0,
    entry: "/index.html",
  };
  let hf = null;
  let playFrom = { t: 0, wall: 0 };
  // The exact frame: on unless `?exact=0`; `shown` is the time of the image on screen, `pending`
  // the one being fetched, `latency` the milliseconds from asking to showing the last one.
  const exact = {
    enabled: params.get("exact") !== "0",
    shown: null,
    pending: null,
    latency: null,
    error: null,
    shownCount: 0,
    controller: null,
    url: null,
    requestedAt: 0,
  };
  const exactImage = $("exact");

  function number(value) {
    if (value === null || value === undefined || value === "") return null;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }

  // Frames are numbered as the renderer numbers them: frame i shows time i / fps.
  function frameCount() {
    return Math.max(1, Math.ceil(state.duration * state.fps - 1e-6));
  }
  function frameOf(t) {
    return Math.min(frameCount() - 1, Math.floor(t * state.fps + 1e-6));
  }
  function lastFrameTime() {
    return (frameCount() - 1) / state.fps;
  }

  // ---- the error overlay -------------------------------------------------------------------

  function showOverlay(title, text) {
    state.overlay = `${title}\n${text}`;
    $("overlay-title").textContent = title;
    $("overlay-text").textContent = text;
    overlay.hidden = false;
  }
  function hideOverlay() {
    state.overlay = null;
    overlay.hidden = true;
  }
  function describeProblems(problems) {
    return problems
      .map((p) => (p.file ? `${p.file}${p.line ? ":" + p.line : ""}: ${p.message}` : p.message))
      .join("\n");
  }
  function messageOf(error) {
    if (error && typeof error.message === "string") return error.message;
    return String(error);
  }
  function showPageError(error) {
    pause();
    showOverlay("The composition failed in the page", messageOf(error));
  }

  // ---- loading and reloading ---------------------------------------------------------------

  async function fetchStatus() {
    try {
      const response = await fetch("/__framecast/status", { cache: "no-store" });
      const status = await response.json();
      state.entry = status.entry || state.entry;
      state.problems = status.problems || [];
    } catch (error) {
      state.problems = [{ message: `the preview server did not answer: ${messageOf(error)}` }];
    }
  }

  function waitForFrameLoad(src) {
    return new Promise((resolve) => {
      iframe.addEventListener("load", resolve, { once: true });
      iframe.src = src;
    });
  }

  // Loads (or reloads) the composition and seeks it to `keepTime`.
  // A newer load supersedes one still in progress (saves in quick succession).
  let generation = 0;
  let resumeAfterLoad = false;
  async function load(keepTime) {
    const mine = ++generation;
    // An exact frame of the old files must not stay up.
    cancelExact();
    hideExact("");
    const wasPlaying = state.playing || resumeAfterLoad;
    resumeAfterLoad = wasPlaying;
    pause();
    state.ready = false;
    hf = null;
    await fetchStatus();
    if (mine !== generation) return;
    state.loads += 1;
    await waitForFrameLoad(state.entry);
    if (mine !== generation) return;
    const win = iframe.contentWindow;
    if (!win || !win.__hf || typeof win.__hf.whenReady !== "function") {
      showOverlay("The page runtime did not start", `${state.entry} loaded without window.__hf`);
      return;
    }
    win.addEventListener("keydown", onKey, true);
    let info;
    try {
      info = await win.__hf.whenReady();
      // As a render does before its first frame: every face the page uses is loaded.
      if (win.__framecastFonts) await win.__framecastFonts.settle();
    } catch (error) {
      if (mine === generation) showPageError(error);
      return;
    }
    if (mine !== generation) return;
    hf = win.__hf;
    describeComposition(win, info);
    hideOverlay();
    if (state.problems.length > 0) {
      showOverlay("The composition has problems", describeProblems(state.problems));
    }
    state.ready = true;
    layout();
    seek(Math.min(Math.max(0, keepTime), lastFrameTime()));
    resumeAfterLoad = false;
    if (wasPlaying && !state.overlay) play();
  }

  function describeComposition(win, info) {
    const doc = win.document;
    const root = doc.querySelector("[data-composition-id]") || doc.querySelector('[data-root="true"]');
    state.width = info.width || 1920;
    state.height = info.height || 1080;
    state.duration = number(info.duration) || 0;
    state.fps = number(info.fps) || number(root && root.getAttribute("data-fps")) || 30;
    state.clips = collectClips(win, root);
    state.media = root ? collectMedia(doc, root) : [];
    iframe.style.width = `${state.width}px`;
    iframe.style.height = `${state.height}px`;
    scrubber.max = String(state.duration);
    $("name").textContent = `${info.id || "composition"} · ${state.width}×${state.height} · ${state.fps} fps · ${state.duration.toFixed(2)} s`;
  }

  // Clip lanes: what the runtime resolved, if it says, else the numeric data-* attributes.
  function collectClips(win, root) {
    const resolved = win.__hf && Array.isArray(win.__hf.clips) ? win.__hf.clips : null;
    if (resolved) {
      return resolved
        .map((clip) => ({
          id: clip.id || "",
          start: number(clip.start) || 0,
          duration: number(clip.duration) ?? (number(clip.end) ?? state.duration) - (number(clip.start) || 0),
          track: number(clip.track ?? clip.trackIndex) || 0,
        }))
        .filter((clip) => Number.isFinite(clip.duration));
    }
    if (!root) return [];
    const clips = [];
    for (const element of root.querySelectorAll("[data-start]")) {
      const start = number(element.getAttribute("data-start"));
      if (start === null) continue;
      const duration = number(element.getAttribute("data-duration"));
      clips.push({
        id: element.id || element.tagName.toLowerCase(),
        start,
        duration: duration === null ? Math.max(0, state.duration - start) : duration,
        track: number(element.getAttribute("data-track-index")) || 0,
      });
    }
    return clips;
  }

  // The sound of the composition's <audio> and <video> elements, played by Audio objects of the
  // player's own: the page runtime keeps Chrome from loading the page's media (a render mixes the
  // audio itself), and the player's window is the one the user's key press activated.
  function collectMedia(doc, root) {
    const media = [];
    for (const element of root.querySelectorAll("audio, video")) {
      if (element.tagName === "VIDEO" && (element.hasAttribute("muted") || element.getAttribute("data-has-audio") === "false")) continue;
      const source = element.querySelector("source");
      const src =
        element.getAttribute("data-framecast-src") ||
        element.getAttribute("src") ||
        (source && (source.getAttribute("data-framecast-src") || source.getAttribute("src")));
      if (!src) continue;
      const audio = new Audio(new URL(src, doc.baseURI).href);
      audio.preload = "auto";
      audio.loop = element.loop;
      media.push({ element, audio });
    }
    return media;
  }

  // ---- seeking and playback ----------------------------------------------------------------

  function seek(t) {
    state.t = t;
    if (hf) {
      try {
        hf.seek(t);
      } catch (error) {
        showPageError(error);
      }
    }
    render();
  }

  function play() {
    if (!state.ready || state.playing) return;
    if (state.t >= lastFrameTime()) state.t = 0;
    state.playing = true;
    playFrom = { t: state.t, wall: performance.now() };
    syncMedia(state.t, true);
    requestAnimationFrame(tick);
    render();
  }

  function pause() {
    state.playing = false;
    for (const { audio } of state.media) {
      if (!audio.paused) audio.pause();
    }
    render();
  }

  // Real-time playback: the time follows the wall clock and every display frame seeks.
  function tick(now) {
    if (!state.playing) return;
    let t = playFrom.t + (now - playFrom.wall) / 1000;
    let restarted = false;
    if (t >= state.duration) {
      if (state.loop) {
        t = state.duration > 0 ? t % state.duration : 0;
        playFrom = { t, wall: now };
        restarted = true;
      } else {
        seek(lastFrameTime());
        pause();
        return;
      }
    }
    seek(t);
    if (state.playing) syncMedia(t, restarted);
    requestAnimationFrame(tick);
  }

  // Audio during playback: each element's sound plays while its clip is active, at the offset
  // its data-* attributes give, corrected when it drifts.
  function syncMedia(t, force) {
    for (const { element, audio } of state.media) {
      const start = number(element.getAttribute("data-start")) || 0;
      const duration = number(element.getAttribute("data-duration"));
      const mediaStart = number(element.getAttribute("data-media-start")) || 0;
      const rate = number(element.getAttribute("data-playback-rate")) || 1;
      const volume = number(element.getAttribute("data-volume"));
      let local = (t - start) * rate + mediaStart;
      const length = Number.isFinite(audio.duration) ? audio.duration : null;
      if (audio.loop && length) local %= length;
      const active = t >= start && (duration === null || t < start + duration) && (length === null || local < length);
      if (!active) {
        if (!audio.paused) audio.pause();
        continue;
      }
      audio.playbackRate = rate;
      if (volume !== null) audio.volume = Math.min(1, Math.max(0, volume));
      if (force || audio.paused || Math.abs(audio.currentTime - local) > 0.25) audio.currentTime = local;
      if (audio.paused) audio.play().catch(() => {});
    }
  }

  function stepFrames(count) {
    pause();
    const frame = Math.min(frameCount() - 1, Math.max(0, frameOf(state.t) + count));
    seek(frame / state.fps);
  }

  // ---- drawing -----------------------------------------------------------------------------

  function layout() {
    const available = { width: viewport.clientWidth - 32, height: viewport.clientHeight - 32 };
    const scale =
      state.zoom === "1:1" ? 1 : Math.max(0.05, Math.min(available.width / state.width, available.height / state.height));
    iframe.style.transform = scale === 1 ? "none" : `scale(${scale})`;
    exactImage.style.transform = iframe.style.transform;
    stage.style.width = `${state.width * scale}px`;
    stage.style.height = `${state.height * scale}px`;
    $("zoom").textContent = state.zoom === "1:1" ? "100%" : "fit";
    render();
  }

  function render() {
    $("play").innerHTML = state.playing ? "&#10073;&#10073;" : "&#9654;";
    $("time").textContent = `${state.t.toFixed(3)} s`;
    $("frame").textContent = `frame ${frameOf(state.t)} / ${frameCount() - 1}`;
    if (document.activeElement !== scrubber || state.playing) scrubber.value = String(state.t);
    drawLanes();
    updateExact();
  }

  // ---- the exact frame ---------------------------------------------------------------------

  // The time of the frame the readout names, the one a render writes for this moment.
  function exactTime() {
    return frameOf(state.t) / state.fps;
  }

  function updateExact() {
    const wanted = exact.enabled && state.ready && !state.playing && !state.overlay;
    if (!wanted) {
      cancelExact();
      hideExact(exact.enabled ? "" : "live");
      return;
    }
    const t = exactTime();
    if (exact.shown === t) {
      exactImage.hidden = false;
      return;
    }
    if (exact.pending === t) return;
    // The live page shows the new time until its exact frame arrives.
    hideExact("exact…");
    requestExact(t);
  }

  function hideExact(status) {
    exactImage.hidden = true;
    exact.shown = null;
    $("exact-status").textContent = status;
  }

  function cancelExact() {
    if (exact.controller) exact.controller.abort();
    exact.controller = null;
    exact.pending = null;
  }

  async function requestExact(t) {
    cancelExact();
    const controller = new AbortController();
    const mine = generation;
    exact.controller = controller;
    exact.pending = t;
    exact.requestedAt = performance.now();
    const current = () => !controller.signal.aborted && mine === generation && exact.pending === t;
    try {
      const response = await fetch(`/__framecast/frame?t=${t}`, { signal: controller.signal, cache: "no-store" });
      if (!response.ok) throw new Error((await response.text()).trim() || `HTTP ${response.status}`);
      const blob = await response.blob();
      if (!current()) return;
      const url = URL.createObjectURL(blob);
      const image = new Image();
      image.src = url;
      await image.decode();
      if (!current()) {
        URL.revokeObjectURL(url);
        return;
      }
      exactImage.src = url;
      await exactImage.decode();
      if (exact.url) URL.revokeObjectURL(exact.url);
      exact.url = url;
      exact.shown = t;
      exact.pending = null;
      exact.controller = null;
      exact.error = null;
      exact.shownCount += 1;
      exact.latency = performance.now() - exact.requestedAt;
      exactImage.style.width = `${state.width}px`;
      exactImage.style.height = `${state.height}px`;
      exactImage.hidden = false;
      $("exact-status").textContent = `exact · ${Math.round(exact.latency)} ms`;
    } catch (error) {
      if (!current()) return;
      exact.pending = null;
      exact.controller = null;
      exact.error = messageOf(error);
      $("exact-status").textContent = "live (no exact frame)";
      $("exact-status").title = exact.error;
    }
  }

  function setExact(enabled) {
    exact.enabled = enabled;
    $("exact-toggle").checked = enabled;
    updateExact();
  }

  const LANE_HEIGHT = 16;
  function drawLanes() {
    const tracks = [...new Set(state.clips.map((clip) => clip.track))].sort((a, b) => a - b);
    const ratio = window.devicePixelRatio || 1;
    const width = lanes.clientWidth || 600;
    const height = Math.max(1, tracks.length) * (LANE_HEIGHT + 2) + 2;
    if (lanes.width !== Math.round(width * ratio) || lanes.height !== Math.round(height * ratio)) {
      lanes.width = Math.round(width * ratio);
      lanes.height = Math.round(height * ratio);
      lanes.style.height = `${height}px`;
    }
    const context = lanes.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const x = (t) => (state.duration > 0 ? (t / state.duration) * width : 0);
    context.font = "11px system-ui, sans-serif";
    context.textBaseline = "middle";
    for (const clip of state.clips) {
      const lane = tracks.indexOf(clip.track);
      const top = 2 + lane * (LANE_HEIGHT + 2);
      const left = x(clip.start);
      const right = x(Math.min(state.duration, clip.start + clip.duration));
      const hue = (clip.track * 67 + 200) % 360;
      context.fillStyle = `hsl(${hue} 45% 40%)`;
      context.fillRect(left, top, Math.max(2, right - left - 1), LANE_HEIGHT);
      context.save();
      context.beginPath();
      context.rect(left, top, Math.max(2, right - left - 1), LANE_HEIGHT);
      context.clip();
      context.fillStyle = "#f2f2f2";
      context.fillText(`${clip.track} · ${clip.id} · ${clip.start}s +${+clip.duration.toFixed(3)}s`, left + 4, top + LANE_HEIGHT / 2);
      context.restore();
    }
    context.fillStyle = "#ff5a5f";
    context.fillRect(Math.min(width - 2, x(state.t)), 0, 2, height);
  }

  // ---- input -------------------------------------------------------------------------------

  function onKey(event) {
    const handled = {
      " ": () => (state.playing ? pause() : play()),
      ArrowLeft: () => stepFrames(event.shiftKey ? -10 : -1),
      ArrowRight: () => stepFrames(event.shiftKey ? 10 : 1),
      Home: () => { pause(); seek(0); },
      End: () => { pause(); seek(lastFrameTime()); },
      l: () => { state.loop = !state.loop; $("loop").checked = state.loop; },
      e: () => setExact(!exact.enabled),
    }[event.key];
    if (!handled) return;
    event.preventDefault();
    event.stopPropagation();
    handled();
  }

  window.addEventListener("keydown", onKey, true);
  $("play").addEventListener("click", () => (state.playing ? pause() : play()));
  $("step-back").addEventListener("click", () => stepFrames(-1));
  $("step-forward").addEventListener("click", () => stepFrames(1));
  $("loop").addEventListener("change", (event) => (state.loop = event.target.checked));
  $("exact-toggle").addEventListener("change", (event) => setExact(event.target.checked));
  $("zoom").addEventListener("click", () => {
    state.zoom = state.zoom === "fit" ? "1:1" : "fit";
    layout();
  });
  scrubber.addEventListener("input", () => {
    // Read the value first: pausing redraws the controls, scrubber included.
    const t = Math.min(Number(scrubber.value), lastFrameTime());
    pause();
    seek(t);
  });
  lanes.addEventListener("pointerdown", (event) => {
    pause();
    const rect = lanes.getBoundingClientRect();
    seek(Math.min(lastFrameTime(), Math.max(0, ((event.clientX - rect.left) / rect.width) * state.duration)));
  });
  window.addEventListener("resize", layout);

  // Live reload: the server announces changes under the project directory.
  const events = new EventSource("/__framecast/events");
  events.addEventListener("reload", () => {
    state.reloads += 1;
    load(state.t);
  });

  // For tests and the curious: the player's state and its controls.
  window.__player = {
    state,
    exact,
    setExact,
    seek: (t) => { pause(); seek(t); },
    play,
    pause,
    reload: () => load(state.t),
  };

  $("exact-toggle").checked = exact.enabled;
  layout();
  // `#t=2.5` opens the player paused at that time (a link to a moment).
  load(number(new URLSearchParams(window.location.hash.slice(1)).get("t")) || 0);
})();
