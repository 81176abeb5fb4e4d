//! Variable declarations (`data-composition-variables` on a file's `<html>` or a template's
//! root) and per-instance values (`data-variable-values` on a host), read as the runtime
//! (`runtime-js/variables.js`) reads them.

use std::collections::HashSet;

use framecast_composition::{CompositionError, SourceElement, SourceFile};
use serde_json::Value;

use super::Findings;
use crate::rules::INVALID_VARIABLES;

/// The types whose values are strings.
const TEXT_TYPES: &[&str] = &[
    "string", "text", "color", "image", "url", "font", "video", "audio",
];

pub(super) fn check(findings: &mut Findings<'_>) {
    let project = findings.project;
    for file in project.files() {
        for element in &file.elements {
            if let Some(raw) = element.attr("data-composition-variables") {
                declarations(findings, file, element, raw);
            }
            if let Some(raw) = element.attr("data-variable-values") {
                values(findings, file, element, raw);
            }
        }
    }
    // The renderer's own reading of the entry's declarations refuses the same inputs; its
    // message is reported if the checks above somehow passed them.
    if let Err(error @ CompositionError::BadVariableDeclarations { .. }) = &project.composition {
        let entry = &project.entry;
        let already = findings
            .found
            .iter()
            .any(|finding| finding.code == INVALID_VARIABLES.code);
        if !already {
            findings.add(&INVALID_VARIABLES, entry, 0, error.to_string());
        }
    }
}

fn declarations(
    findings: &mut Findings<'_>,
    file: &SourceFile,
    element: &SourceElement,
    raw: &str,
) {
    if raw.trim().is_empty() {
        return;
    }
    let mut bad = |message: String| {
        findings.add(&INVALID_VARIABLES, file, element.offset, message);
    };
    let parsed: Value = match serde_json::from_str(raw) {
        Ok(parsed) => parsed,
        Err(error) => {
            bad(format!(
                "{} has data-composition-variables that is not valid JSON ({error})",
                element.describe
            ));
            return;
        }
    };
    let Value::Array(entries) = parsed else {
        bad(format!(
            "{} has data-composition-variables that is not a JSON array",
            element.describe
        ));
        return;
    };
    let mut seen = HashSet::new();
    for (index, entry) in entries.iter().enumerate() {
        let Some(id) = entry.get("id").and_then(Value::as_str) else {
            bad(format!(
                "entry {index} of data-composition-variables has no string \"id\", so it is ignored"
            ));
            continue;
        };
        if !seen.insert(id) {
            bad(format!("variable \"{id}\" is declared twice"));
        }
        let kind = entry
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let Some(default) = entry.get("default") else {
            continue;
        };
        let expected = match kind.as_str() {
            "number" if !default.as_f64().is_some_and(f64::is_finite) => Some("a number"),
            "boolean" if !default.is_boolean() => Some("true or false"),
            kind if TEXT_TYPES.contains(&kind) && !default.is_string() => Some("a string"),
            _ => None,
        };
        if let Some(expected) = expected {
            bad(format!(
                "variable \"{id}\" is of type {kind}, so its default must be {expected}, but it is {default}"
            ));
        }
    }
}

fn values(findings: &mut Findings<'_>, file: &SourceFile, element: &SourceElement, raw: &str) {
    if raw.trim().is_empty() {
        return;
    }
    let message = match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(_)) => return,
        Ok(_) => format!(
            "{} has data-variable-values that is not a JSON object",
            element.describe
        ),
        Err(error) => format!(
            "{} has data-variable-values that is not valid JSON ({error})",
            element.describe
        ),
    };
    findings
        .add(&INVALID_VARIABLES, file, element.offset, message)
        .fix =
        "Give the instance's values as a JSON object: data-variable-values='{\"title\": \"Hi\"}'."
            .to_string();
}
