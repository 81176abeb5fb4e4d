// framecast sub-compositions: mounts `data-composition-src` files (their content inside a
// <template>, with their own <style> and <script>) and inline `<template id="<id>-template">`
// compositions into their host elements, scopes their CSS to the instance, applies their
// variables, and runs their scripts (deepest composition first, so a parent's script finds its
// children's timelines). As HyperFrames does, the file's root element is kept inside the host
// without its data-composition-id: the host carries the composition's identity; a host with a
// declared size takes it and the file's root fills it (layout.js).
(function () {
  "use strict";
  const internals = (window.__framecastInternals = window.__framecastInternals || {});
  const variables = internals.variables;
  const layout = internals.layout;

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

  const mountedIds = new Set();

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
    // A composition mounted more than once gets a distinct id per instance, as in HyperFrames
    // (`<id>__hf2`, ...): its CSS scope, variables and timeline stay the instance's own, and its
    // scripts still read and write window.__timelines under the authored id.
    let runtimeId = id;
    for (let instance = 2; mountedIds.has(runtimeId); instance += 1) runtimeId = `${id}__hf${instance}`;
    mountedIds.add(runtimeId);
    if (runtimeId !== id) host.setAttribute("data-hf-original-composition-id", id);
    host.setAttribute("data-composition-id", runtimeId);
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
      layout.fillHost(mounted);
      if (innerRoot.hasAttribute("data-duration")) host.setAttribute("data-framecast-own-duration", innerRoot.getAttribute("data-duration"));
    }
    // With or without a root element in the file, a host that knows its size takes it, so the
    // content's percentages resolve against the composition's size (layout.js).
    layout.sizeHost(host);
    host.replaceChildren(mounted);

    const scope = `[data-composition-id="${CSS.escape(runtimeId)}"]`;
    for (const style of styles) {
      const scoped = document.createElement("style");
      scoped.setAttribute("data-framecast-scope", runtimeId);
      // The file's own root selector, `[data-composition-id="<its id>"]`, means the instance.
      const fileId = innerRoot && innerRoot.getAttribute("data-composition-id");
      let css = style.textContent || "";
      if (fileId) css = css.split(`[data-composition-id="${fileId}"]`).join(scope);
      scoped.textContent = scopeCss(css, scope);
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
    internals.instanceVariables[runtimeId] = values;
    // Scripts write window.__timelines under the id the file declares.
    const scriptId = (innerRoot && innerRoot.getAttribute("data-composition-id")) || id;
    return { host, id, scriptId, runtimeId, scripts, url: source.url };
  }

  function loadScript(script, src) {
    return new Promise((resolve) => {
      script.addEventListener("load", resolve, { once: true });
      script.addEventListener("error", resolve, { once: true });
      script.src = src;
      document.body.appendChild(script);
    });
  }

  // ---- scoped scripts ------------------------------------------------------------------------

  /// What a sub-composition's inline script sees instead of the page's globals, as in
  /// HyperFrames: `document` queries and GSAP string targets match only inside the instance,
  /// and `__hyperframes.getVariables()` returns the instance's variables.
  // Each instance's view of window.__timelines, and the registry it stands for.
  const registries = new WeakMap();

  function scriptScope(host, id, runtimeId) {
    const queryAll = (selector) =>
      [...document.querySelectorAll(selector)].filter((node) => node === host || host.contains(node));
    const scopedDocument = new Proxy(document, {
      get(target, property) {
        if (property === "querySelectorAll") return queryAll;
        if (property === "querySelector") return (selector) => queryAll(selector)[0] || null;
        if (property === "getElementById") {
          return (elementId) => {
            const found = document.getElementById(elementId);
            if (found && host.contains(found)) return found;
            return host.querySelector(`[id="${CSS.escape(String(elementId))}"]`);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const targets = (target) => (typeof target === "string" ? queryAll(target) : target);
    const scopeMethods = (object) => {
      for (const method of ["to", "from", "fromTo", "set"]) {
        const original = object[method];
        if (typeof original !== "function") continue;
        object[method] = function (target, ...rest) {
          return original.call(this, targets(target), ...rest);
        };
      }
      return object;
    };
    const gsap = window.gsap;
    let scopedGsap = gsap;
    if (gsap) {
      scopedGsap = scopeMethods(Object.create(gsap));
      const timeline = gsap.timeline;
      scopedGsap.timeline = (...args) => scopeMethods(timeline.apply(gsap, args));
    }
    const api = Object.assign({}, window.__hyperframes, {
      compositionId: runtimeId,
      getVariables: () => Object.assign({}, internals.instanceVariables[runtimeId]),
    });
    const registry = () => {
      window.__timelines = window.__timelines || {};
      if (runtimeId === id) return window.__timelines;
      const key = (property) => (property === id ? runtimeId : property);
      const proxy = new Proxy(window.__timelines, {
        get: (target, property) => Reflect.get(target, key(property)),
        set: (target, property, value) => Reflect.set(target, key(property), value),
      });
      registries.set(proxy, window.__timelines);
      return proxy;
    };
    // Methods of window are bound to it (a native method called on the proxy would throw);
    // constructors and other values pass through unchanged.
    const scopedWindow = new Proxy(window, {
      get(target, property) {
        if (property === "document") return scopedDocument;
        if (property === "gsap") return scopedGsap;
        if (property === "__hyperframes") return api;
        if (property === "__timelines") return registry();
        const value = Reflect.get(target, property, target);
        const method = typeof value === "function" && typeof property === "string" && /^[a-z]/.test(property);
        return method && !value.prototype ? value.bind(target) : value;
      },
      set(target, property, value) {
        // `window.__timelines = window.__timelines || {}` must not store the instance's view.
        const stored = property === "__timelines" && registries.has(value) ? registries.get(value) : value;
        return Reflect.set(target, property, stored, target);
      },
    });
    return { window: scopedWindow, document: scopedDocument, gsap: scopedGsap, api };
  }

  /// Runs a mounted composition's scripts in order; inline scripts run in their own function
  /// scope (see scriptScope), modules and external scripts as they are.
  async function runScripts(mount) {
    internals.scriptScopes = internals.scriptScopes || [];
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
        const index = internals.scriptScopes.push(scriptScope(mount.host, mount.scriptId, mount.runtimeId)) - 1;
        script.textContent =
          `(function (window, document, gsap, __hyperframes) {\n${code}\n}).apply(window, (function (scope) {` +
          ` return [scope.window, scope.document, scope.gsap, scope.api]; })(window.__framecastInternals.scriptScopes[${index}]));`;
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
