// Unit tests for HyperFrames' base layout (runtime-js/layout.js), on plain objects standing in
// for elements: only `style` and `getAttribute` are used.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { pixels, normalizeDocument, sizeRoot, sizeHost, fillHost } = require("../layout.js");

function element(attributes = {}, style = {}) {
  const properties = {};
  return {
    properties,
    style: Object.assign({ setProperty: (name, value) => (properties[name] = value) }, style),
    getAttribute: (name) => (name in attributes ? attributes[name] : null),
  };
}

test("sizes are positive numbers of pixels, or nothing", () => {
  assert.equal(pixels("320"), "320px");
  assert.equal(pixels(" 12.5 "), "12.5px");
  for (const value of [null, undefined, "", "  ", "0", "-4", "wide"]) assert.equal(pixels(value), null, String(value));
});

test("html and body lose their margin and padding and clip", () => {
  const html = element();
  const body = element({}, { margin: "8px" });
  normalizeDocument(html, body);
  for (const part of [html, body]) {
    assert.equal(part.style.margin, "0");
    assert.equal(part.style.padding, "0");
    assert.equal(part.style.overflow, "hidden");
  }
  normalizeDocument(html, null);
});

test("the root takes its declared size and becomes a clipped containing block", () => {
  const root = element({ "data-width": "320", "data-height": "180" });
  sizeRoot(root);
  assert.equal(root.style.width, "320px");
  assert.equal(root.style.height, "180px");
  assert.deepEqual(root.properties, { "--comp-width": "320px", "--comp-height": "180px" });
  assert.equal(root.style.position, "relative");
  assert.equal(root.style.overflow, "hidden");
});

test("a root positioned by its inline style keeps it", () => {
  const root = element({}, { position: "absolute", width: "100px" });
  sizeRoot(root);
  assert.equal(root.style.position, "absolute");
  assert.equal(root.style.width, "100px");
});

test("a host with both dimensions is sized, keeping a dimension its inline style sets", () => {
  const host = element({ "data-width": "130", "data-height": "100" }, { width: "50%", height: "" });
  sizeHost(host);
  assert.equal(host.style.width, "50%");
  assert.equal(host.style.height, "100px");
  const half = element({ "data-width": "130" }, { width: "", height: "" });
  sizeHost(half);
  assert.equal(half.style.width, "");
});

test("a file's root fills its host unless it declares a size", () => {
  const plain = element({}, { width: "10px", height: "" });
  fillHost(plain);
  assert.equal(plain.style.width, "100%");
  assert.equal(plain.style.height, "100%");
  const sized = element({ "data-width": "320", "data-height": "40" });
  fillHost(sized);
  assert.equal(sized.style.width, "320px");
  assert.equal(sized.style.height, "40px");
});
