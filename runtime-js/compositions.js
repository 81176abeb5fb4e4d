// framecast sub-compositions: mounts `data-composition-src` files (their content inside a
// <template>, with their own <style> and <script>) and inline `<template id="<id>-template">`
// compositions into their host elements, scopes their CSS to the instance, applies their
// variables, and runs their scripts (deepest composition first, so a parent's script finds its
// children's timelines). As HyperFrames does, the file's root element is kept inside the host
// without its data-composition-id: the host carries the composition's identity.
(function () {
  "use strict";
  const internals = (window.__framecastInternals = window.__framecastInternals || {});
  const variables = internals.variables;

  class CompositionError extends Error {}

  function describe(element) {
    if (element.id) return `#${element.id}`;
    const id = element.getAttribute("data-composition-id");
    if (id) return `[data-composition-id="${id}"]`;
    return `<${element.tagName.toLowerCase()}>`;
  }

  // ---- CSS scoping -------------------------------------------------------------------------

  function splitTopLevel(text, separator) {
    const parts = [];
    let depth = 0;
    let current = "";
    for (const char of text) {
      if (char === "(" || char === "[") depth += 1;
      if (char === ")" || char === "]") depth -= 1;
      if (char === separator && depth === 0) {
        parts.push(current);
        current = "";
      } else current += char;
    }
    parts.push(current);
    return parts;
  }

  // The index just past the block that opens at `open` (a "{"), skipping strings.
  function blockEnd(css, open) {
    let depth = 0;
    for (let i = open; i < css.length; i += 1) {
      const char = css[i];
      if (char === '"' || char === "'") {
        const close = css.indexOf(char, i + 1);
        i = close < 0 ? css.length : close;
      } else if (char === "{") depth += 1;
      else if (char === "}") {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
    }
    return css.length;
  }

  function scopeSelector(selector, scope) {
    const trimmed = selector.trim();
    if (trimmed === "") return trimmed;
    const rootMatch = /^(html|body|:root)(?![\w-])/.exec(trimmed);
    if (rootMatch) return scope + trimmed.slice(rootMatch[0].length).replace(/^\s*(body|html)(?![\w-])/, "");
    if (trimmed.startsWith(scope)) return trimmed;
    return `${scope} ${trimmed}`;
  }

  /// Prefixes every style rule's selectors with `scope` (html, body and :root become the scope
  /// itself); @media/@supports/@layer blocks are scoped inside, @keyframes and @font-face kept.
  function scopeCss(css, scope) {
    const source = css.replace(/\/\*[\s\S]*?\*\//g, "");
    let output = "";
    let position = 0;
    while (position < source.length) {
      const open = source.indexOf("{", position);
      const semicolon = source.indexOf(";", position);
      if (open < 0) {
        output += source.slice(position);
        break;
      }
      if (semicolon >= 0 && semicolon < open && source.slice(position, semicolon).trim().startsWith("@")) {
        output += source.slice(position, semicolon + 1);
        position = semicolon + 1;
        continue;
      }
      const prelude = source.slice(position, open).trim();
      const end = blockEnd(source, open);
      const body = source.slice(open + 1, end - 1);
      if (prelude.startsWith("@")) {
        const nested = /^@(media|supports|layer|container|document)\b/.test(prelude);
        output += `${prelude}{${nested ? scopeCss(body, scope) : body}}\n`;
      } else {
        const selectors = splitTopLevel(prelude, ",").map((selector) => scopeSelector(selector, scope));
        output += `${selectors.join(", ")}{${body}}\n`;
      }
      position = end;
    }
    return output;
  }

  // ---- mounting ----------------------------------------------------------------------------

  /// Hosts directly under `container` (not inside another host below it).
  function findHosts(container) {
    const candidates = [...container.querySelectorAll("[data-composition-src], [data-composition-id]")].filter((element) => {
      if (element.hasAttribute("data-composition-src")) return true;
      const id = element.getAttribute("data-composition-id");
      return element.children.length === 0 && document.getElementById(`${id}-template`) instanceof HTMLTemplateElement;
    });
    return candidates.filter((host) => {
      const outer = host.parentElement && host.parentElement.closest("[data-composition-src], [data-framecast-mounted]");
      return !outer || outer === container || !container.contains(outer);
    });
  }

  // Relative URLs in a composition file resolve from the project root, as in HyperFrames,
  // except paths that climb with ../, which resolve from the file itself.
  function rewriteClimbingPaths(node, base) {
    for (const element of node.querySelectorAll("[src], [href]")) {
      for (const attribute of ["src", "href"]) {
        const value = element.getAttribute(attribute);
        if (value && value.trim().startsWith("../")) element.setAttribute(attribute, new URL(value.trim(), base).href);
      }
    }
  }

  async function loadSource(host) {
    const src = host.getAttribute("data-composition-src");
    if (src === null) {
      const template = document.getElementById(`${host.getAttribute("data-composition-id")}-template`);
      return { content: template.content, head: null, declarations: [], url: null, src: `template#${template.id}` };
    }
    const url = new URL(src, document.baseURI);
    let response;
    try {
      response = await fetch(url.href);
    } catch (error) {
      throw new CompositionError(`cannot load data-composition-src="${src}" of ${describe(host)}: ${error.message}`);
    }
    if (!response.ok) {
      throw new CompositionError(`cannot load data-composition-src="${src}" of ${describe(host)}: HTTP ${response.status}; check the path (it is relative to the project root)`);
    }
    const parsed = new DOMParser().parseFromString(await response.text(), "text/html");
    const template = parsed.querySelector("template");
    const declarations = variables.parseDeclarations(
      parsed.documentElement.getAttribute("data-composition-variables"),
      src
    );
    rewriteClimbingPaths(parsed, url);
    if (template) rewriteClimbingPaths(template.content, url);
    return { content: template ? template.content : parsed.body, head: template ? null : parsed.head, declarations, url, src };
  }

  /// Mounts one host: its DOM, scoped styles, variables. Returns its scripts to run later.
  async function mountHost(host, overrides) {
    const source = await loadSource(host);
    const styles = [...(source.head ? source.head.querySelectorAll("style") : []), ...source.content.querySelectorAll("style")];
    const scripts = [...(source.head ? source.head.querySelectorAll("script") : []), ...source.content.querySelectorAll("script")];
    const innerRoot = source.content.querySelector("[data-composition-id]");
    const id = host.getAttribute("data-composition-id") || (innerRoot && innerRoot.getAttribute("data-composition-id"));
    if (!id) throw new CompositionError(`${describe(host)} mounts ${source.src}, but neither names a data-composition-id`);
    host.setAttribute("data-composition-id", id);
    host.setAttribute("data-framecast-mounted", source.src);

    const mounted = document.importNode(innerRoot || source.content, true);
    for (const element of mounted.querySelectorAll("style, script")) element.remove();
    if (innerRoot) {
      mounted.removeAttribute("data-composition-id");
      mounted.setAttribute("data-framecast-inner-root", id);
      for (const attribute of ["data-width", "data-height"]) {
        const value = innerRoot.getAttribute(attribute);
        if (value && !host.hasAttribute(attribute)) host.setAttribute(attribute, value);
      }
      if (!host.style.width && host.getAttribute("data-width")) host.style.width = `${Number(host.getAttribute("data-width"))}px`;
      if (!host.style.height && host.getAttribute("data-height")) host.style.height = `${Number(host.getAttribute("data-height"))}px`;
      if (innerRoot.hasAttribute("data-duration")) host.setAttribute("data-framecast-own-duration", innerRoot.getAttribute("data-duration"));
    }
    host.replaceChildren(mounted);

    const scope = `[data-composition-id="${CSS.escape(id)}"]`;
    for (const style of styles) {
      const scoped = document.createElement("style");
      scoped.setAttribute("data-framecast-scope", id);
      scoped.textContent = scopeCss(style.textContent || "", scope);
      document.head.appendChild(scoped);
    }

    const where = `for ${describe(host)} (data-variable-values)`;
    let instance = {};
    const raw = host.getAttribute("data-variable-values");
    if (raw) {
      try {
        instance = JSON.parse(raw);
      } catch (error) {
        throw new CompositionError(`${describe(host)} has data-variable-values that is not valid JSON (${error.message})`);
      }
    }
    const values = variables.resolveValues(source.declarations, instance, where);
    Object.assign(values, overrides[id] || {});
    variables.applyCustomProperties(host, values);
    variables.applyBindings(host, values, `in ${source.src}`);
    internals.instanceVariables[id] = values;
    return { host, id, scripts, url: source.url };
  }

  function loadScript(script, src) {
    return new Promise((resolve) => {
      script.addEventListener("load", resolve, { once: true });
      script.addEventListener("error", resolve, { once: true });
      script.src = src;
      document.body.appendChild(script);
    });
  }

  /// Runs a mounted composition's scripts in order. Inline scripts run in their own function
  /// scope with `__hyperframes.getVariables()` returning the instance's variables.
  async function runScripts(mount) {
    for (const original of mount.scripts) {
      const script = document.createElement("script");
      const type = original.getAttribute("type");
      if (type) script.type = type;
      const src = original.getAttribute("src");
      if (src) {
        await loadScript(script, new URL(src, src.startsWith("./") || src.startsWith("../") ? mount.url || document.baseURI : document.baseURI).href);
        continue;
      }
      const code = original.textContent || "";
      if (type === "module") {
        script.textContent = code;
      } else {
        const id = JSON.stringify(mount.id);
        script.textContent =
          `(function (__hyperframes) {\n${code}\n})(Object.assign({}, window.__hyperframes, ` +
          `{ compositionId: ${id}, getVariables: () => Object.assign({}, window.__framecastInternals.instanceVariables[${id}]) }));`;
      }
      document.body.appendChild(script);
    }
  }

  /// Mounts every sub-composition under `root`, nested ones too, then runs their scripts
  /// deepest first. `onStep` is told what is being waited for.
  async function mountAll(root, overrides, onStep) {
    internals.instanceVariables = internals.instanceVariables || {};
    const mounts = [];
    const visit = async (container, depth, chain) => {
      for (const host of findHosts(container)) {
        const src = host.getAttribute("data-composition-src") || host.getAttribute("data-composition-id");
        if (chain.includes(src)) {
          throw new CompositionError(`${describe(host)} mounts ${src} inside itself (${chain.concat(src).join(" → ")})`);
        }
        onStep(`sub-composition ${src}`);
        const mount = await mountHost(host, overrides);
        mount.depth = depth;
        mounts.push(mount);
        await visit(host, depth + 1, chain.concat(src));
      }
    };
    await visit(root, 1, []);
    const order = mounts.map((mount, index) => ({ mount, index })).sort((a, b) => b.mount.depth - a.mount.depth || a.index - b.index);
    for (const { mount } of order) {
      onStep(`scripts of sub-composition ${mount.id}`);
      await runScripts(mount);
    }
    return mounts.length;
  }

  internals.compositions = { CompositionError, scopeCss, mountAll, describe };
})();
