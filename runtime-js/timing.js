// framecast timing: resolves data-start / data-duration into absolute windows and decides, for a
// time t, which timed elements are visible and what local time every composition is at. Pure
// functions over a plain tree (no DOM), so node's test runner checks them directly; the page
// runtime builds the tree from the DOM.
//
// A tree node is { label, id, start, duration, end, composition, playbackStart, playbackRate,
// intrinsicDuration, children }, with start/duration/end the raw attribute strings (or null).
// `composition` marks a composition root or host: its children's times are local to it.
(function (factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof window !== "undefined") {
    window.__framecastInternals = window.__framecastInternals || {};
    window.__framecastInternals.timing = api;
  }
})(function () {
  "use strict";

  class TimingError extends Error {}

  const REFERENCE = /^([A-Za-z_][\w.:-]*?)\s*(?:([+-])\s*(\d+(?:\.\d+)?|\.\d+))?$/;

  /// Parses a data-start value: a number of seconds, or a reference to another clip's end
  /// (`intro`, `intro + 0.5`, `intro - 0.25`). Returns null for an absent value.
  function parseStart(raw, label) {
    if (raw === null || raw === undefined) return null;
    const text = String(raw).trim();
    if (text === "") return null;
    const seconds = Number(text);
    if (Number.isFinite(seconds)) {
      if (seconds < 0) throw new TimingError(`${label} has data-start="${raw}": a start cannot be negative`);
      return { kind: "absolute", value: seconds };
    }
    const match = REFERENCE.exec(text);
    if (!match) {
      throw new TimingError(
        `${label} has data-start="${raw}", which is neither seconds nor a clip reference such as "intro", "intro + 0.5" or "intro - 0.25"`
      );
    }
    const amount = match[3] ? Number(match[3]) : 0;
    return { kind: "reference", id: match[1], offset: match[2] === "-" ? -amount : amount };
  }

  function parseSeconds(raw, label, attribute) {
    if (raw === null || raw === undefined || String(raw).trim() === "") return null;
    const value = Number(String(raw).trim());
    if (!Number.isFinite(value) || value < 0) {
      throw new TimingError(`${label} has ${attribute}="${raw}", which is not a number of seconds`);
    }
    return value;
  }

  /// Parses a data-duration value. As in HyperFrames (startResolver.ts), zero or a negative
  /// number means no duration of its own: the element lasts to its composition's end.
  function parseDuration(raw, label) {
    if (raw === null || raw === undefined || String(raw).trim() === "") return null;
    const value = Number(String(raw).trim());
    if (!Number.isFinite(value)) {
      throw new TimingError(`${label} has data-duration="${raw}", which is not a number of seconds`);
    }
    return value > 0 ? value : null;
  }

  /// Resolves every node's window in its composition's local time. Returns a resolved tree:
  /// { node, start, end, timed, composition, duration (compositions), children }.
  /// Throws TimingError naming the element for unknown references and cycles.
  function resolve(root) {
    return resolveScope(root);
  }

  // One composition scope: its own clips resolve against each other, nested compositions
  // resolve on their own and report a duration for their host.
  function resolveScope(scopeNode) {
    const members = [];
    const collect = (node) => {
      for (const child of node.children || []) {
        members.push(child);
        if (!child.composition) collect(child);
      }
    };
    collect(scopeNode);

    const byId = new Map();
    for (const member of members) if (member.id && !byId.has(member.id)) byId.set(member.id, member);

    const nested = new Map();
    const resolvedChild = (node) => {
      if (!nested.has(node)) nested.set(node, resolveScope(node));
      return nested.get(node);
    };

    const windows = new Map();
    const visiting = [];
    const windowOf = (node) => {
      if (windows.has(node)) return windows.get(node);
      if (visiting.includes(node)) {
        const cycle = visiting.slice(visiting.indexOf(node)).concat(node).map((entry) => entry.label);
        throw new TimingError(`data-start references form a cycle: ${cycle.join(" → ")}; start one of them at a number of seconds`);
      }
      visiting.push(node);
      try {
        const expression = parseStart(node.start, node.label);
        let start = 0;
        if (expression && expression.kind === "absolute") start = expression.value;
        if (expression && expression.kind === "reference") {
          const target = byId.get(expression.id);
          if (!target || target === node) {
            throw new TimingError(
              `${node.label} has data-start="${node.start}", but there is no clip with id "${expression.id}" in the same composition`
            );
          }
          const targetWindow = windowOf(target);
          const anchor = Number.isFinite(targetWindow.end) ? targetWindow.end : targetWindow.start;
          start = Math.max(0, anchor + expression.offset);
        }
        let duration = parseDuration(node.duration, node.label);
        if (duration === null) {
          const end = parseSeconds(node.end, node.label, "data-end");
          if (end !== null) duration = Math.max(0, end - start);
        }
        if (duration === null && node.composition) {
          const child = resolvedChild(node);
          if (child.duration !== null) {
            duration = Math.max(0, child.duration - child.playbackStart) / child.playbackRate;
          }
        }
        if (duration === null && Number.isFinite(node.intrinsicDuration)) duration = node.intrinsicDuration;
        const window = {
          // Only data-start makes an element a clip that shows and hides (HyperFrames toggles
          // `[data-start]` elements only); a data-duration alone sets its length, not its
          // visibility.
          timed: expression !== null,
          start,
          end: duration === null ? Infinity : start + duration,
        };
        windows.set(node, window);
        return window;
      } finally {
        visiting.pop();
      }
    };

    const build = (node) => {
      const window = windowOf(node);
      const resolved = { node, timed: window.timed, start: window.start, end: window.end, composition: null, children: [] };
      if (node.composition) resolved.composition = resolvedChild(node);
      else resolved.children = (node.children || []).map(build);
      return resolved;
    };
    const children = (scopeNode.children || []).map(build);

    let duration = parseDuration(scopeNode.ownDuration, scopeNode.label);
    if (duration === null && Number.isFinite(scopeNode.timelineDuration) && scopeNode.timelineDuration > 0) {
      duration = scopeNode.timelineDuration;
    }
    if (duration === null) {
      let latest = 0;
      for (const member of members) {
        const end = windowOf(member).end;
        if (Number.isFinite(end)) latest = Math.max(latest, end);
      }
      duration = latest > 0 ? latest : null;
    }
    const playbackStart = parseSeconds(scopeNode.playbackStart, scopeNode.label, "data-playback-start") || 0;
    const rate = scopeNode.playbackRate === null || scopeNode.playbackRate === undefined ? 1 : Number(scopeNode.playbackRate);
    if (!Number.isFinite(rate) || rate <= 0) {
      throw new TimingError(`${scopeNode.label} has data-playback-rate="${scopeNode.playbackRate}"; use a positive number`);
    }
    return { node: scopeNode, duration, playbackStart, playbackRate: rate, children };
  }

  /// The local time of a child composition whose host starts at `hostStart` (in the parent's
  /// time) when the parent is at `parentTime`: playbackStart + max(0, t - hostStart) * rate,
  /// clamped to the child's duration.
  function childLocalTime(parentTime, hostStart, scope) {
    let local = scope.playbackStart + Math.max(0, parentTime - hostStart) * scope.playbackRate;
    if (scope.duration !== null) local = Math.min(local, scope.duration);
    return local;
  }

  /// For time t: calls visit(node, visible) for every timed node (untimed nodes are not
  /// reported) and scope(node, localTime) for every composition, root included. A node inside
  /// a hidden timed ancestor is reported hidden.
  function evaluate(resolvedRoot, t, visit, scope) {
    const walkScope = (resolvedScope, localTime, ancestorsVisible) => {
      scope(resolvedScope.node, localTime, ancestorsVisible);
      for (const child of resolvedScope.children) walk(child, localTime, ancestorsVisible);
    };
    const walk = (resolved, localTime, ancestorsVisible) => {
      let visible = ancestorsVisible;
      if (resolved.timed) {
        visible = ancestorsVisible && resolved.start <= localTime && localTime < resolved.end;
        visit(resolved.node, visible);
      }
      if (resolved.composition) {
        walkScope(resolved.composition, childLocalTime(localTime, resolved.start, resolved.composition), visible);
      } else {
        for (const child of resolved.children) walk(child, localTime, visible);
      }
    };
    walkScope(resolvedRoot, t, true);
  }

  return { TimingError, parseStart, resolve, evaluate, childLocalTime };
});
