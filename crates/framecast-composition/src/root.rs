use std::path::{Path, PathBuf};

use crate::{CompositionError, Fps};

/// The attributes of a composition's root element, as written in its HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct RootAttributes {
    /// `data-composition-id`; empty when the root is marked only with `data-root="true"`.
    pub id: String,
    pub width: u32,
    pub height: u32,
    /// `data-duration` in seconds; `None` when the root leaves it to its timeline or media.
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

/// Finds the first element marked as a composition root and reads its size, duration and fps.
pub fn parse_root(html: &str, path: &Path) -> Result<RootAttributes, CompositionError> {
    let dom =
        tl::parse(html, tl::ParserOptions::default()).map_err(|_| CompositionError::NoRoot {
            path: path.to_path_buf(),
        })?;
    let root = dom
        .nodes()
        .iter()
        .filter_map(|node| node.as_tag())
        .find(|tag| {
            let attributes = tag.attributes();
            attributes.contains("data-composition-id")
                || attribute(tag, "data-root").as_deref() == Some("true")
        })
        .ok_or_else(|| CompositionError::NoRoot {
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
                "a positive frame rate such as 30 or 30000/1001",
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
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            .ok_or_else(|| {
                self.bad(
                    "data-duration",
                    &value,
                    "a number of seconds, e.g. 5 or 2.5",
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
}
