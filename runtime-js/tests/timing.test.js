// Unit tests for the timing resolver and the visibility rules (runtime-js/timing.js).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { parseStart, resolve, evaluate, TimingError } = require("../timing.js");

function clip(id, start, duration, children = []) {
  return { label: `#${id}`, id, start, duration, end: null, composition: false, children };
}

function composition(id, attributes, children) {
  return Object.assign(
    { label: `#${id}`, id, compositionId: id, start: null, duration: null, end: null, composition: true, children },
    attributes
  );
}

function root(children, ownDuration = "10") {
  return composition("root", { ownDuration }, children);
}

/// The visible ids and the composition times at t.
function at(resolved, t) {
  const visible = [];
  const times = {};
  evaluate(resolved, t, (node, shown) => shown && visible.push(node.id), (node, local) => (times[node.id] = local));
  return { visible, times };
}

test("parses seconds and clip references", () => {
  assert.deepEqual(parseStart("1.5", "#a"), { kind: "absolute", value: 1.5 });
  assert.deepEqual(parseStart("intro", "#a"), { kind: "reference", id: "intro", offset: 0 });
  assert.deepEqual(parseStart("intro + 0.5", "#a"), { kind: "reference", id: "intro", offset: 0.5 });
  assert.deepEqual(parseStart("intro-0.25", "#a"), { kind: "reference", id: "intro", offset: -0.25 });
  assert.equal(parseStart(null, "#a"), null);
  assert.equal(parseStart("  ", "#a"), null);
  assert.throws(() => parseStart("-1", "#a"), TimingError);
  assert.throws(() => parseStart("intro * 2", "#a"), /#a has data-start="intro \* 2"/);
});

test("a clip is visible from its start up to, not including, its end", () => {
  const resolved = resolve(root([clip("a", "1", "2")]));
  assert.deepEqual(at(resolved, 0.999).visible, []);
  assert.deepEqual(at(resolved, 1).visible, ["a"]);
  assert.deepEqual(at(resolved, 2.999).visible, ["a"]);
  assert.deepEqual(at(resolved, 3).visible, []);
});

test("a relative start follows the referenced clip's end, with an offset", () => {
  const resolved = resolve(root([clip("intro", "0.5", "1"), clip("next", "intro + 0.5", "1"), clip("overlap", "intro - 0.25", "1")]));
  const windows = Object.fromEntries(resolved.children.map((entry) => [entry.node.id, [entry.start, entry.end]]));
  assert.deepEqual(windows.next, [2, 3]);
  assert.deepEqual(windows.overlap, [1.25, 2.25]);
});

test("references resolve in any document order", () => {
  const resolved = resolve(root([clip("c", "b", "1"), clip("b", "a", "1"), clip("a", "0", "1")]));
  assert.deepEqual(resolved.children.map((entry) => entry.start), [2, 1, 0]);
});

test("a reference cycle is an error naming the elements", () => {
  assert.throws(() => resolve(root([clip("a", "b", "1"), clip("b", "a + 1", "1")])), (error) => {
    assert.ok(error instanceof TimingError);
    assert.match(error.message, /cycle: #a → #b → #a/);
    return true;
  });
  assert.throws(() => resolve(root([clip("self", "self", "1")])), /#self.*no clip with id "self"/);
});

test("an unknown reference is an error naming the element and the id", () => {
  assert.throws(() => resolve(root([clip("a", "missing + 1", "1")])), /#a has data-start="missing \+ 1", but there is no clip with id "missing"/);
});

test("references stay inside their composition", () => {
  const child = composition("child", { start: "0", duration: "5" }, [clip("inner", "outer", "1")]);
  assert.throws(() => resolve(root([clip("outer", "0", "1"), child])), /no clip with id "outer" in the same composition/);
});

test("a clip inside a hidden timed ancestor is hidden", () => {
  const resolved = resolve(root([clip("parent", "1", "1", [clip("child", "0", "5")])]));
  assert.deepEqual(at(resolved, 0.5).visible, []);
  assert.deepEqual(at(resolved, 1.5).visible, ["parent", "child"]);
  assert.deepEqual(at(resolved, 2.5).visible, []);
});

test("data-track-index plays no part in visibility", () => {
  const a = Object.assign(clip("a", "0", "1"), { trackIndex: "1" });
  const b = Object.assign(clip("b", "0", "1"), { trackIndex: "1" });
  assert.deepEqual(at(resolve(root([a, b])), 0.5).visible, ["a", "b"]);
});

test("a child composition runs at playbackStart + (t - hostStart) * rate, clamped", () => {
  const child = composition("child", { start: "2", duration: "3", playbackStart: "1", playbackRate: "2", ownDuration: "4" }, [clip("x", "0", "10")]);
  const resolved = resolve(root([child]));
  assert.equal(at(resolved, 0).times.child, 1);
  assert.equal(at(resolved, 2.5).times.child, 2);
  assert.equal(at(resolved, 4.9).times.child, 4);
  assert.deepEqual(at(resolved, 1).visible, []);
  assert.deepEqual(at(resolved, 2).visible, ["child", "x"]);
  assert.deepEqual(at(resolved, 5).visible, []);
});

test("a host without data-duration lasts as long as its composition", () => {
  const child = composition("child", { start: "1", ownDuration: "2" }, []);
  const resolved = resolve(root([child]));
  assert.deepEqual([resolved.children[0].start, resolved.children[0].end], [1, 3]);
});

test("three levels of compositions nest their times", () => {
  const level3 = composition("c3", { start: "0.5", duration: "1" }, [clip("leaf", "0.25", "0.5")]);
  const level2 = composition("c2", { start: "1", duration: "2" }, [level3]);
  const level1 = composition("c1", { start: "0.5", duration: "3" }, [level2]);
  const resolved = resolve(root([level1]));
  const first = [];
  for (let frame = 0; frame < 120; frame += 1) {
    if (at(resolved, frame / 30).visible.includes("leaf")) first.push(frame);
  }
  // leaf: 0.5 + 1 + 0.5 + 0.25 = 2.25 s to 2.75 s.
  assert.equal(first[0], 68);
  assert.equal(first[first.length - 1], 82);
  assert.ok(Math.abs(at(resolved, 2.3).times.c3 - 0.3) < 1e-9);
});

test("the root takes its duration from data-duration, else its timeline, else its clips", () => {
  assert.equal(resolve(root([clip("a", "0", "2")], "5")).duration, 5);
  assert.equal(resolve(Object.assign(root([clip("a", "0", "2")], null), { timelineDuration: 7 })).duration, 7);
  assert.equal(resolve(root([clip("a", "1", "2"), clip("b", "a", "0.5")], null)).duration, 3.5);
  assert.equal(resolve(root([], null)).duration, null);
});

test("media without data-duration lasts as long as its file", () => {
  const video = Object.assign(clip("v", "1", null), { intrinsicDuration: 4 });
  const resolved = resolve(root([video], null));
  assert.equal(resolved.duration, 5);
});

test("data-end is an alternative to data-duration", () => {
  const node = Object.assign(clip("a", "1", null), { end: "3" });
  const resolved = resolve(root([node]));
  assert.deepEqual([resolved.children[0].start, resolved.children[0].end], [1, 3]);
});
