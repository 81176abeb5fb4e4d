// framecast composition variables: declarations (`data-composition-variables` on <html> or a
// sub-composition's <html>), per-instance values (`data-variable-values` on a host), render-time
// overrides (`framecast render --variables`), and their bindings: `data-var-text`,
// `data-var-src` and CSS custom properties `--<id>`. An unknown or ill-typed variable is an
// error that names it.
(function (factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof window !== "undefined") {
    window.__framecastInternals = window.__framecastInternals || {};
    window.__framecastInternals.variables = api;
  }
})(function () {
  "use strict";

  class VariableError extends Error {}

  const TEXT_TYPES = new Set(["string", "text", "color", "image", "url", "font", "video", "audio"]);

  /// The declarations in an element's data-composition-variables (a JSON array of
  /// {id, type, default, options}); [] when absent.
  function parseDeclarations(raw, where) {
    if (raw === null || raw === undefined || String(raw).trim() === "") return [];
    let parsed;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      throw new VariableError(`${where} has data-composition-variables that is not valid JSON (${error.message})`);
    }
    if (!Array.isArray(parsed)) {
      throw new VariableError(`${where} has data-composition-variables that is not a JSON array of {"id", "type", "default"}`);
    }
    return parsed.filter((entry) => entry && typeof entry === "object" && typeof entry.id === "string");
  }

  function optionValues(options) {
    return options.map((option) => (option && typeof option === "object" ? option.value : option));
  }

  /// Checks one value against its declaration and returns it normalised (a numeric string for a
  /// number variable becomes a number).
  function checkValue(declaration, value, where) {
    const type = String(declaration.type || "").toLowerCase();
    const bad = (expected) =>
      new VariableError(`variable "${declaration.id}" ${where} must be ${expected}, but it is ${JSON.stringify(value)}`);
    if (type === "number") {
      const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof number !== "number" || !Number.isFinite(number)) throw bad("a number");
      return number;
    }
    if (type === "boolean") {
      if (typeof value !== "boolean") throw bad("true or false");
      return value;
    }
    if (TEXT_TYPES.has(type) && typeof value !== "string") throw bad("a string");
    if (Array.isArray(declaration.options) && declaration.options.length > 0) {
      const allowed = optionValues(declaration.options);
      if (!allowed.some((option) => String(option) === String(value))) {
        throw bad(`one of ${allowed.map((option) => JSON.stringify(option)).join(", ")}`);
      }
    }
    return value;
  }

  /// Merges declared defaults with `values`: every value must be declared and well typed.
  function resolveValues(declarations, values, where) {
    const resolved = {};
    for (const declaration of declarations) {
      if ("default" in declaration) resolved[declaration.id] = declaration.default;
    }
    if (!values) return resolved;
    if (typeof values !== "object" || Array.isArray(values)) {
      throw new VariableError(`variable values ${where} must be a JSON object such as {"title": "Hi"}`);
    }
    const byId = new Map(declarations.map((declaration) => [declaration.id, declaration]));
    for (const [id, value] of Object.entries(values)) {
      const declaration = byId.get(id);
      if (!declaration) {
        const known = declarations.map((entry) => `"${entry.id}"`).join(", ") || "none";
        throw new VariableError(`unknown variable "${id}" ${where}: the composition declares ${known} in data-composition-variables`);
      }
      resolved[id] = checkValue(declaration, value, where);
    }
    return resolved;
  }

  function cssName(id) {
    return "--" + String(id).replace(/[^A-Za-z0-9_-]/g, "-");
  }

  /// Sets `--<id>` custom properties on `element` for string and number values.
  function applyCustomProperties(element, values) {
    for (const [id, value] of Object.entries(values)) {
      if ((typeof value === "string" && value !== "") || typeof value === "number") {
        element.style.setProperty(cssName(id), String(value));
      }
    }
  }

  /// Fills data-var-text and data-var-src bindings under `scope`, leaving nested composition
  /// hosts (which bind their own instance values) alone.
  function applyBindings(scope, values, where) {
    const owned = (element) => {
      const host = element.parentElement && element.parentElement.closest("[data-composition-id]");
      return !host || host === scope || !scope.contains(host);
    };
    for (const element of scope.querySelectorAll("[data-var-text], [data-var-src]")) {
      if (!owned(element)) continue;
      for (const [attribute, apply] of [
        ["data-var-text", (value) => (element.textContent = String(value))],
        ["data-var-src", (value) => element.setAttribute("src", String(value))],
      ]) {
        const id = element.getAttribute(attribute);
        if (id === null) continue;
        if (!(id in values)) {
          throw new VariableError(`${attribute}="${id}" ${where} names a variable that has no value; declare "${id}" with a default in data-composition-variables`);
        }
        apply(values[id]);
      }
    }
  }

  return { VariableError, parseDeclarations, resolveValues, checkValue, cssName, applyCustomProperties, applyBindings };
});
