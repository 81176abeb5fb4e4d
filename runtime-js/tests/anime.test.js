// Unit tests for the anime.js adapter (runtime-js/adapters.js) against the real anime.js 3 and 4
// builds framecast embeds, animating plain objects in a page-like context: timelines registered
// in window.__timelines are seeked in milliseconds at their composition's time, and the
// instances the global `anime` creates are seeked once, whichever build assigned the global.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const root = path.join(__dirname, "..", "..");
const ADAPTERS = fs.readFileSync(path.join(root, "runtime-js", "adapters.js"), "utf8");
const ANIME_3 = path.join(root, "node_modules", "animejs", "lib", "anime.min.js");
const ANIME_4 = path.join(root, "node_modules", "animejs-4", "dist", "bundles", "anime.umd.min.js");

/// A context whose global object is its window, with the adapters installed and `library`
/// loaded as a classic script would be.
function page(library) {
  class NodeList {}
  class HTMLCollection {}
  class SVGElement {}
  const document = {
    hidden: false,
    addEventListener: () => {},
    removeEventListener: () => {},
    querySelectorAll: () => [],
    createElement: () => ({ style: {} }),
  };
  const context = vm.createContext({ console, setTimeout, clearTimeout, performance, document, NodeList, HTMLCollection, SVGElement });
  context.window = context;
  context.addEventListener = () => {};
  context.requestAnimationFrame = () => 0;
  context.cancelAnimationFrame = () => {};
  vm.runInContext(ADAPTERS, context);
  const adapters = context.__framecastInternals.adapters;
  adapters.installAnimeCapture();
  context.__timelines = {};
  vm.runInContext(fs.readFileSync(library, "utf8"), context, { filename: path.basename(library) });
  return { context, adapters, run: (code) => vm.runInContext(code, context) };
}

test("an anime.js 4 timeline in window.__timelines is seeked in milliseconds", () => {
  const { context, adapters, run } = page(ANIME_4);
  const box = run(`
    const box = { x: 0 };
    const tl = anime.createTimeline({ autoplay: false });
    tl.add(box, { x: [0, 200], duration: 2000, ease: "linear" });
    window.__timelines.main = tl;
    box;
  `);
  const timeline = context.__timelines.main;
  assert.equal(adapters.timelineDuration(timeline), 2);
  for (const [seconds, x] of [[0, 0], [0.5, 50], [1, 100], [2, 200]]) {
    adapters.seekTimeline(timeline, seconds);
    // The capture would seek the timeline again at the page's time: it must leave it alone.
    adapters.seekAnime(0.25, () => null);
    assert.equal(Math.round(box.x), x, `x at ${seconds} s`);
  }
});

test("anime.js 4 stagger from the centre of a grid delays by distance", () => {
  const { context, adapters, run } = page(ANIME_4);
  const boxes = run(`
    const boxes = Array.from({ length: 12 }, () => ({ x: 0 }));
    const tl = anime.createTimeline({ autoplay: false });
    tl.add(boxes, { x: [0, 100], duration: 1000, ease: "linear", delay: anime.stagger(200, { grid: [4, 3], from: "center" }) });
    window.__timelines.main = tl;
    boxes;
  `);
  adapters.seekTimeline(context.__timelines.main, 0.6);
  // The centre pair (1, 1) and (2, 1) is 0.5 cells away: 100 ms late; a corner 1.8 cells: 360 ms.
  assert.equal(Math.round(boxes[5].x), 50);
  assert.equal(Math.round(boxes[6].x), 50);
  assert.equal(Math.round(boxes[0].x), 24);
  assert.equal(Math.round(boxes[11].x), 24);
});

test("instances anime.js 4 creates are captured, whether or not registered", () => {
  const { adapters, run } = page(ANIME_4);
  const [free, inside] = run(`
    const free = { x: 0 };
    const inside = { x: 0 };
    anime.animate(free, { x: [0, 100], duration: 1000, ease: "linear", autoplay: false });
    anime.createTimeline({ autoplay: false }).add(inside, { x: [0, 100], duration: 1000, ease: "linear" });
    [free, inside];
  `);
  adapters.seekAnime(0.5, () => null);
  assert.equal(Math.round(free.x), 50);
  assert.equal(Math.round(inside.x), 50);
});

test("instances registered with hyperframesAnime run at their composition's time", () => {
  const { run, adapters } = page(ANIME_4);
  const box = run(`
    const box = { x: 0 };
    hyperframesAnime.register("intro", anime.animate(box, { x: [0, 100], duration: 1000, ease: "linear", autoplay: false }));
    box;
  `);
  adapters.seekAnime(5, (id) => (id === "intro" ? 0.25 : null));
  assert.equal(Math.round(box.x), 25);
});

test("anime.js 3 keeps working: its factory's instances are seeked in milliseconds", () => {
  const { run, adapters, context } = page(ANIME_3);
  const box = run(`
    const box = { x: 0 };
    anime({ targets: box, x: [0, 200], duration: 2000, easing: "linear" });
    box;
  `);
  adapters.seekAnime(1.5, () => null);
  assert.equal(Math.round(box.x), 150);
  const registered = run(`
    const other = { x: 0 };
    window.__timelines.main = anime.timeline({ autoplay: false }).add({ targets: other, x: [0, 100], duration: 1000, easing: "linear" });
    other;
  `);
  assert.equal(adapters.timelineDuration(context.__timelines.main), 1);
  adapters.seekTimeline(context.__timelines.main, 0.5);
  assert.equal(Math.round(registered.x), 50);
});
