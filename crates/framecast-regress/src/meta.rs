//! `meta.json`: what a fixture is and how a render of it is judged, in the field names
//! HyperFrames' regression fixtures use, so their fixture folders load unchanged.
//!
//! The file is validated by hand rather than with a serde derive so that every error names the
//! field (`renderConfig.fps`) and says what a valid value looks like. Unknown fields are ignored;
//! optional fields get HyperFrames' defaults.

use std::path::{Path, PathBuf};

use framecast_composition::Fps;
use serde_json::{Map, Value};

use crate::RegressError;

/// A fixture's `meta.json`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureMeta {
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    /// The PSNR floor, in dB, a checked frame must reach against the golden.
    pub min_psnr: f64,
    /// How many checked frames may fall below `min_psnr`.
    pub max_frame_failures: u64,
    /// The RMS-envelope correlation floor (0 to 1) for the audio track.
    pub min_audio_correlation: f64,
    /// The largest lag, in 512-sample envelope windows, the audio may drift by.
    pub max_audio_lag_windows: u32,
    pub render: RenderConfig,
}

/// `meta.json`'s `renderConfig`.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderConfig {
    pub fps: Option<Fps>,
    /// `mp4` unless given; `webm`, `mov` and `png-sequence` are HyperFrames' other formats.
    pub format: String,
    /// `None` lets the renderer choose.
    pub workers: Option<usize>,
    /// A framecast extension (`draft`, `standard`, `high`); `standard` unless given.
    pub quality: String,
    /// Render-time variable overrides, as `--variables` takes them.
    pub variables: Option<Map<String, Value>>,
    pub hdr: bool,
}

impl FixtureMeta {
    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<Self, RegressError> {
        let text = std::fs::read_to_string(path).map_err(|source| RegressError::Io {
            path: path.to_path_buf(),
            action: "reading",
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Validates the text of a `meta.json`; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, RegressError> {
        let value: Value = serde_json::from_str(text).map_err(|error| RegressError::Meta {
            path: path.to_path_buf(),
            field: "(file)".into(),
            reason: format!("is not valid JSON: {error}"),
        })?;
        let fields = Fields {
            path: path.to_path_buf(),
            prefix: "",
        };
        let Value::Object(root) = value else {
            return Err(fields.error("(file)", "must be a JSON object"));
        };
        let render = match root.get("renderConfig") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(config)) => config.clone(),
            Some(_) => return Err(fields.error("renderConfig", "must be an object")),
        };
        let config = Fields {
            path: path.to_path_buf(),
            prefix: "renderConfig.",
        };
        Ok(FixtureMeta {
            name: fields.string(&root, "name")?.unwrap_or_default(),
            description: fields.string(&root, "description")?.unwrap_or_default(),
            tags: fields.tags(&root)?,
            min_psnr: fields
                .number(&root, "minPsnr", 0.0, f64::INFINITY)?
                .unwrap_or(30.0),
            max_frame_failures: fields
                .integer(&root, "maxFrameFailures", 0.0, 1e9)?
                .map_or(0, |n| n as u64),
            min_audio_correlation: fields
                .number(&root, "minAudioCorrelation", 0.0, 1.0)?
                .unwrap_or(0.0),
            max_audio_lag_windows: fields
                .integer(&root, "maxAudioLagWindows", 0.0, 1e6)?
                .map_or(1, |n| n as u32),
            render: RenderConfig {
                fps: config.fps(&render)?,
                format: config
                    .string(&render, "format")?
                    .unwrap_or_else(|| "mp4".into()),
                workers: config
                    .integer(&render, "workers", 1.0, 256.0)?
                    .map(|n| n as usize),
                quality: config
                    .string(&render, "quality")?
                    .unwrap_or_else(|| "standard".into()),
                variables: config.variables(&render)?,
                hdr: config.boolean(&render, "hdr")?.unwrap_or(false),
            },
        })
    }
}

/// Typed access to one JSON object's fields, with errors that name `prefix` + the field.
struct Fields {
    path: PathBuf,
    prefix: &'static str,
}

impl Fields {
    fn error(&self, field: &str, reason: &str) -> RegressError {
        RegressError::Meta {
            path: self.path.clone(),
            field: format!("{}{field}", self.prefix),
            reason: reason.to_string(),
        }
    }

    fn present<'a>(object: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
        object.get(field).filter(|value| !value.is_null())
    }

    fn string(
        &self,
        object: &Map<String, Value>,
        field: &str,
    ) -> Result<Option<String>, RegressError> {
        match Self::present(object, field) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(self.error(field, &format!("must be a string, not {other}"))),
        }
    }

    fn boolean(
        &self,
        object: &Map<String, Value>,
        field: &str,
    ) -> Result<Option<bool>, RegressError> {
        match Self::present(object, field) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(other) => Err(self.error(field, &format!("must be true or false, not {other}"))),
        }
    }

    /// A number in `min..=max`; integer fields are checked to be whole by the caller's range.
    fn number(
        &self,
        object: &Map<String, Value>,
        field: &str,
        min: f64,
        max: f64,
    ) -> Result<Option<f64>, RegressError> {
        let Some(value) = Self::present(object, field) else {
            return Ok(None);
        };
        let number = value.as_f64().filter(|n| n.is_finite());
        match number {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            Some(n) => Err(self.error(
                field,
                &format!("is {n}, out of range: use a number from {min} to {max}"),
            )),
            None => Err(self.error(field, &format!("must be a number, not {value}"))),
        }
    }

    fn integer(
        &self,
        object: &Map<String, Value>,
        field: &str,
        min: f64,
        max: f64,
    ) -> Result<Option<f64>, RegressError> {
        match self.number(object, field, min, max)? {
            Some(n) if n.fract() != 0.0 => {
                Err(self.error(field, &format!("is {n}: use a whole number")))
            }
            whole => Ok(whole),
        }
    }

    fn tags(&self, object: &Map<String, Value>) -> Result<Vec<String>, RegressError> {
        match Self::present(object, "tags") {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(tag) => Ok(tag.clone()),
                    other => Err(self.error("tags", &format!("must hold strings, not {other}"))),
                })
                .collect(),
            Some(other) => {
                Err(self.error("tags", &format!("must be an array of strings, not {other}")))
            }
        }
    }

    fn fps(&self, object: &Map<String, Value>) -> Result<Option<Fps>, RegressError> {
        let bad = |value: &Value| {
            self.error(
                "fps",
                &format!(
                    "is {value}: use a frame rate up to 1000 as an integer (30) or a rational string (\"30000/1001\")"
                ),
            )
        };
        match Self::present(object, "fps") {
            None => Ok(None),
            Some(value @ Value::Number(number)) => {
                let parsed = number.as_u64().and_then(|n| u32::try_from(n).ok());
                parsed
                    .and_then(|n| Fps::new(n, 1))
                    .map(Some)
                    .ok_or_else(|| bad(value))
            }
            Some(value @ Value::String(text)) => {
                text.parse::<Fps>().map(Some).map_err(|_| bad(value))
            }
            Some(value) => Err(bad(value)),
        }
    }

    fn variables(
        &self,
        object: &Map<String, Value>,
    ) -> Result<Option<Map<String, Value>>, RegressError> {
        match Self::present(object, "variables") {
            None => Ok(None),
            Some(Value::Object(variables)) => Ok(Some(variables.clone())),
            Some(other) => {
                Err(self.error("variables", &format!("must be a JSON object, not {other}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FixtureMeta, RegressError> {
        FixtureMeta::parse(text, Path::new("fixtures/x/meta.json"))
    }

    fn error_text(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn a_hyperframes_fixture_loads_with_unknown_fields_ignored() {
        let meta = parse(
            r#"{"name":"t","description":"d","tags":["a"],"minPsnr":35,"maxFrameFailures":2,
                "minAudioCorrelation":0.9,"maxAudioLagWindows":3,"maxAudioResidualRmsDb":-50,
                "renderConfig":{"fps":"30000/1001","format":"mp4","workers":2,"hdr":false,
                "chunkSize":60}}"#,
        )
        .unwrap();
        assert_eq!(meta.min_psnr, 35.0);
        assert_eq!(meta.max_frame_failures, 2);
        assert_eq!(meta.max_audio_lag_windows, 3);
        assert_eq!(meta.render.fps, Fps::new(30_000, 1001));
        assert_eq!(meta.render.workers, Some(2));
        assert_eq!(meta.render.quality, "standard");
        assert!(!meta.render.hdr);
    }

    #[test]
    fn missing_optional_fields_take_defaults() {
        let meta = parse(r#"{"name":"t"}"#).unwrap();
        assert_eq!(meta.min_psnr, 30.0);
        assert_eq!(meta.max_frame_failures, 0);
        assert_eq!(meta.max_audio_lag_windows, 1);
        assert_eq!(meta.render.format, "mp4");
        assert_eq!(meta.render.fps, None);
        assert_eq!(meta.render.workers, None);
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let message = error_text(r#"{"name":"t","minPsnr":"high"}"#);
        assert!(message.contains("fixtures/x/meta.json"), "{message}");
        assert!(message.contains("minPsnr"), "{message}");

        let message = error_text(r#"{"renderConfig":{"fps":"fast"}}"#);
        assert!(message.contains("renderConfig.fps"), "{message}");

        let message = error_text(r#"{"minAudioCorrelation":1.5}"#);
        assert!(message.contains("minAudioCorrelation"), "{message}");
        assert!(message.contains("out of range"), "{message}");

        let message = error_text(r#"{"tags":"gsap"}"#);
        assert!(message.contains("tags"), "{message}");

        let message = error_text(r#"{"renderConfig":{"workers":0}}"#);
        assert!(message.contains("renderConfig.workers"), "{message}");

        let message = error_text("{\"name\": ");
        assert!(message.contains("not valid JSON"), "{message}");
    }

    #[test]
    fn frame_rates_past_what_a_root_may_declare_are_refused() {
        for fps in [
            "4000000000",
            "1001",
            "\"4000000000/1\"",
            "\"1/4000000000\"",
            "30.5",
            "-30",
        ] {
            let message = error_text(&format!(r#"{{"renderConfig":{{"fps":{fps}}}}}"#));
            assert!(message.contains("renderConfig.fps"), "{message}");
        }
        let meta = parse(r#"{"renderConfig":{"fps":1000}}"#).unwrap();
        assert_eq!(meta.render.fps, Fps::new(1000, 1));
    }
}
