//! The outside URLs a composition loads as assets: what its markup and CSS name by an absolute
//! `http(s)` URL (stylesheets such as Google Fonts, scripts, images, media, fonts). HyperFrames'
//! compiler downloads such assets before the render (`packages/producer/src/services/
//! htmlCompiler.ts`: remote `<video>`, `<audio>` and `<img>` sources, CDN scripts, stylesheets
//! and their fonts); framecast fetches them into a content-addressed cache before Chrome starts
//! and answers the page's requests for them from it (`framecast-render/src/remote.rs`).
//!
//! Only what the files say is found here: the entry document (its `<head>`, body and template
//! contents), the sub-composition files it mounts, and the composition's own CSS files. What a
//! script requests at run time is not an asset and stays behind the closed network.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use scraper::ElementRef;

use crate::document::{Document, attribute};

/// What an outside URL is loaded as; a stylesheet's own references are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemoteKind {
    Stylesheet,
    Script,
    /// An image, video, audio or font file, or anything else loaded whole.
    File,
}

/// One outside URL the composition's files name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRef {
    pub url: String,
    pub kind: RemoteKind,
    /// Where it is named, for messages: `index.html <link rel="stylesheet">`.
    pub found_in: String,
}

/// The outside URLs of a composition: the entry document's, then those of its sub-composition
/// files and of the CSS files it links, in the order found, each URL once. Files that cannot be
/// read are skipped (the page reports a missing sub-composition itself).
pub(crate) fn find_remote_refs(document: &Document, html_path: &Path) -> Vec<RemoteRef> {
    let dir = html_path.parent().unwrap_or(Path::new("."));
    let mut search = Search {
        dir: dir.to_path_buf(),
        found: Vec::new(),
        seen: HashSet::new(),
        read_files: HashSet::from([html_path.to_path_buf()]),
    };
    search.document(document, &file_label(dir, html_path));
    search.found
}

struct Search {
    /// The served directory: local references resolve against it.
    dir: PathBuf,
    found: Vec<RemoteRef>,
    seen: HashSet<String>,
    /// Local files already searched, so that a cycle of imports or mounts ends.
    read_files: HashSet<PathBuf>,
}

impl Search {
    fn document(&mut self, document: &Document, label: &str) {
        for element in document.all_elements() {
            self.element(element, label);
        }
    }

    fn element(&mut self, element: ElementRef<'_>, label: &str) {
        let name = element.value().name();
        let place = |what: &str| format!("{label} <{name}{what}>");
        match name {
            "link" => {
                let rel = attribute(element, "rel").unwrap_or_default().to_lowercase();
                let rels: Vec<&str> = rel.split_ascii_whitespace().collect();
                // preconnect and dns-prefetch only warm a connection up; they load nothing.
                if rels
                    .iter()
                    .all(|rel| matches!(*rel, "preconnect" | "dns-prefetch"))
                {
                    return;
                }
                let Some(href) = attribute(element, "href") else {
                    return;
                };
                let as_value = attribute(element, "as").unwrap_or_default();
                let kind = if rels.contains(&"stylesheet") || as_value == "style" {
                    RemoteKind::Stylesheet
                } else if as_value == "script" || rels.contains(&"modulepreload") {
                    RemoteKind::Script
                } else {
                    RemoteKind::File
                };
                if kind == RemoteKind::Stylesheet && !is_remote(&href) {
                    self.local_stylesheet(&href);
                }
                self.add(&href, kind, place(&format!(" rel=\"{rel}\"")));
            }
            "script" => {
                if let Some(src) = attribute(element, "src") {
                    self.add(&src, RemoteKind::Script, place(""));
                }
            }
            "img" | "video" | "audio" | "source" | "track" | "input" | "embed" => {
                if let Some(src) = attribute(element, "src") {
                    self.add(&src, RemoteKind::File, place(""));
                }
                if let Some(srcset) = attribute(element, "srcset") {
                    for candidate in srcset_urls(&srcset) {
                        self.add(candidate, RemoteKind::File, place(" srcset"));
                    }
                }
                if let Some(poster) = attribute(element, "poster") {
                    self.add(&poster, RemoteKind::File, place(" poster"));
                }
            }
            "image" | "use" | "feImage" => {
                let href = attribute(element, "href").or_else(|| attribute(element, "xlink:href"));
                if let Some(href) = href {
                    self.add(&href, RemoteKind::File, place(""));
                }
            }
            "style" => {
                let css: String = element.text().collect();
                self.css(&css, None, &place(""));
            }
            _ => {}
        }
        if let Some(style) = attribute(element, "style") {
            self.css(&style, None, &place(" style"));
        }
        if let Some(src) = attribute(element, "data-composition-src") {
            self.sub_composition(&src);
        }
    }

    /// The references of CSS text: `url(…)` and `@import`. Relative ones are the composition's
    /// own files, except in a stylesheet fetched from `base`.
    fn css(&mut self, css: &str, base: Option<&str>, place: &str) {
        for reference in css_references(css) {
            let kind = if reference.import {
                RemoteKind::Stylesheet
            } else {
                RemoteKind::File
            };
            match base {
                Some(base) => {
                    if let Some(url) = resolve_url(base, &reference.url) {
                        self.add(&url, kind, place.to_string());
                    }
                }
                None if reference.import && !is_remote(&reference.url) => {
                    self.local_stylesheet(&reference.url);
                }
                None => self.add(&reference.url, kind, place.to_string()),
            }
        }
    }

    fn add(&mut self, url: &str, kind: RemoteKind, found_in: String) {
        let Some(url) = remote_url(url) else {
            return;
        };
        if self.seen.insert(url.clone()) {
            self.found.push(RemoteRef {
                url,
                kind,
                found_in,
            });
        }
    }

    fn local_stylesheet(&mut self, href: &str) {
        let Some(path) = self.local_file(href) else {
            return;
        };
        if let Ok(css) = std::fs::read_to_string(&path) {
            let label = file_label(&self.dir, &path);
            self.css(&css, None, &label);
        }
    }

    fn sub_composition(&mut self, src: &str) {
        let Some(path) = self.local_file(src) else {
            return;
        };
        if let Ok(html) = std::fs::read_to_string(&path) {
            let label = file_label(&self.dir, &path);
            self.document(&Document::parse(&html), &label);
        }
    }

    /// A local reference as a file below the served directory, once; `None` for one already
    /// read, an outside URL or a `data:` URL.
    fn local_file(&mut self, reference: &str) -> Option<PathBuf> {
        let reference = reference.trim();
        if reference.contains(':') || reference.starts_with("//") {
            return None;
        }
        let relative = reference.split(['?', '#']).next().unwrap_or(reference);
        let path = self.dir.join(relative.trim_start_matches('/'));
        self.read_files.insert(path.clone()).then_some(path)
    }
}

/// A file's name relative to the served directory, as messages show it.
fn file_label(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// An absolute `http:`, `https:` or protocol-relative URL.
fn is_remote(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// An outside URL as written in a file, normalised as the browser normalises it (so it is the
/// URL the page requests): `//host/x` as `https:`, the host lower-cased, spaces encoded. `None`
/// for anything but an `http:`, `https:` or protocol-relative URL.
pub fn remote_url(written: &str) -> Option<String> {
    let written = written.trim();
    if !is_remote(written) {
        return None;
    }
    let absolute = match written.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => written.to_string(),
    };
    let mut parsed = url::Url::parse(&absolute).ok()?;
    parsed.set_fragment(None);
    Some(parsed.to_string())
}

/// The URLs of a `srcset` value: comma-separated candidates, each a URL and a descriptor.
fn srcset_urls(srcset: &str) -> impl Iterator<Item = &str> {
    srcset
        .split(',')
        .filter_map(|candidate| candidate.split_ascii_whitespace().next())
}

/// One reference in CSS text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CssReference {
    pub url: String,
    /// From an `@import`: a stylesheet.
    pub import: bool,
}

/// The `url(…)` and `@import` references of CSS text, in order, as written (comments skipped).
pub fn css_references(css: &str) -> Vec<CssReference> {
    static COMMENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)/\*.*?\*/").expect("the comment pattern is valid"));
    static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?i)@import\s+(?:url\(\s*)?(?:"([^"]*)"|'([^']*)'|([^\s'")]+))|url\(\s*(?:"([^"]*)"|'([^']*)'|([^\s'")]*))\s*\)"#,
        )
        .expect("the reference pattern is valid")
    });
    let css = COMMENT.replace_all(css, " ");
    REFERENCE
        .captures_iter(&css)
        .filter_map(|captures| {
            let import = captures.get(0)?.as_str().starts_with('@');
            let url = (1..=6)
                .find_map(|group| captures.get(group))?
                .as_str()
                .trim();
            (!url.is_empty() && !url.starts_with("data:")).then(|| CssReference {
                url: url.to_string(),
                import,
            })
        })
        .collect()
}

/// `reference` resolved against the absolute URL `base`, as a browser resolves a stylesheet's
/// relative references; `None` for a `data:` URL or a base that is not a URL.
pub fn resolve_url(base: &str, reference: &str) -> Option<String> {
    let base = url::Url::parse(base).ok()?;
    let mut resolved = base.join(reference.trim()).ok()?;
    resolved.set_fragment(None);
    matches!(resolved.scheme(), "http" | "https").then(|| resolved.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(html: &str) -> Vec<(String, RemoteKind)> {
        let document = Document::parse(html);
        find_remote_refs(&document, Path::new("/nowhere/index.html"))
            .into_iter()
            .map(|found| (found.url, found.kind))
            .collect()
    }

    #[test]
    fn markup_and_inline_css_name_their_outside_urls() {
        let found = refs(
            r#"<html><head>
            <link rel="preconnect" href="https://fonts.gstatic.com">
            <link href="https://fonts.googleapis.com/css2?family=Roboto:wght@400;700&amp;display=swap" rel="stylesheet">
            <link rel="preload" as="image" href="https://cdn.example.com/hero.jpg">
            <script src="https://cdn.example.com/lib.js"></script>
            <script src="local.js"></script>
            <style>@import url("https://example.com/a.css"); .x { background: url(https://example.com/bg.png) } /* url(https://example.com/commented.png) */</style>
            </head><body>
            <img src="https://example.com/logo.png" srcset="https://example.com/logo@2x.png 2x, small.png 1x">
            <video poster="//example.com/poster.jpg"><source src="https://example.com/clip.mp4"></video>
            <div style="background-image: url('https://example.com/inline.png')"></div>
            <template><img src="https://example.com/templated.png"></template>
            <img src="https://example.com/logo.png">
            </body></html>"#,
        );
        let expected = [
            (
                "https://fonts.googleapis.com/css2?family=Roboto:wght@400;700&display=swap",
                RemoteKind::Stylesheet,
            ),
            ("https://cdn.example.com/hero.jpg", RemoteKind::File),
            ("https://cdn.example.com/lib.js", RemoteKind::Script),
            ("https://example.com/a.css", RemoteKind::Stylesheet),
            ("https://example.com/bg.png", RemoteKind::File),
            ("https://example.com/logo.png", RemoteKind::File),
            ("https://example.com/logo@2x.png", RemoteKind::File),
            ("https://example.com/poster.jpg", RemoteKind::File),
            ("https://example.com/clip.mp4", RemoteKind::File),
            ("https://example.com/inline.png", RemoteKind::File),
            ("https://example.com/templated.png", RemoteKind::File),
        ];
        let expected: Vec<(String, RemoteKind)> = expected
            .iter()
            .map(|(url, kind)| (url.to_string(), *kind))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn sub_composition_files_and_local_stylesheets_are_searched_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("scenes")).unwrap();
        std::fs::write(
            dir.path().join("style.css"),
            "@import 'more.css';\n@font-face { src: url(https://fonts.example.com/a.woff2) }\n.y { background: url(local.png) }",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("more.css"),
            "@import url(style.css); .z { background: url(\"https://example.com/more.png\") }",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("scenes/intro.html"),
            r#"<template id="intro-template"><div data-composition-id="intro"><img src="https://example.com/intro.png"><div data-composition-src="index.html"></div></div></template>"#,
        )
        .unwrap();
        let html = r#"<link rel="stylesheet" href="style.css"><div data-composition-src="scenes/intro.html"></div>"#;
        let entry = dir.path().join("index.html");
        std::fs::write(&entry, html).unwrap();
        let found = find_remote_refs(&Document::parse(html), &entry);
        let urls: Vec<(&str, &str)> = found
            .iter()
            .map(|found| (found.url.as_str(), found.found_in.as_str()))
            .collect();
        assert_eq!(
            urls,
            [
                ("https://example.com/more.png", "more.css"),
                ("https://fonts.example.com/a.woff2", "style.css"),
                ("https://example.com/intro.png", "scenes/intro.html <img>"),
            ]
        );
    }

    #[test]
    fn css_references_are_read_in_every_quoting() {
        let found = css_references(
            "@import 'a.css'; @import url(b.css) screen; @IMPORT \"c.css\";\n\
             @font-face { src: url( \"d.woff2\" ) format('woff2'), url(e.woff) }\n\
             .x { background: url(data:image/png;base64,AAAA) url('') }",
        );
        let urls: Vec<(&str, bool)> = found
            .iter()
            .map(|found| (found.url.as_str(), found.import))
            .collect();
        assert_eq!(
            urls,
            [
                ("a.css", true),
                ("b.css", true),
                ("c.css", true),
                ("d.woff2", false),
                ("e.woff", false)
            ]
        );
    }

    #[test]
    fn stylesheet_references_resolve_as_a_browser_resolves_them() {
        let base = "https://fonts.example.com/css/v2/sheet.css?family=A";
        assert_eq!(
            resolve_url(base, "../fonts/a.woff2").as_deref(),
            Some("https://fonts.example.com/css/fonts/a.woff2")
        );
        assert_eq!(
            resolve_url(base, "/s/b.woff2").as_deref(),
            Some("https://fonts.example.com/s/b.woff2")
        );
        assert_eq!(
            resolve_url(base, "//other.example.com/c.woff2").as_deref(),
            Some("https://other.example.com/c.woff2")
        );
        assert_eq!(resolve_url(base, "data:font/woff2;base64,AA"), None);
    }

    #[test]
    fn urls_are_normalised_as_the_browser_requests_them() {
        assert_eq!(
            remote_url(" //Example.COM/a b.png#top ").as_deref(),
            Some("https://example.com/a%20b.png")
        );
        assert_eq!(
            remote_url("http://example.com:80").as_deref(),
            Some("http://example.com/")
        );
        assert_eq!(remote_url("images/a.png"), None);
        assert_eq!(remote_url("data:image/png;base64,AA"), None);
    }
}
