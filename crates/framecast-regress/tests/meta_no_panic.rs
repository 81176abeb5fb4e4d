//! Issue 14, "no panic on any input": `FixtureMeta::parse` over any text, any JSON, and near-valid
//! `meta.json` objects whose fields have the wrong type or an edge value. Each input gives an
//! error that names the file, or a meta whose fields keep their documented ranges.
//!
//! Case counts are fixed so the run stays short under `cargo nextest`; `PROPTEST_CASES=20000`
//! runs a longer fuzz by hand. Failures are not persisted into the source tree.

use std::path::Path;

use framecast_composition::Fps;
use framecast_regress::{FixtureMeta, RegressError};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;

const PATH: &str = "fixtures/fuzz/meta.json";

/// The fields `FixtureMeta::parse` reads, by their place in the file.
const TOP_FIELDS: &[&str] = &[
    "name",
    "description",
    "tags",
    "minPsnr",
    "maxFrameFailures",
    "minAudioCorrelation",
    "maxAudioLagWindows",
];
const RENDER_FIELDS: &[&str] = &["fps", "format", "workers", "quality", "variables", "hdr"];

fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A field's value as JSON text, so that number tokens serde_json refuses or reads lossily
/// (`1e400`, `18446744073709551616`, `-0`) are written as a user would write them.
fn field_value() -> impl Strategy<Value = String> {
    let edge = prop::sample::select(
        &[
            "null",
            "true",
            "false",
            "0",
            "-0",
            "-0.0",
            "1",
            "-1",
            "0.5",
            "1.0",
            "1e2",
            "1E-2",
            "30",
            "256",
            "257",
            "1000",
            "1001",
            "1e6",
            "1000001",
            "1e9",
            "1000000001",
            "4294967295",
            "4294967296",
            "9007199254740993",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "1e308",
            "1.7976931348623157e308",
            "1e400",
            "-1e400",
            "5e-324",
            "\"\"",
            "\"NaN\"",
            "\"Infinity\"",
            "\"30\"",
            "\"30000/1001\"",
            "\"30000/0\"",
            "\"0/0\"",
            "\"4000000000/1\"",
            "\"29.97\"",
            "\"mp4\"",
            "\"standard\"",
            "[]",
            "[\"a\", 1]",
            "[\"gsap\"]",
            "{}",
            "{\"title\": \"Hello\"}",
            "{\"fps\": 30}",
        ][..],
    )
    .prop_map(str::to_string);
    prop_oneof![
        4 => edge,
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_filter_map("JSON has no NaN or infinity", |n| {
            n.is_finite().then(|| format!("{n:e}"))
        }),
        1 => any::<String>().prop_map(|text| Value::String(text).to_string()),
        1 => prop::collection::vec(any::<String>(), 0..4)
            .prop_map(|tags| Value::from(tags).to_string()),
    ]
}

/// Edge numbers as JSON tokens, including ones serde_json refuses or rounds.
fn number_token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(
            &[
                "0", "-0", "-0.0", "1", "-1", "0.5", "1.0", "1e2", "30", "256", "257", "1000",
                "1001", "1e6", "1000001", "1e9", "1000000001", "4294967296",
                "18446744073709551616", "1e308", "1e400", "5e-324",
            ][..]
        )
        .prop_map(str::to_string),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => (0.0f64..=1.0).prop_map(|n| n.to_string()),
    ]
}

/// A value of the type `field` expects, with an edge value, most of the time; any value
/// otherwise. Values of the right type reach the range and format checks behind the type check.
fn value_for(field: &str) -> BoxedStrategy<String> {
    let typed: BoxedStrategy<String> = match field {
        "name" | "description" | "format" | "quality" => prop_oneof![
            Just("\"mp4\"".to_string()),
            any::<String>().prop_map(|text| Value::String(text).to_string()),
        ]
        .boxed(),
        "tags" => prop::collection::vec(any::<String>(), 0..4)
            .prop_map(|tags| Value::from(tags).to_string())
            .boxed(),
        "hdr" => any::<bool>().prop_map(|flag| flag.to_string()).boxed(),
        "variables" => Just("{\"title\": \"Hello\", \"n\": 1e2}".to_string()).boxed(),
        "fps" => prop_oneof![
            number_token(),
            prop::sample::select(
                &[
                    "\"30000/1001\"",
                    "\"30000/0\"",
                    "\"0/0\"",
                    "\"4000000000/1\"",
                    "\"29.97\"",
                    "\"NaN\"",
                    "\"1e400\""
                ][..]
            )
            .prop_map(str::to_string),
            (any::<u32>(), any::<u32>()).prop_map(|(num, den)| format!("\"{num}/{den}\"")),
        ]
        .boxed(),
        _ => number_token().boxed(),
    };
    prop_oneof![3 => typed, 1 => field_value()].boxed()
}

/// Fields drawn from `names` (plus unknown ones), each with a value for it, written as an
/// object.
fn object_of(names: &'static [&'static str]) -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        8 => prop::sample::select(names).prop_map(str::to_string),
        1 => Just("chunkSize".to_string()),
        1 => any::<String>(),
    ];
    let field = name.prop_flat_map(|name| (Just(name.clone()), value_for(&name)));
    prop::collection::vec(field, 0..8)
}

fn write_object(fields: &[(String, String)]) -> String {
    let entries: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("{}: {value}", Value::String(name.clone())))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// A near-valid `meta.json`: known fields with edge values, and a `renderConfig` that is an
/// object of its own edge fields or a value of the wrong type.
fn near_valid_meta() -> impl Strategy<Value = String> {
    let render = prop_oneof![
        4 => object_of(RENDER_FIELDS).prop_map(|fields| Some(write_object(&fields))),
        1 => field_value().prop_map(Some),
        1 => Just(None),
    ];
    (object_of(TOP_FIELDS), render).prop_map(|(mut fields, render)| {
        if let Some(render) = render {
            fields.push(("renderConfig".to_string(), render));
        }
        write_object(&fields)
    })
}

/// Any JSON value, as text.
fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(4, 48, 6, |inner| {
        let name = prop_oneof![
            prop::sample::select(TOP_FIELDS).prop_map(str::to_string),
            prop::sample::select(RENDER_FIELDS).prop_map(str::to_string),
            Just("renderConfig".to_string()),
            any::<String>(),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((name, inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    });
    value.prop_map(|value| value.to_string())
}

fn check(text: &str) {
    let path = Path::new(PATH);
    match FixtureMeta::parse(text, path) {
        Ok(meta) => {
            assert!(
                meta.min_psnr.is_finite() && meta.min_psnr >= 0.0,
                "{}",
                meta.min_psnr
            );
            assert!(meta.max_frame_failures <= 1_000_000_000);
            assert!((0.0..=1.0).contains(&meta.min_audio_correlation));
            assert!(meta.max_audio_lag_windows <= 1_000_000);
            if let Some(workers) = meta.render.workers {
                assert!((1..=256).contains(&workers), "{workers} workers");
            }
            if let Some(fps) = meta.render.fps {
                assert_eq!(Fps::new(fps.num, fps.den), Some(fps), "{fps:?}");
            }
        }
        Err(error) => {
            let message = error.to_string();
            assert!(message.contains(PATH), "{message:?} does not name {PATH}");
            match &error {
                RegressError::Meta { field, .. } => {
                    let known = field == "(file)"
                        || field == "renderConfig"
                        || TOP_FIELDS.contains(&field.as_str())
                        || field
                            .strip_prefix("renderConfig.")
                            .is_some_and(|field| RENDER_FIELDS.contains(&field));
                    assert!(known, "{message}");
                }
                other => panic!("unexpected error {other:?}"),
            }
        }
    }
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn any_text_gives_a_meta_or_an_error(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn any_json_gives_a_meta_or_an_error(text in json_value()) {
        check(&text);
    }

    #[test]
    fn near_valid_meta_gives_a_meta_or_an_error(text in near_valid_meta()) {
        check(&text);
    }
}
