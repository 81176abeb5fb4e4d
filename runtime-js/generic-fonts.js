// framecast generic fonts, for pages shown in a browser framecast did not launch (the preview).
// A capture Chrome draws the generic families (`sans-serif`, `system-ui`, `monospace`) and the
// default font with the provided fonts through its own font settings; a page cannot change the
// settings of the browser it runs in, and CSS cannot redefine a generic family. So here every
// generic keyword in the page's CSS gets the provided family put in front of it
// (`sans-serif` becomes `"Inter", sans-serif`), in the style sheets, the inline styles and
// SVG's font-family attributes, as they are parsed and whenever they change, and the default
// font is set on the root with no specificity, so any rule of the page wins over it. The
// provided families are the FontFaces `fonts.js` adds. Runs after `fonts.js`, before any page
// script, after `window.__framecastGenericFamilies` (keyword to family, lower case) and
// `window.__framecastStandardFamily`. Plain JavaScript, no build step.
//
// Not covered: canvas text (`context.font`), and the smaller default size Chrome gives a
// family list that is `monospace` alone (a page that sets its font sizes is not affected).
(() => {
  "use strict";
  const generics = window.__framecastGenericFamilies;
  if (!generics || window.__framecastGenericFonts) return;
  const standard = window.__framecastStandardFamily;

  // The items of a font-family list, split at the commas outside quotes.
  function splitList(value) {
    const items = [];
    let current = "";
    let quote = null;
    for (const character of value) {
      if (quote) {
        if (character === quote) quote = null;
      } else if (character === '"' || character === "'") {
        quote = character;
      } else if (character === ",") {
        items.push(current.trim());
        current = "";
        continue;
      }
      current += character;
    }
    items.push(current.trim());
    return items.filter((item) => item !== "");
  }

  function unquoted(item) {
    return item.replace(/^(["'])(.*)\1$/, "$2").toLowerCase();
  }

  // The list with the provided family before each generic keyword, or null when nothing
  // changes (so a list already rewritten stays as it is).
  function mapList(value) {
    if (!value || value.includes("var(")) return null;
    // `initial` is the default font.
    if (standard && value.trim().toLowerCase() === "initial") return `"${standard}"`;
    const items = splitList(value);
    const mapped = [];
    let changed = false;
    for (const item of items) {
      const family = /^["']/.test(item) ? null : generics[item.toLowerCase()];
      const previous = mapped.length > 0 ? unquoted(mapped[mapped.length - 1]) : null;
      if (family && previous !== family.toLowerCase()) {
        mapped.push(`"${family}"`);
        changed = true;
      }
      mapped.push(item);
    }
    return changed ? mapped.join(", ") : null;
  }

  function fixStyle(style) {
    const mapped = mapList(style.getPropertyValue("font-family"));
    if (mapped) style.setProperty("font-family", mapped, style.getPropertyPriority("font-family"));
  }

  function fixRules(rules) {
    for (const rule of rules) {
      // A @font-face names a family; it does not ask for one.
      if (rule instanceof CSSFontFaceRule) continue;
      if (rule.style) fixStyle(rule.style);
      if (rule.styleSheet) fixSheet(rule.styleSheet);
      if (rule.cssRules) fixRules(rule.cssRules);
    }
  }

  function fixSheet(sheet) {
    let rules;
    try {
      rules = sheet.cssRules;
    } catch {
      // Another origin's style sheet (a font service) cannot be read, and names no generic.
      return;
    }
    fixRules(rules);
  }

  function fixElements(root) {
    if (!root.querySelectorAll) return;
    const elements = [root, ...root.querySelectorAll("[style], [font-family]")];
    for (const element of elements) {
      if (element.style && element.hasAttribute("style")) fixStyle(element.style);
      const attribute = element.getAttribute("font-family");
      const mapped = attribute && mapList(attribute);
      if (mapped) element.setAttribute("font-family", mapped);
    }
  }

  function fixDocument() {
    for (const sheet of document.styleSheets) fixSheet(sheet);
    for (const sheet of document.adoptedStyleSheets || []) fixSheet(sheet);
    if (document.documentElement) fixElements(document.documentElement);
  }

  // The default font: no specificity, so the page's own rules (even `html { ... }`) win.
  if (standard) {
    const style = document.createElement("style");
    style.setAttribute("data-framecast", "standard-font");
    style.textContent = `:where(html) { font-family: "${standard}"; }`;
    (document.head || document.documentElement).appendChild(style);
  }

  // Style sheets and styles added or changed later (sub-compositions mount theirs, scripts set
  // styles); mutation callbacks run before the next paint. A linked sheet is read once loaded.
  let pending = false;
  function fixSoon() {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      fixDocument();
    });
  }
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") {
        fixElements(record.target);
        continue;
      }
      const target = record.target;
      if (target.nodeName === "STYLE") fixSoon();
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        if (node.nodeName === "LINK") node.addEventListener("load", fixSoon);
        if (node.nodeName === "STYLE" || node.querySelector("style, link")) fixSoon();
        fixElements(node);
      }
    }
  });
  observer.observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["style", "font-family"],
  });
  document.addEventListener("DOMContentLoaded", fixDocument);
  window.addEventListener("load", fixDocument);

  window.__framecastGenericFonts = { mapList, fixDocument };
})();
