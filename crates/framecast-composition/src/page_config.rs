//! `window.__framecastConfig`, the settings the page runtime (`runtime-js/`) reads before any
//! page script runs. This is the one place that writes them; a render and the preview both
//! build a [`PageConfig`] and run its [`PageConfig::to_script`] before the runtime.

use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::MediaKind;

/// What the runtime reads from `window.__framecastConfig`. Fields left `None` are not written,
/// and the runtime keeps its default for them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageConfig {
    /// The served directory with a trailing `/`: page URLs in error messages are shown as the
    /// files they come from.
    pub source_root: String,
    /// Values for the declared variables (`--variables`); the runtime checks them against the
    /// declarations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<Map<String, Value>>,
    /// The render's frame rate, when the user chose one over the composition's `data-fps`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fps: Option<f64>,
    /// How long the runtime waits for readiness before it fails naming what it waits for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_timeout_ms: Option<f64>,
    /// The media the renderer supplies (`runtime-js/media.js`). Present in every render, so the
    /// page knows the renderer supplies the media; absent in the preview, where Chrome plays it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<PageMedia>,
    /// Outside assets the composition names that could not be fetched (already warned about):
    /// their failed loads do not fail the page, as in a browser offline.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unavailable_assets: Vec<String>,
}

/// The renderer's media, as `runtime-js/media.js` reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageMedia {
    /// The elements whose frames the renderer decoded.
    pub videos: Vec<PageVideo>,
    /// The elements that may be heard; the page samples their volume at ready time.
    pub audio: Vec<PageAudio>,
}

/// One `<video>` (or animated `<img>`) whose frames the page shows from files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageVideo {
    pub tag: MediaKind,
    /// Position in `document.querySelectorAll(tag)`.
    pub index: usize,
    /// Seconds in the composition when the clip starts, and ends (`None`: the source's end).
    pub start: f64,
    pub end: Option<f64>,
    pub rate: f64,
    /// The frame grid of the decoded clip.
    pub fps: f64,
    /// How many decoded frames the clip has.
    pub frames: u64,
    #[serde(rename = "loop")]
    pub looped: bool,
    /// Frame `k` of the clip is at `{url}{k}.{ext}`.
    pub url: String,
    pub ext: String,
}

/// One element that may be heard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageAudio {
    pub tag: MediaKind,
    /// Position in `document.querySelectorAll(tag)`.
    pub index: usize,
    /// Its `data-volume`.
    pub volume: f32,
}

impl PageConfig {
    /// The settings for a page served from `dir`, with every optional field left to the
    /// runtime's default.
    pub fn new(dir: &Path) -> Self {
        PageConfig {
            source_root: format!("{}/", dir.display()),
            variables: None,
            fps: None,
            ready_timeout_ms: None,
            media: None,
            unavailable_assets: Vec::new(),
        }
    }

    /// The script that sets `window.__framecastConfig`, to run before the runtime.
    pub fn to_script(&self) -> String {
        let json = serde_json::to_string(self)
            .expect("a page config of strings, numbers and string-keyed maps should serialize");
        format!("window.__framecastConfig = {json};")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_fields_set_are_written() {
        let script = PageConfig::new(Path::new("/work/scene")).to_script();
        assert_eq!(
            script,
            r#"window.__framecastConfig = {"sourceRoot":"/work/scene/"};"#
        );
    }

    #[test]
    fn every_field_is_written_under_the_name_the_runtime_reads() {
        let mut variables = Map::new();
        variables.insert("title".to_string(), Value::from("Hi"));
        let config = PageConfig {
            variables: Some(variables),
            fps: Some(30.0),
            ready_timeout_ms: Some(14_000.0),
            media: Some(PageMedia {
                videos: vec![PageVideo {
                    tag: MediaKind::Img,
                    index: 2,
                    start: 1.0,
                    end: None,
                    rate: 1.0,
                    fps: 30.0,
                    frames: 12,
                    looped: true,
                    url: "/__framecast/video-frames/abc-".to_string(),
                    ext: "jpg".to_string(),
                }],
                audio: vec![PageAudio {
                    tag: MediaKind::Audio,
                    index: 0,
                    volume: 0.25,
                }],
            }),
            ..PageConfig::new(Path::new("/s"))
        };
        let script = config.to_script();
        let json = script
            .strip_prefix("window.__framecastConfig = ")
            .and_then(|rest| rest.strip_suffix(';'))
            .expect("the script should assign one JSON value");
        let value: Value = serde_json::from_str(json).unwrap();
        assert_eq!(value["sourceRoot"], "/s/");
        assert_eq!(value["variables"]["title"], "Hi");
        assert_eq!(value["fps"], 30.0);
        assert_eq!(value["readyTimeoutMs"], 14_000.0);
        let video = &value["media"]["videos"][0];
        assert_eq!(video["tag"], "img");
        assert_eq!(video["loop"], true);
        assert_eq!(video["end"], Value::Null);
        assert_eq!(video["frames"], 12);
        assert_eq!(value["media"]["audio"][0]["tag"], "audio");
        assert_eq!(value["media"]["audio"][0]["volume"], 0.25);
    }
}
