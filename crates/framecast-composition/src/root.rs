use std::path::{Path, PathBuf};

use crate::{CompositionError, Fps};

/// The longest `data-duration` accepted: a day. Every stage sizes its work by the frame count,
/// so a duration such as `1e300` must be refused here rather than planned as `u64::MAX` frames.
pub const MAX_DURATION_SECS: f64 = 86_400.0;

/// The attributes of a composition's root element, as written in its HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct RootAttributes {
    /// `data-composition-id`; empty when the root is marked only with `data-root="true"`.
    pub id: String,
    pub width: u32,
    pub height: u32,
    /// `data-duration` in seconds, above zero and at most [`MAX_DURATION_SECS`]; `None` when the
    /// root leaves it to its timeline or media.
    pub duration: Option<f64>,
    /// `data-fps`; `None` when absent (the renderer's default applies).
    pub fps: Option<Fps>,
}

/// A composition on disk: its entry HTML file, the directory served to the page, and the root
/// element's attributes.
#[derive(Debug, Clone)]
pub struct Composition {
    pub html_path: PathBuf,
    pub dir: PathBuf,
    pub root: RootAttributes,
}

impl Composition {
    /// Loads a composition from a directory (its `index.html`) or an `.html` file.
    pub fn load(path: &Path) -> Result<Self, CompositionError> {
        if !path.exists() {
            return Err(CompositionError::NotFound {
                path: path.to_path_buf(),
            });
        }
        let html_path = if path.is_dir() {
            // A regression fixture keeps its composition in `src/`; accept its folder as well.
            [path.join("index.html"), path.join("src/index.html")]
                .into_iter()
                .find(|index| index.is_file())
                .ok_or_else(|| CompositionError::NoIndex {
                    dir: path.to_path_buf(),
                })?
        } else {
            path.to_path_buf()
        };
        let html_path = html_path
            .canonicalize()
            .map_err(|source| CompositionError::Read {
                path: html_path.clone(),
                source,
            })?;
        let html =
            std::fs::read_to_string(&html_path).map_err(|source| CompositionError::Read {
                path: html_path.clone(),
                source,
            })?;
        let root = parse_root(&html, &html_path)?;
        let dir = html_path
            .parent()
            .expect("a canonical file path should have a parent directory")
            .to_path_buf();
        Ok(Composition {
            html_path,
            dir,
            root,
        })
    }

    /// The entry file's path relative to the served directory, for building its URL.
    pub fn entry_name(&self) -> &str {
        self.html_path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("index.html")
    }
}

/// Finds the element the page will use as the composition root and reads its size, duration
/// and fps.
pub fn parse_root(html: &str, path: &Path) -> Result<RootAttributes, CompositionError> {
    let dom =
        tl::parse(html, tl::ParserOptions::default()).map_err(|_| CompositionError::NoRoot {
            path: path.to_path_buf(),
        })?;
    let root = find_root(&dom).ok_or_else(|| CompositionError::NoRoot {
        path: path.to_path_buf(),
    })?;

    let id = attribute(root, "data-composition-id").unwrap_or_default();
    let element = describe(root, &id);
    let reader = AttributeReader {
        tag: root,
        path,
        element: &element,
    };
    let width = reader.dimension("data-width", "1920")?;
    let height = reader.dimension("data-height", "1080")?;
    let duration = reader.duration()?;
    let fps = match attribute(root, "data-fps") {
        None => None,
        Some(value) => Some(value.parse::<Fps>().map_err(|_| {
            reader.bad(
                "data-fps",
                &value,
                "a frame rate from 0.001 to 1000 such as 30 or 30000/1001",
            )
        })?),
    };
    Ok(RootAttributes {
        id,
        width,
        height,
        duration,
        fps,
    })
}

/// Elements whose content the page never finds with `querySelector`: a template's content is a
/// separate document fragment, and the others hold raw text. A root written inside one (a
/// sub-composition's `<template>`, markup in a script's string) is not the page's root.
const INERT_ELEMENTS: [&str; 6] = [
    "template", "script", "style", "textarea", "title", "noscript",
];

/// The root as the runtime finds it (`findRoot` in runtime-js/runtime.js): the first element
/// with `data-composition-id`, else the first with `data-root="true"`, outside inert elements.
fn find_root<'a>(dom: &'a tl::VDom<'a>) -> Option<&'a tl::HTMLTag<'a>> {
    let parser = dom.parser();
    let tags: Vec<&tl::HTMLTag<'a>> = dom.nodes().iter().filter_map(tl::Node::as_tag).collect();
    let inert = InertSpans::new(
        tags.iter()
            .filter(|tag| {
                let name = tag.name().as_utf8_str();
                INERT_ELEMENTS
                    .iter()
                    .any(|inert| name.eq_ignore_ascii_case(inert))
            })
            .map(|tag| tag.boundaries(parser)),
    );
    let visible = || {
        tags.iter()
            .copied()
            .filter(|tag| !inert.contains(tag.boundaries(parser).0))
    };
    visible()
        .find(|tag| tag.attributes().contains("data-composition-id"))
        .or_else(|| visible().find(|tag| attribute(tag, "data-root").as_deref() == Some("true")))
}

/// The byte spans of inert elements, merged and sorted so a lookup is a binary search. tl ends an
/// element's span at its closing tag; an element it never saw closed spans only its start tag,
/// so nothing after an unclosed `<script>` is hidden by it.
struct InertSpans(Vec<(usize, usize)>);

impl InertSpans {
    fn new(spans: impl Iterator<Item = (usize, usize)>) -> Self {
        let mut spans: Vec<(usize, usize)> = spans.collect();
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (start, end) in spans {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        InertSpans(merged)
    }

    /// Whether a tag starting at byte `start` lies inside an inert element (not at its start,
    /// which is the inert element itself).
    fn contains(&self, start: usize) -> bool {
        let before = self.0.partition_point(|span| span.0 < start);
        before > 0 && start <= self.0[before - 1].1
    }
}

struct AttributeReader<'a> {
    tag: &'a tl::HTMLTag<'a>,
    path: &'a Path,
    element: &'a str,
}

impl AttributeReader<'_> {
    fn dimension(
        &self,
        name: &'static str,
        example: &'static str,
    ) -> Result<u32, CompositionError> {
        let value =
            attribute(self.tag, name).ok_or_else(|| CompositionError::MissingAttribute {
                path: self.path.to_path_buf(),
                element: self.element.to_string(),
                attribute: name,
                example,
            })?;
        match value.trim().parse::<u32>() {
            Ok(pixels) if (1..=16384).contains(&pixels) => Ok(pixels),
            _ => Err(self.bad(name, &value, "a whole number of pixels between 1 and 16384")),
        }
    }

    fn duration(&self) -> Result<Option<f64>, CompositionError> {
        let Some(value) = attribute(self.tag, "data-duration") else {
            return Ok(None);
        };
        let seconds = value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|seconds| (0.0..=MAX_DURATION_SECS).contains(seconds))
            .ok_or_else(|| {
                self.bad(
                    "data-duration",
                    &value,
                    "a number of seconds up to 86400 (24 hours), e.g. 5 or 2.5",
                )
            })?;
        if seconds == 0.0 {
            return Err(CompositionError::ZeroDuration {
                path: self.path.to_path_buf(),
                element: self.element.to_string(),
            });
        }
        Ok(Some(seconds))
    }

    fn bad(
        &self,
        attribute: &'static str,
        value: &str,
        expected: &'static str,
    ) -> CompositionError {
        CompositionError::BadAttribute {
            path: self.path.to_path_buf(),
            element: self.element.to_string(),
            attribute,
            value: value.to_string(),
            expected,
        }
    }
}

fn attribute(tag: &tl::HTMLTag<'_>, name: &str) -> Option<String> {
    tag.attributes()
        .get(name)
        .flatten()
        .map(|value| value.as_utf8_str().into_owned())
}

/// A short human description of an element for error messages: `<div id="root">` or
/// `<div data-composition-id="intro">`.
fn describe(tag: &tl::HTMLTag<'_>, composition_id: &str) -> String {
    let name = tag.name().as_utf8_str();
    match attribute(tag, "id") {
        Some(id) => format!("<{name} id=\"{id}\">"),
        None => format!("<{name} data-composition-id=\"{composition_id}\">"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(html: &str) -> Result<RootAttributes, CompositionError> {
        parse_root(html, Path::new("test.html"))
    }

    #[test]
    fn reads_root_attributes() {
        let root = parse(
            r#"<html><body><div id="root" data-composition-id="main" data-width="320"
               data-height="180" data-duration="2.5" data-fps="30000/1001"></div></body></html>"#,
        )
        .unwrap();
        assert_eq!(root.id, "main");
        assert_eq!((root.width, root.height), (320, 180));
        assert_eq!(root.duration, Some(2.5));
        assert_eq!(root.fps, Fps::new(30000, 1001));
    }

    #[test]
    fn accepts_data_root_and_missing_duration() {
        let root =
            parse(r#"<div data-root="true" data-width="64" data-height="64"></div>"#).unwrap();
        assert_eq!(root.id, "");
        assert_eq!(root.duration, None);
        assert_eq!(root.fps, None);
    }

    #[test]
    fn errors_name_the_problem() {
        let no_root = parse("<html><body><p>hello</p></body></html>").unwrap_err();
        assert!(
            no_root.to_string().contains("no composition root"),
            "{no_root}"
        );

        let zero = parse(r#"<div id="r" data-composition-id="a" data-width="10" data-height="10" data-duration="0"></div>"#)
            .unwrap_err();
        assert!(
            matches!(zero, CompositionError::ZeroDuration { .. }),
            "{zero}"
        );
        assert!(zero.to_string().contains("<div id=\"r\">"), "{zero}");

        let width =
            parse(r#"<div data-composition-id="a" data-width="wide" data-height="10"></div>"#)
                .unwrap_err();
        assert!(width.to_string().contains("data-width=\"wide\""), "{width}");

        let missing = parse(r#"<div data-composition-id="a" data-height="10"></div>"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing data-width"),
            "{missing}"
        );

        let fps = parse(
            r#"<div data-composition-id="a" data-width="2" data-height="2" data-fps="fast"></div>"#,
        )
        .unwrap_err();
        assert!(fps.to_string().contains("data-fps"), "{fps}");
    }

    #[test]
    fn roots_inside_templates_and_scripts_are_not_the_page_root() {
        let root = parse(
            r#"<head><script>const html = '<div data-composition-id="s" data-width="1" data-height="1"></div>';</script>
               <style>/* <div data-root="true" data-width="2" data-height="2"></div> */</style></head>
               <body><TEMPLATE id="intro-template"><div data-composition-id="intro" data-width="3" data-height="3"></div></TEMPLATE>
               <div data-composition-id="main" data-width="64" data-height="36"></div></body>"#,
        )
        .unwrap();
        assert_eq!((root.id.as_str(), root.width), ("main", 64));

        // A sub-composition file on its own has its root only inside a template.
        let sub = parse(
            r#"<template><div data-composition-id="sub" data-width="4" data-height="4"></div></template>"#,
        )
        .unwrap_err();
        assert!(matches!(sub, CompositionError::NoRoot { .. }), "{sub}");

        // A script tl never saw closed hides nothing after it.
        let unclosed = parse(
            r#"<script>if (a <b) {}</script><div data-composition-id="m" data-width="8" data-height="8"></div>"#,
        )
        .unwrap();
        assert_eq!(unclosed.id, "m");
    }

    #[test]
    fn data_composition_id_wins_over_an_earlier_data_root() {
        let root = parse(
            r#"<div data-root="true" data-width="2" data-height="2">
               <div data-composition-id="main" data-width="10" data-height="10"></div></div>"#,
        )
        .unwrap();
        assert_eq!((root.id.as_str(), root.width), ("main", 10));
    }

    #[test]
    fn durations_past_a_day_or_not_finite_are_refused_by_name() {
        for value in ["1e300", "1e400", "inf", "NaN", "-1", "86400.5"] {
            let html = format!(
                r#"<div data-composition-id="a" data-width="2" data-height="2" data-duration="{value}"></div>"#
            );
            let error = parse(&html).unwrap_err();
            assert!(
                matches!(
                    &error,
                    CompositionError::BadAttribute {
                        attribute: "data-duration",
                        ..
                    }
                ),
                "{value}: {error}"
            );
            assert!(error.to_string().contains(value), "{error}");
        }
        let html = r#"<div data-composition-id="a" data-width="2" data-height="2" data-duration="86400"></div>"#;
        assert_eq!(parse(html).unwrap().duration, Some(MAX_DURATION_SECS));
    }

    #[test]
    fn an_out_of_range_fps_ratio_is_refused_by_name() {
        let error = parse(
            r#"<div data-composition-id="a" data-width="2" data-height="2" data-fps="4000000000/1"></div>"#,
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("data-fps=\"4000000000/1\""),
            "{error}"
        );
    }
}
