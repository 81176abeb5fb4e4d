// Unit tests for the layout of the root's timed children (layout.js, placeRootClips), which
// HyperFrames makes layers over the whole root. The elements are plain objects; their computed
// style is worked out from the inline style each time it is read, as the browser's live
// getComputedStyle is, with the few layout facts the rule depends on.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { placeRootClips } = require("../layout.js");

/// `css` is what the page's stylesheet gives the element; `flow` what it measures: its static
/// `top` once out of the flow, and its width and height in the flow and out of it.
function element(tagName, attributes = {}, css = {}, flow = {}) {
  return {
    tagName,
    style: {},
    css,
    flow: Object.assign({ staticTop: "0px", width: "320px", height: "0px", shrunkWidth: "0px" }, flow),
    getAttribute: (name) => (name in attributes ? attributes[name] : null),
  };
}

function computedStyleOf(node) {
  const value = (property) => node.style[property] || node.css[property] || "";
  return {
    get position() {
      return value("position") || "static";
    },
    get top() {
      if (value("top")) return value("top");
      return this.position === "static" ? "auto" : node.flow.staticTop;
    },
    get bottom() {
      return value("bottom") || (this.position === "static" ? "auto" : "auto");
    },
    get left() {
      if (value("left")) return value("left");
      return this.position === "static" ? "auto" : "0px";
    },
    get right() {
      return value("right") || "auto";
    },
    get width() {
      if (value("width")) return value("width");
      return this.position === "static" ? node.flow.width : node.flow.shrunkWidth;
    },
    get height() {
      return value("height") || node.flow.height;
    },
  };
}

function root(...children) {
  return { children };
}

test("scenes written one after another become layers at the root's top left", () => {
  const first = element("DIV", { "data-start": "0.001", "data-width": "320", "data-height": "180" });
  const second = element("DIV", { "data-start": "2.5", "data-width": "320", "data-height": "180" });
  placeRootClips(root(first, second), computedStyleOf);
  for (const scene of [first, second]) {
    assert.equal(scene.style.position, "absolute");
    // Its static position, the root's top left once the scenes before it left the flow, is
    // what the browser reports as its top and left from then on.
    assert.equal(computedStyleOf(scene).top, "0px");
    assert.equal(computedStyleOf(scene).left, "0px");
    // Out of the flow an empty host shrinks to nothing, so it takes its declared size.
    assert.equal(scene.style.width, "320px");
    assert.equal(scene.style.height, "180px");
  }
});

test("without a declared size, a clip that collapses fills the root", () => {
  const clip = element("DIV", { "data-start": "0" });
  placeRootClips(root(clip), computedStyleOf);
  assert.equal(clip.style.width, "100%");
  assert.equal(clip.style.height, "100%");
});

test("what the page's CSS or inline style places and sizes is kept", () => {
  const placed = element("DIV", { "data-start": "0", "data-width": "320", "data-height": "180" }, { position: "absolute", top: "20px", right: "10px", width: "100px", height: "50px" });
  const inline = element("DIV", { "data-start": "0" }, {}, {});
  inline.style.bottom = "0px";
  inline.style.width = "40px";
  inline.style.height = "40px";
  placeRootClips(root(placed, inline), computedStyleOf);
  assert.deepEqual(placed.style, {});
  assert.equal(inline.style.position, "absolute");
  assert.equal(inline.style.top, undefined);
  assert.equal(inline.style.width, "40px");
  assert.equal(inline.style.height, "40px");
});

test("a clip out of the flow at a static position below untimed content stays there", () => {
  // The browser reports the static position of an absolute element with `top: auto`, which
  // counts as an anchor, as it does for HyperFrames.
  const clip = element("DIV", { "data-start": "1" }, { height: "40px" }, { staticTop: "30px" });
  placeRootClips(root(clip), computedStyleOf);
  assert.equal(clip.style.position, "absolute");
  assert.equal(clip.style.top, undefined);
  assert.equal(clip.style.left, undefined);
});

test("untimed children, scripts and styles are left alone; audio is never sized", () => {
  const untimed = element("DIV");
  const script = element("SCRIPT", { "data-start": "0" });
  const audio = element("AUDIO", { "data-start": "0" });
  placeRootClips(root(untimed, script, audio), computedStyleOf);
  assert.deepEqual(untimed.style, {});
  assert.deepEqual(script.style, {});
  assert.deepEqual(audio.style, { position: "absolute" });
});

test("a clip whose offsets still read auto is anchored at the top left", () => {
  // What HyperFrames does for an engine that reports `auto` for an absolute element's offsets.
  const clip = element("DIV", { "data-start": "0" });
  const autoOffsets = (node) => ({
    position: node.style.position || "static",
    top: node.style.top || "auto",
    bottom: "auto",
    left: node.style.left || "auto",
    right: "auto",
    width: node.style.width || "0px",
    height: node.style.height || "0px",
  });
  placeRootClips(root(clip), autoOffsets);
  assert.deepEqual(clip.style, { position: "absolute", top: "0", left: "0", width: "100%", height: "100%" });
});
