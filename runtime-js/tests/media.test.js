// Unit tests for the media runtime's volume sampling (runtime-js/media.js): an animated volume
// is sampled at every frame, a constant one is not sampled at all, and a media element's volume
// starts at its data-volume and never throws.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { clampVolume, holdVolume, volumeTweenTargets, frameTimes, sampleVolumes, paintsNoBackground } = require("../media.js");

function fakeElement(dataVolume) {
  return { getAttribute: (name) => (name === "data-volume" ? dataVolume : null) };
}

/// A page whose timeline fades `element` linearly from 1 to 0 between 1 s and 2 s.
function fadingPage(element) {
  const seeks = [];
  const seek = (t) => {
    seeks.push(t);
    element.volume = Math.min(1, Math.max(0, 2 - t));
  };
  return { seek, seeks };
}

test("a media element's volume starts at data-volume, is clamped and never throws", () => {
  const element = fakeElement("0.25");
  holdVolume(element);
  assert.equal(element.volume, 0.25);
  element.volume = 1.7;
  assert.equal(element.volume, 1);
  element.volume = -0.2;
  assert.equal(element.volume, 0);
  element.volume = "not a number";
  assert.equal(element.volume, 0);
  const plain = fakeElement(null);
  holdVolume(plain);
  assert.equal(plain.volume, 1);
  assert.equal(clampVolume("0.5"), 0.5);
  assert.equal(clampVolume(undefined), null);
});

test("frame times cover the whole duration, inclusive, within the limit", () => {
  assert.deepEqual(frameTimes(0.1, 30, 1000), [0, 1 / 30, 2 / 30, 3 / 30]);
  const long = frameTimes(100, 30, 1000);
  assert.ok(long.length <= 1001, `${long.length} samples`);
  assert.equal(long[long.length - 1], 100);
});

test("a tweened volume is sampled at every frame time", () => {
  const music = fakeElement("1");
  holdVolume(music);
  const steady = fakeElement("0.5");
  holdVolume(steady);
  const page = fadingPage(music);
  const sampled = sampleVolumes({
    elements: [music, steady, null],
    volumes: [1, 0.5, 1],
    seek: page.seek,
    duration: 3,
    fps: 10,
    tweened: new Set([music]),
  });
  assert.equal(sampled.times.length, 31);
  assert.equal(sampled.elements[1], null, "a constant volume needs no envelope");
  assert.equal(sampled.elements[2], null, "an element missing from the page is skipped");
  const at = (t) => sampled.elements[0][Math.round(t * 10)];
  assert.equal(at(0.5), 1);
  assert.ok(Math.abs(at(1.5) - 0.5) < 1e-9, `${at(1.5)}`);
  assert.equal(at(2.5), 0);
});

test("a volume changed without a tween is found by the probes", () => {
  const music = fakeElement("1");
  holdVolume(music);
  const page = fadingPage(music);
  const sampled = sampleVolumes({
    elements: [music],
    volumes: [1],
    seek: page.seek,
    duration: 3,
    fps: 10,
    tweened: new Set(),
  });
  assert.ok(sampled && sampled.elements[0].length === 31);
});

test("no animated volume means no sampling beyond a few probes", () => {
  const quiet = fakeElement("0.25");
  holdVolume(quiet);
  const seeks = [];
  const sampled = sampleVolumes({
    elements: [quiet],
    volumes: [0.25],
    seek: (t) => seeks.push(t),
    duration: 60,
    fps: 30,
    tweened: new Set(),
  });
  assert.equal(sampled, null);
  assert.ok(seeks.length < 20, `${seeks.length} seeks`);
});

test("tweens of volume are found in nested timelines and keyframes", () => {
  const music = {};
  const voice = {};
  const box = {};
  const tween = (targets, vars) => ({ vars, targets: () => targets });
  const timeline = {
    getChildren: () => [
      tween([music], { volume: 0, duration: 1 }),
      tween([box], { x: 10 }),
      tween([voice], { keyframes: [{ x: 1 }, { volume: 0.2 }] }),
    ],
  };
  const targets = volumeTweenTargets([timeline, null, {}]);
  assert.deepEqual([...targets], [music, voice]);
});

test("a background is transparent only with a clear colour and no image", () => {
  const style = (backgroundColor, backgroundImage = "none") => ({ backgroundColor, backgroundImage });
  assert.equal(paintsNoBackground(style("rgba(0, 0, 0, 0)")), true);
  assert.equal(paintsNoBackground(style("transparent")), true);
  assert.equal(paintsNoBackground(style("rgb(0 0 0 / 0%)")), true);
  assert.equal(paintsNoBackground(style("rgb(32, 48, 64)")), false);
  assert.equal(paintsNoBackground(style("rgba(255, 0, 0, 0.5)")), false);
  assert.equal(paintsNoBackground(style("rgba(0, 0, 0, 0)", "linear-gradient(red, blue)")), false);
  assert.equal(paintsNoBackground(style("color(srgb 1 0 0)")), false);
});
