// framecast fonts: injected before any page script (after `window.__framecastFontFaces`, which
// the renderer writes). Families framecast maps (Arial, Helvetica, Menlo, ...) become FontFace
// objects of this document, served by the loopback server, so they win over whatever the machine
// has; generic families are mapped by Chrome's own font settings. `settle()` loads every face the
// page uses before the first frame, including faces of elements that are hidden now and shown by
// a later frame. Plain JavaScript, no build step.
(() => {
  "use strict";
  if (window.__framecastFonts) return;

  // The faces come from the framecast server; a page it does not serve (a data: URL in a test)
  // keeps Chrome's fonts.
  const served = location.protocol === "http:" || location.protocol === "https:";
  const faces = [];
  for (const spec of served ? window.__framecastFontFaces || [] : []) {
    for (const family of spec.families) {
      const face = new FontFace(family, `url("${spec.url}") format("woff")`, {
        style: spec.style,
        weight: String(spec.weight),
        unicodeRange: spec.unicodeRange,
        display: "block",
      });
      document.fonts.add(face);
      faces.push(face);
    }
  }

  // Every font the document's elements ask for, as `font` shorthands; display:none elements
  // included, since a later frame may show them.
  function usedFonts() {
    const used = new Set();
    for (const element of document.querySelectorAll("*")) {
      const style = getComputedStyle(element);
      used.add(`${style.fontStyle} ${style.fontWeight} 16px ${style.fontFamily}`);
    }
    return used;
  }

  async function settle() {
    const text = document.documentElement ? document.documentElement.textContent : "";
    const characters = [...new Set(text)].join("") || "a";
    // A font string the engine cannot parse names no face of ours: skip it.
    await Promise.all([...usedFonts()].map((font) => document.fonts.load(font, characters).catch(() => [])));
    await document.fonts.ready;
    const failed = faces.filter((face) => face.status === "error");
    if (failed.length > 0) {
      const names = failed.map((face) => `${face.family} ${face.weight} ${face.style}`);
      throw new Error(`fonts failed to load from the framecast server: ${[...new Set(names)].join(", ")}`);
    }
  }

  window.__framecastFonts = { settle };
})();
