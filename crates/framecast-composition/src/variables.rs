//! A composition's variables: the declarations on its `<html>` (`data-composition-variables`,
//! a JSON array of `{id, type, default, options}`), and the values the user passes for them
//! (`--variables`, `--variables-file`, or a regression fixture's `renderConfig.variables`): one
//! JSON object, read once here so that every caller refuses the same inputs with the same
//! message. Checking values against the declarations is the page's job
//! (`runtime-js/variables.js`), which also resolves sub-compositions' own declarations.

use std::path::Path;

use serde_json::{Map, Value};

use crate::CompositionError;

/// One declared variable, as `data-composition-variables` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct VariableDeclaration {
    pub id: String,
    /// `type` as written: `string`, `number`, `boolean`, `color`, `image`, …; `None` when absent
    /// or not a string.
    pub kind: Option<String>,
    /// `default`, when declared.
    pub default: Option<Value>,
    /// `options`: the values allowed, when the declaration restricts them.
    pub options: Vec<Value>,
}

/// Reads `data-composition-variables` (`raw`, from the `<html>` of `path`). Entries that are not
/// objects with a string `id` are skipped, as the runtime skips them.
pub(crate) fn parse_declarations(
    raw: Option<&str>,
    path: &Path,
) -> Result<Vec<VariableDeclaration>, CompositionError> {
    let Some(raw) = raw.filter(|raw| !raw.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    let bad = |reason: String| CompositionError::BadVariableDeclarations {
        path: path.to_path_buf(),
        reason,
    };
    let value: Value =
        serde_json::from_str(raw).map_err(|error| bad(format!("is not valid JSON ({error})")))?;
    let Value::Array(entries) = value else {
        return Err(bad(format!("is a JSON {}, not an array", kind(&value))));
    };
    Ok(entries
        .into_iter()
        .filter_map(|entry| {
            let Value::Object(mut entry) = entry else {
                return None;
            };
            let Some(Value::String(id)) = entry.remove("id") else {
                return None;
            };
            Some(VariableDeclaration {
                id,
                kind: match entry.remove("type") {
                    Some(Value::String(kind)) => Some(kind),
                    _ => None,
                },
                default: entry.remove("default"),
                options: match entry.remove("options") {
                    Some(Value::Array(options)) => options,
                    _ => Vec::new(),
                },
            })
        })
        .collect())
}

/// Parses `text` as a JSON object of variable values. `source` says where the text came from
/// (`--variables`, `--variables-file vars.json`) and starts every error message.
pub fn parse_variable_values(
    text: &str,
    source: &str,
) -> Result<Map<String, Value>, CompositionError> {
    // serde_json stops at 128 levels of nesting with an error, so a deeply nested value cannot
    // overflow the stack here.
    let value: Value =
        serde_json::from_str(text).map_err(|error| CompositionError::VariablesNotJson {
            input: source.to_string(),
            error,
        })?;
    match value {
        Value::Object(values) => Ok(values),
        other => Err(CompositionError::VariablesNotObject {
            input: source.to_string(),
            found: kind(&other),
        }),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_gives_its_values() {
        let values =
            parse_variable_values(r#"{"title":"Hello","count":3,"on":true}"#, "--variables")
                .unwrap();
        assert_eq!(values["title"], "Hello");
        assert_eq!(values["count"], 3);
        assert_eq!(values["on"], true);
        assert!(
            parse_variable_values(" {} ", "--variables")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn other_json_is_refused_naming_the_source_and_the_kind() {
        for (text, kind) in [
            ("[1]", "array"),
            ("\"title\"", "string"),
            ("3", "number"),
            ("null", "null"),
            ("true", "boolean"),
        ] {
            let error = parse_variable_values(text, "--variables-file vars.json").unwrap_err();
            let message = error.to_string();
            assert!(
                message.starts_with("--variables-file vars.json is a JSON"),
                "{message}"
            );
            assert!(message.contains(kind), "{message}");
            assert!(message.contains("{\"title\": \"Hello\"}"), "{message}");
        }
    }

    #[test]
    fn invalid_json_is_refused_naming_the_source() {
        for text in [
            "",
            "{",
            "{\"a\":}",
            "{} trailing",
            "{'a': 1}",
            "{\"n\": 1e400}",
        ] {
            let error = parse_variable_values(text, "--variables").unwrap_err();
            assert!(
                matches!(error, CompositionError::VariablesNotJson { .. }),
                "{text}: {error}"
            );
            let message = error.to_string();
            assert!(
                message.starts_with("--variables is not valid JSON ("),
                "{message}"
            );
        }
    }

    #[test]
    fn declarations_are_read_and_malformed_entries_skipped() {
        let path = Path::new("index.html");
        let declarations = parse_declarations(
            Some(
                r#"[{"id":"title","type":"string","default":"Hi"},
                     {"id":"size","type":"number","options":[1,2]}, 3, {"type":"x"}, {"id":7}]"#,
            ),
            path,
        )
        .unwrap();
        assert_eq!(declarations.len(), 2);
        assert_eq!(declarations[0].id, "title");
        assert_eq!(declarations[0].kind.as_deref(), Some("string"));
        assert_eq!(declarations[0].default, Some(Value::from("Hi")));
        assert_eq!(declarations[1].options, [Value::from(1), Value::from(2)]);
        assert_eq!(declarations[1].default, None);
        for raw in [None, Some(""), Some("  ")] {
            assert!(parse_declarations(raw, path).unwrap().is_empty());
        }
    }

    #[test]
    fn declarations_that_are_not_a_json_array_are_refused_naming_the_file() {
        for (raw, expected) in [
            ("{\"id\":\"a\"}", "is a JSON object, not an array"),
            ("[{", "is not valid JSON"),
        ] {
            let error = parse_declarations(Some(raw), Path::new("scene/index.html")).unwrap_err();
            let message = error.to_string();
            assert!(message.starts_with("scene/index.html: <html>"), "{message}");
            assert!(message.contains(expected), "{message}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        let error = parse_variable_values(&text, "--variables").unwrap_err();
        assert!(error.to_string().contains("recursion limit"), "{error}");
    }
}
