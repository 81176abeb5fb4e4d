// Unit tests for virtual time (runtime-js/virtual-time.js): timers and animation frames run in
// time order on a fixed frame grid, whatever the seek pattern, and random streams are seeded.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { createClock, seededGenerator } = require("../virtual-time.js");

function recorder(clock) {
  const log = [];
  clock.setTimeout(() => log.push(`timeout ${clock.now()}`), 0);
  clock.setTimeout(() => log.push(`timeout ${clock.now()}`), 50);
  const loop = (time) => {
    log.push(`frame ${Math.round(time)}`);
    if (time < 120) clock.requestAnimationFrame(loop);
  };
  clock.requestAnimationFrame(loop);
  return log;
}

test("timers and frames run in time order on the frame grid", () => {
  const clock = createClock();
  clock.setFrameRate(30);
  const log = recorder(clock);
  clock.advanceTo(0);
  assert.deepEqual(log, ["timeout 0", "frame 0"]);
  clock.advanceTo(70);
  assert.deepEqual(log, ["timeout 0", "frame 0", "frame 33", "timeout 50", "frame 67"]);
  assert.equal(clock.now(), 70);
});

test("one jump and many small seeks reach the same state", () => {
  const stepped = createClock();
  const jumped = createClock();
  const a = recorder(stepped);
  const b = recorder(jumped);
  for (let frame = 0; frame <= 6; frame += 1) stepped.advanceTo((frame * 1000) / 30);
  jumped.advanceTo(0);
  jumped.advanceTo(200);
  assert.deepEqual(a, b);
});

test("intervals repeat and clear", () => {
  const clock = createClock();
  let count = 0;
  const id = clock.setInterval(() => {
    count += 1;
    if (count === 3) clock.clearTimer(id);
  }, 10);
  clock.advanceTo(1000);
  assert.equal(count, 3);
});

test("callback errors are collected, not thrown into the seek", () => {
  const clock = createClock();
  clock.setTimeout(() => {
    throw new Error("boom");
  }, 0);
  clock.advanceTo(10);
  assert.deepEqual(clock.takeErrors().map((error) => error.message), ["boom"]);
});

test("seeded generators repeat and differ by seed", () => {
  const first = seededGenerator(1157);
  const again = seededGenerator(1157);
  const other = seededGenerator(1158);
  const a = [first(), first(), first()];
  assert.deepEqual(a, [again(), again(), again()]);
  assert.notDeepEqual(a, [other(), other(), other()]);
});
