// framecast page layout: the styles HyperFrames' runtime puts on a composition before its first
// frame, so a page renders where HyperFrames renders it. `<html>` and `<body>` lose the browser's
// default margin and padding and clip overflow (core/src/runtime/init.ts); the root composition
// takes its data-width/data-height as its pixel size, `position: relative` unless its inline
// style positions it, and clips its overflow; a sub-composition host with a size gets it as
// pixels and the file's root inside it fills it (producer/src/services/htmlCompiler.ts,
// core/src/compiler/htmlBundler.ts), so `height: 100%` resolves against the composition's size;
// the root's timed children become layers over the whole root (init.ts, `applyClipLayout`).
//
// Every change is an inline style, as in HyperFrames: the page's own stylesheet rules lose to
// it, and an inline style the author wrote first is kept where HyperFrames keeps it. Functions
// take elements and touch only `style` and `getAttribute`, so node's test runner checks them
// with plain objects.
(function (factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof window !== "undefined") {
    window.__framecastInternals = window.__framecastInternals || {};
    window.__framecastInternals.layout = api;
  }
})(function () {
  "use strict";

  /// `data-width="320"` as a CSS length ("320px"); null when missing, not a number or not
  /// positive, so the element keeps the size its CSS gives it.
  function pixels(value) {
    if (value === null || value === undefined || String(value).trim() === "") return null;
    const number = Number.parseFloat(value);
    return Number.isFinite(number) && number > 0 ? `${number}px` : null;
  }

  /// Takes the browser's default 8 px body margin (and any padding) away and clips overflow, so
  /// the composition starts at the viewport's origin and nothing scrolls.
  function normalizeDocument(html, body) {
    for (const element of [html, body]) {
      if (!element) continue;
      element.style.margin = "0";
      element.style.padding = "0";
      element.style.overflow = "hidden";
    }
  }

  /// The root composition: its declared size in pixels (also as `--comp-width` and
  /// `--comp-height`), a containing block for its absolutely placed clips, and clipped.
  function sizeRoot(root) {
    const width = pixels(root.getAttribute("data-width"));
    const height = pixels(root.getAttribute("data-height"));
    if (width) {
      root.style.width = width;
      root.style.setProperty("--comp-width", width);
    }
    if (height) {
      root.style.height = height;
      root.style.setProperty("--comp-height", height);
    }
    if (!root.style.position) root.style.position = "relative";
    root.style.overflow = "hidden";
  }

  /// A sub-composition host that knows both dimensions (its own data-width/data-height, or its
  /// file's root's, copied before this runs) is that many pixels; a dimension its inline style
  /// already sets is kept.
  function sizeHost(host) {
    const width = pixels(host.getAttribute("data-width"));
    const height = pixels(host.getAttribute("data-height"));
    if (!width || !height) return;
    if (!host.style.width) host.style.width = width;
    if (!host.style.height) host.style.height = height;
  }

  /// The file's root element mounted inside a host: its own data-width/data-height in pixels,
  /// else the whole host, whatever its inline style said.
  function fillHost(innerRoot) {
    innerRoot.style.width = pixels(innerRoot.getAttribute("data-width")) || "100%";
    innerRoot.style.height = pixels(innerRoot.getAttribute("data-height")) || "100%";
  }

  const NOT_LAID_OUT = new Set(["script", "style", "link", "meta"]);

  /// The root's direct children with a data-start are layers stacked over the whole
  /// composition, as HyperFrames' runtime makes them (`applyClipLayout` in
  /// core/src/runtime/init.ts): out of the flow (`position: absolute` unless already absolute or
  /// fixed), anchored at the root's top left unless their CSS places them, and, when their size
  /// collapses, as large as their data-width/data-height or the root. Without this, scenes
  /// written one after another in the source stack downwards, and every scene after the first
  /// lies below the frame.
  ///
  /// `computedStyleOf(element)` must be live, as the browser's getComputedStyle is: HyperFrames
  /// reads the anchors and sizes after the element has left the flow, so an element left at
  /// `top: auto` keeps its static position and an empty element measures 0 px wide.
  function placeRootClips(root, computedStyleOf) {
    for (const element of root.children) {
      if (NOT_LAID_OUT.has(element.tagName.toLowerCase())) continue;
      if (element.getAttribute("data-start") === null) continue;
      const computed = computedStyleOf(element);
      if (computed.position !== "absolute" && computed.position !== "fixed") element.style.position = "absolute";
      const anchored = (inline, computedValue) => Boolean(inline) || computedValue !== "auto";
      if (!anchored(element.style.top, computed.top) && !anchored(element.style.bottom, computed.bottom)) element.style.top = "0";
      if (!anchored(element.style.left, computed.left) && !anchored(element.style.right, computed.right)) element.style.left = "0";
      if (element.tagName.toLowerCase() === "audio") continue;
      fillCollapsed(element, "width", pixels(element.getAttribute("data-width")), computed.width);
      fillCollapsed(element, "height", pixels(element.getAttribute("data-height")), computed.height);
    }
  }

  // A declared size applies when the element has no size of its own; without one, an element
  // that measures 0 px fills the root.
  function fillCollapsed(element, dimension, declared, measured) {
    if (element.style[dimension]) return;
    if (declared) {
      if (measured === "0px" || measured === "auto") element.style[dimension] = declared;
    } else if (measured === "0px") element.style[dimension] = "100%";
  }

  return { pixels, normalizeDocument, sizeRoot, sizeHost, fillHost, placeRootClips };
});
