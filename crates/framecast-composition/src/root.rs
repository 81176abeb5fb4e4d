//! The composition root's attributes: size, declared duration and frame rate, checked once.

use std::path::Path;

use scraper::ElementRef;

use crate::document::{Document, attribute};
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

/// Finds the element the page will use as the composition root and reads its size, duration
/// and fps.
pub fn parse_root(html: &str, path: &Path) -> Result<RootAttributes, CompositionError> {
    let document = Document::parse(html);
    let root = document.root().ok_or_else(|| CompositionError::NoRoot {
        path: path.to_path_buf(),
    })?;
    read_root(root, path)
}

/// Reads the attributes of the element the page uses as its root.
pub(crate) fn read_root(
    root: ElementRef<'_>,
    path: &Path,
) -> Result<RootAttributes, CompositionError> {
    let id = attribute(root, "data-composition-id").unwrap_or_default();
    let element = describe_root(root, &id);
    let reader = AttributeReader {
        element: root,
        path,
        description: &element,
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

struct AttributeReader<'a> {
    element: ElementRef<'a>,
    path: &'a Path,
    description: &'a str,
}

impl AttributeReader<'_> {
    fn dimension(
        &self,
        name: &'static str,
        example: &'static str,
    ) -> Result<u32, CompositionError> {
        let value =
            attribute(self.element, name).ok_or_else(|| CompositionError::MissingAttribute {
                path: self.path.to_path_buf(),
                element: self.description.to_string(),
                attribute: name,
                example,
            })?;
        match value.trim().parse::<u32>() {
            Ok(pixels) if (1..=16384).contains(&pixels) => Ok(pixels),
            _ => Err(self.bad(name, &value, "a whole number of pixels between 1 and 16384")),
        }
    }

    fn duration(&self) -> Result<Option<f64>, CompositionError> {
        let Some(value) = attribute(self.element, "data-duration") else {
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
                element: self.description.to_string(),
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
            element: self.description.to_string(),
            attribute,
            value: value.to_string(),
            expected,
        }
    }
}

/// The root as error messages name it: `<div id="root">` or
/// `<div data-composition-id="intro">`.
fn describe_root(root: ElementRef<'_>, composition_id: &str) -> String {
    let name = root.value().name();
    match attribute(root, "id") {
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

        // A script closed early hides nothing after it.
        let unclosed = parse(
            r#"<script>if (a <b) {}</script><div data-composition-id="m" data-width="8" data-height="8"></div>"#,
        )
        .unwrap();
        assert_eq!(unclosed.id, "m");
    }

    #[test]
    fn a_valueless_attribute_on_its_own_line_before_data_width_is_read() {
        let root = parse(
            "<div id=\"root\"\n     data-composition-id=\"main\"\n     data-no-timeline\n     data-width=\"320\"\n     data-height=\"180\"\n     data-duration=\"2\"></div>",
        )
        .unwrap();
        assert_eq!(
            (root.id.as_str(), root.width, root.height),
            ("main", 320, 180)
        );
        assert_eq!(root.duration, Some(2.0));
    }

    #[test]
    fn attributes_may_be_single_quoted_unquoted_or_upper_case() {
        let root = parse(
            "<DIV DATA-COMPOSITION-ID='intro' Data-Width=64 data-height = '36'\n data-FPS=24 hidden></DIV>",
        )
        .unwrap();
        assert_eq!(
            (root.id.as_str(), root.width, root.height),
            ("intro", 64, 36)
        );
        assert_eq!(root.fps, Fps::new(24, 1));
    }

    #[test]
    fn character_references_in_values_are_decoded() {
        let root = parse(
            r#"<div data-composition-id="a&amp;b" data-width="&#54;4" data-height="&#x33;6"></div>"#,
        )
        .unwrap();
        assert_eq!((root.id.as_str(), root.width, root.height), ("a&b", 64, 36));
        let error = parse(
            r#"<div id="x&lt;y" data-composition-id="a" data-width="&quot;8&quot;" data-height="8"></div>"#,
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(message.contains(r#"<div id="x<y">"#), "{message}");
        assert!(message.contains(r#"data-width=""8"""#), "{message}");
    }

    #[test]
    fn comments_between_elements_and_in_the_start_tag_area_are_skipped() {
        let root = parse(
            r#"<!-- <div data-composition-id="commented" data-width="1" data-height="1"> -->
               <div data-composition-id="main"
                    data-width="20" data-height="10"><!-- data-duration="3" --></div>"#,
        )
        .unwrap();
        assert_eq!(
            (root.id.as_str(), root.width, root.duration),
            ("main", 20, None)
        );
    }

    #[test]
    fn a_comment_inside_a_start_tag_ends_it_as_in_a_browser() {
        // `<!--` is no comment inside a tag: its `>` closes the tag, and what follows is text.
        let error = parse(
            r#"<div data-composition-id="a" <!-- size --> data-width="8" data-height="8"></div>"#,
        )
        .unwrap_err();
        assert!(error.to_string().contains("missing data-width"), "{error}");
    }

    #[test]
    fn the_first_of_two_attributes_of_the_same_name_wins() {
        let root = parse(
            r#"<div data-composition-id="a" data-width="10" data-height="10" data-width="wide"></div>"#,
        )
        .unwrap();
        assert_eq!(root.width, 10);
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
