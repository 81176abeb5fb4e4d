//! Values for a composition's declared variables, as the user passes them (`--variables`,
//! `--variables-file`, or a regression fixture's `renderConfig.variables`): one JSON object,
//! read once here so that every caller refuses the same inputs with the same message.

use serde_json::{Map, Value};

use crate::CompositionError;

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
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        let error = parse_variable_values(&text, "--variables").unwrap_err();
        assert!(error.to_string().contains("recursion limit"), "{error}");
    }
}
