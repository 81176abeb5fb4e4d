//! The composition's `<video>`, `<audio>` and animated `<img>` elements with their timing
//! attributes: what the renderer probes, decodes and mixes before Chrome starts.

use scraper::ElementRef;
use serde::Serialize;

use crate::document::{Document, attribute, descendants};

/// Which kind of media element; serialized as its tag name, as the page selects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Video,
    Audio,
    /// An `<img>` showing an animated GIF, shown frame-exact like a video.
    Img,
}

impl MediaKind {
    /// The element's tag name.
    pub fn tag(self) -> &'static str {
        match self {
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::Img => "img",
        }
    }
}

/// One media element as written in the HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaElement {
    pub tag: MediaKind,
    /// How errors name it, e.g. `<video id="intro" src="clip.mp4">`.
    pub describe: String,
    /// Position among the document's elements of the same tag (what `querySelectorAll("video")`,
    /// `querySelectorAll("audio")` or `querySelectorAll("img")` returns, every `<img>` counted),
    /// for matching it in the page.
    pub index: usize,
    /// `src`, or the first `<source src>` inside the element; trimmed, never empty.
    pub src: Option<String>,
    /// `data-start` in seconds; 0 when absent or not a number.
    pub start: f64,
    /// `data-duration` in seconds, when it is a finite number.
    pub duration: Option<f64>,
    /// `data-media-start`: where in the source playback begins, at least 0.
    pub media_start: f64,
    /// `data-volume`, at least 0; 1 when absent.
    pub volume: f32,
    /// `data-playback-rate`, above 0; 1 when absent.
    pub rate: f64,
    /// The `loop` attribute.
    pub looped: bool,
    /// The `muted` attribute.
    pub muted: bool,
    /// The `hidden` attribute, or an inline `display: none`.
    pub hidden: bool,
    /// A `<video>` whose sound is part of the mix: `data-has-audio="true"`, or, as HyperFrames'
    /// timing compiler reads a video without the attribute (`timingCompiler.ts`), not `muted`.
    pub has_audio: bool,
    /// `data-has-audio="true"` is written: a source without an audio stream is a mistake, not
    /// a silent video.
    pub has_audio_declared: bool,
}

/// Every `<video>`, `<audio>` and animated `<img>` of the document tree in document order.
pub(crate) fn find_media(document: &Document) -> Vec<MediaElement> {
    let mut found = Vec::new();
    let (mut videos, mut audios, mut images) = (0, 0, 0);
    for element in document.elements() {
        let (tag, counter) = match element.value().name() {
            "video" => (MediaKind::Video, &mut videos),
            "audio" => (MediaKind::Audio, &mut audios),
            "img" => (MediaKind::Img, &mut images),
            _ => continue,
        };
        let index = *counter;
        *counter += 1;
        let src = source(element);
        if tag == MediaKind::Img && !src.as_deref().is_some_and(is_gif) {
            continue;
        }
        found.push(read(element, tag, index, src));
    }
    found
}

fn read(
    element: ElementRef<'_>,
    tag: MediaKind,
    index: usize,
    src: Option<String>,
) -> MediaElement {
    let get = |name: &str| attribute(element, name).map(|value| value.trim().to_string());
    let has = |name: &str| element.value().attr(name).is_some();
    let number = |name: &str| get(name).and_then(|value| value.parse::<f64>().ok());
    let mut describe = format!("<{}", tag.tag());
    if let Some(id) = get("id") {
        describe.push_str(&format!(" id=\"{id}\""));
    }
    if let Some(src) = &src {
        describe.push_str(&format!(" src=\"{src}\""));
    }
    describe.push('>');
    let style = get("style").unwrap_or_default().replace(' ', "");
    MediaElement {
        tag,
        describe,
        index,
        src,
        start: number("data-start").unwrap_or(0.0),
        duration: number("data-duration").filter(|duration| duration.is_finite()),
        media_start: number("data-media-start").unwrap_or(0.0).max(0.0),
        volume: number("data-volume").unwrap_or(1.0).max(0.0) as f32,
        rate: number("data-playback-rate")
            .filter(|rate| *rate > 0.0)
            .unwrap_or(1.0),
        looped: has("loop"),
        muted: has("muted"),
        hidden: has("hidden") || style.contains("display:none"),
        has_audio: match get("data-has-audio").as_deref() {
            Some(value) => value == "true",
            None => tag == MediaKind::Video && !has("muted"),
        },
        has_audio_declared: get("data-has-audio").as_deref() == Some("true"),
    }
}

/// `src`, else the first `<source src>` inside the element.
fn source(element: ElementRef<'_>) -> Option<String> {
    let trimmed = |element: ElementRef<'_>| {
        attribute(element, "src")
            .map(|src| src.trim().to_string())
            .filter(|src| !src.is_empty())
    };
    trimmed(element).or_else(|| {
        descendants(element)
            .into_iter()
            .filter(|child| child.value().name() == "source")
            .find_map(trimmed)
    })
}

fn is_gif(src: &str) -> bool {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    path.to_ascii_lowercase().ends_with(".gif")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(html: &str) -> Vec<MediaElement> {
        find_media(&Document::parse(html))
    }

    #[test]
    fn reads_media_attributes_in_document_order() {
        let html = r#"<div data-composition-id="x">
            <video id="a" src="a.mp4" data-start="1" data-media-start="2" data-playback-rate="2" loop muted></video>
            <audio src="music.wav" data-start="1.5" data-volume="0.25"></audio>
            <video data-has-audio="true"><source src="b.webm" type="video/webm"></video>
            <img src="still.png"><img src="spin.GIF?v=2">
        </div>"#;
        let found = find(html);
        assert_eq!(found.len(), 4);
        assert_eq!((found[3].tag, found[3].index), (MediaKind::Img, 1));
        assert_eq!(found[0].describe, r#"<video id="a" src="a.mp4">"#);
        assert_eq!(
            (found[0].start, found[0].media_start, found[0].rate),
            (1.0, 2.0, 2.0)
        );
        assert!(found[0].looped && found[0].muted, "{:?}", found[0]);
        assert_eq!(found[1].tag, MediaKind::Audio);
        assert_eq!(found[1].volume, 0.25);
        assert_eq!(found[1].index, 0);
        assert_eq!(found[2].src.as_deref(), Some("b.webm"));
        assert_eq!(found[2].index, 1);
        assert!(found[2].has_audio);
    }

    #[test]
    fn boolean_attributes_are_found_next_to_each_other_in_any_case() {
        let found = find(r#"<video src="a b.mp4" data-x=1 LOOP Muted hidden>x</video>"#);
        let video = &found[0];
        assert!(video.looped && video.muted && video.hidden, "{video:?}");
        assert_eq!(video.src.as_deref(), Some("a b.mp4"));
    }

    #[test]
    fn attributes_are_read_as_a_browser_reads_them() {
        let found = find(
            "<VIDEO SRC='clip&amp;1.mp4' data-start=2 data-start=5 data-volume=\"0.5\"\n\
             style='display: none'></VIDEO><image src=spin.gif>",
        );
        assert_eq!(found[0].src.as_deref(), Some("clip&1.mp4"));
        // The first of two attributes of the same name wins.
        assert_eq!(found[0].start, 2.0);
        assert_eq!(found[0].volume, 0.5);
        assert!(found[0].hidden);
        // The parser turns <image> into <img>, as browsers do.
        assert_eq!((found[1].tag, found[1].index), (MediaKind::Img, 0));
    }

    #[test]
    fn media_in_templates_scripts_and_comments_is_not_in_the_document() {
        let found = find(
            r#"<template><video src="t.mp4"></video></template><!-- <video src="c.mp4"> -->
               <script>'<video src="s.mp4">'</script><video src="real.mp4"></video>"#,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].src.as_deref(), found[0].index),
            (Some("real.mp4"), 0)
        );
    }
}
