// Unit tests for composition variables (runtime-js/variables.js).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { parseDeclarations, resolveValues, VariableError, cssName } = require("../variables.js");

const declarations = parseDeclarations(
  JSON.stringify([
    { id: "title", type: "string", default: "Hello" },
    { id: "count", type: "number", default: 3 },
    { id: "accent", type: "color", default: "#ff0000" },
    { id: "mode", type: "enum", options: ["light", { value: "dark" }], default: "light" },
    { id: "loud", type: "boolean", default: false },
  ]),
  "<html>"
);

test("defaults apply and overrides win", () => {
  assert.deepEqual(resolveValues(declarations, { title: "Hi", count: "7", mode: "dark" }, "given to --variables"), {
    title: "Hi",
    count: 7,
    accent: "#ff0000",
    mode: "dark",
    loud: false,
  });
});

test("an unknown variable is an error naming it and the declared ones", () => {
  assert.throws(() => resolveValues(declarations, { titel: "x" }, "given to --variables"), (error) => {
    assert.ok(error instanceof VariableError);
    assert.match(error.message, /unknown variable "titel" given to --variables: the composition declares "title", "count"/);
    return true;
  });
});

test("an ill-typed variable is an error naming it", () => {
  assert.throws(() => resolveValues(declarations, { count: "many" }, "here"), /variable "count" here must be a number, but it is "many"/);
  assert.throws(() => resolveValues(declarations, { title: 5 }, "here"), /variable "title" here must be a string/);
  assert.throws(() => resolveValues(declarations, { loud: "yes" }, "here"), /variable "loud" here must be true or false/);
  assert.throws(() => resolveValues(declarations, { mode: "blue" }, "here"), /variable "mode" here must be one of "light", "dark"/);
});

test("bad declarations are reported", () => {
  assert.throws(() => parseDeclarations("{not json", "<html>"), /<html> has data-composition-variables that is not valid JSON/);
  assert.throws(() => parseDeclarations('{"id": "x"}', "<html>"), /not a JSON array/);
  assert.deepEqual(parseDeclarations(null, "<html>"), []);
});

test("css custom property names", () => {
  assert.equal(cssName("accent"), "--accent");
  assert.equal(cssName("brand color"), "--brand-color");
});
