//! `parse_variable_values` over any text and over serialized JSON of every shape.

use framecast_composition::{CompositionError, parse_variable_values};
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::html;

const SOURCE: &str = "--variables-file vars.json";

/// Any JSON value, with numbers that survive a round trip exactly (serde_json parses decimals
/// to within an ulp unless its float_roundtrip feature is on).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1_000_000i32..1_000_000).prop_map(|n| Value::from(f64::from(n) / 4.0)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn check(text: &str) {
    let expected = serde_json::from_str::<Value>(text);
    match parse_variable_values(text, SOURCE) {
        Ok(values) => assert_eq!(expected.ok(), Some(Value::Object(values))),
        Err(error) => {
            match &error {
                CompositionError::VariablesNotJson { .. } => assert!(expected.is_err()),
                CompositionError::VariablesNotObject { .. } => {
                    assert!(expected.is_ok_and(|value| !value.is_object()))
                }
                other => panic!("unexpected error {other:?}"),
            }
            assert!(error.to_string().starts_with(SOURCE), "{error}");
        }
    }
}

proptest! {
    #![proptest_config(crate::config(2048))]

    #[test]
    fn any_text_gives_an_object_or_an_error(text in html::any_text()) {
        check(&text);
    }

    #[test]
    fn serialized_values_round_trip_when_they_are_objects(value in json_value(), pretty: bool) {
        let text = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        }
        .expect("a JSON value should serialize");
        match parse_variable_values(&text, SOURCE) {
            Ok(values) => prop_assert_eq!(Value::Object(values), value),
            Err(error) => {
                prop_assert!(!value.is_object(), "{}", error);
                let is_not_object = matches!(error, CompositionError::VariablesNotObject { .. });
                prop_assert!(is_not_object, "{}", error);
            }
        }
    }

    #[test]
    fn cut_or_spliced_json_gives_an_object_or_an_error(
        value in json_value(),
        cut in any::<prop::sample::Index>(),
        splice in prop::sample::select(&["", "}", "{", "]", ",", "\"", "\\", ":", "1e400", "-", "\u{0}"][..]),
    ) {
        let text = serde_json::to_string(&value).expect("a JSON value should serialize");
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        check(&format!("{}{splice}{}", &text[..at], &text[at..]));
        check(&text[..at]);
    }
}
