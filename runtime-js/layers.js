// Scene layers for shader transitions. On a transition frame the renderer captures scene A
// with everything else on the page but without scene B, then scene B likewise, and blends the
// two captures on the CPU. This file isolates one scene for such a capture and declares
// transitions written without script, as attributes on the scene elements:
//
//   <section id="two" class="clip" data-start="3" data-duration="3"
//            data-transition="domain-warp" data-transition-duration="0.6"
//            data-transition-accent="#fbbf24">
//
// is a transition into `two` from the scene before it (its previous sibling with data-start),
// starting at two's start.
(() => {
  "use strict";
  const hf = (window.__hf = window.__hf || {});

  let isolated = [];

  function override(element, property, value) {
    isolated.push({
      element,
      property,
      value: element.style.getPropertyValue(property),
      priority: element.style.getPropertyPriority(property),
    });
    element.style.setProperty(property, value, "important");
  }

  // Shows `showId` fully (opaque and visible whatever its clip window or the timeline say) and
  // hides `hideId`; everything else on the page stays as the seek left it.
  hf.isolateScene = (showId, hideId) => {
    hf.restoreScenes();
    const show = document.getElementById(showId);
    const hide = document.getElementById(hideId);
    if (!show) throw new Error(`transition scene #${showId} is not in the page`);
    if (!hide) throw new Error(`transition scene #${hideId} is not in the page`);
    override(show, "opacity", "1");
    override(show, "visibility", "visible");
    override(hide, "visibility", "hidden");
    return true;
  };

  hf.restoreScenes = () => {
    for (const { element, property, value, priority } of isolated.reverse()) {
      if (value === "") element.style.removeProperty(property);
      else element.style.setProperty(property, value, priority);
    }
    isolated = [];
    return true;
  };

  function declaredTransitions() {
    const declared = [];
    for (const element of document.querySelectorAll("[data-transition]")) {
      const shader = element.getAttribute("data-transition");
      const time = Number(element.getAttribute("data-start"));
      const duration = Number(element.getAttribute("data-transition-duration") || "0.6");
      if (!element.id) throw new Error(`an element with data-transition="${shader}" needs an id`);
      if (!Number.isFinite(time)) {
        throw new Error(`#${element.id} declares data-transition but its data-start is not a number of seconds`);
      }
      if (!(duration > 0)) throw new Error(`#${element.id} has an invalid data-transition-duration`);
      let previous = element.previousElementSibling;
      while (previous && !previous.hasAttribute("data-start")) previous = previous.previousElementSibling;
      if (!previous || !previous.id) {
        throw new Error(`#${element.id} declares data-transition but no earlier sibling scene with an id and data-start precedes it`);
      }
      const accent = element.getAttribute("data-transition-accent");
      declared.push({ time, duration, shader, ease: "none", fromScene: previous.id, toScene: element.id, accent });
    }
    return declared;
  }

  // HyperShader.init's accentColor colours some shaders; it is not part of the transitions it
  // writes, so it is picked up from the init call itself.
  let hyperShader;
  let hyperShaderAccent = null;
  Object.defineProperty(window, "HyperShader", {
    configurable: true,
    get: () => hyperShader,
    set: (value) => {
      if (!value || typeof value.init !== "function") {
        hyperShader = value;
        return;
      }
      // The library's namespace object has getter-only properties, so init is shadowed on an
      // object that inherits everything else from it.
      const init = value.init;
      hyperShader = Object.create(value, {
        init: {
          enumerable: true,
          value(options) {
            if (options && options.accentColor) hyperShaderAccent = String(options.accentColor);
            return init.apply(value, arguments);
          },
        },
      });
    },
  });

  // Declared transitions join whatever HyperShader wrote, before the runtime reads the list.
  const whenReady = hf.whenReady;
  if (typeof whenReady === "function") {
    hf.whenReady = async () => {
      const declared = declaredTransitions();
      if (declared.length > 0) hf.transitions = (Array.isArray(hf.transitions) ? hf.transitions : []).concat(declared);
      for (const transition of Array.isArray(hf.transitions) ? hf.transitions : []) {
        if (transition.accent == null && hyperShaderAccent) transition.accent = hyperShaderAccent;
      }
      return whenReady();
    };
  }
})();
