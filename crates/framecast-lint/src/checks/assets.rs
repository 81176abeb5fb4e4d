//! Files the composition names: local ones must exist (a library the server answers by name,
//! such as `gsap.min.js`, need not), and scripts from outside URLs should be ones the offline
//! CDN map serves.

use std::path::{Path, PathBuf};

use framecast_composition::{SourceElement, SourceFile};
use framecast_server::VendorLibraries;

use super::Findings;
use crate::project::local_reference;
use crate::rules::{CDN_SCRIPT_UNKNOWN, MISSING_ASSET};

/// The attributes that name a file the page loads, by element.
fn referenced(element: &SourceElement) -> Vec<(&'static str, &str)> {
    let mut found = Vec::new();
    let mut take = |name: &'static str| {
        if let Some(value) = element.attr(name) {
            found.push((name, value));
        }
    };
    match element.tag.as_str() {
        "img" | "video" | "audio" | "source" | "track" | "script" | "iframe" | "embed" => {
            take("src")
        }
        "link" => {
            let rel = element.attr("rel").unwrap_or("").to_ascii_lowercase();
            if rel
                .split_whitespace()
                .any(|rel| matches!(rel, "stylesheet" | "preload" | "modulepreload"))
            {
                take("href");
            }
        }
        "object" => take("data"),
        "image" | "feimage" => take("href"),
        _ => {}
    }
    if element.tag == "video" {
        take("poster");
    }
    take("data-composition-src");
    found
}

pub(super) fn check(findings: &mut Findings<'_>) {
    let project = findings.project;
    let vendor = VendorLibraries::embedded();
    for file in project.files() {
        for element in &file.elements {
            for (attribute, value) in referenced(element) {
                if element.tag == "script" && attribute == "src" {
                    cdn_script(findings, file, element, value);
                }
                let Some(relative) = local_reference(value) else {
                    continue;
                };
                let name = Path::new(&relative)
                    .file_name()
                    .and_then(|name| name.to_str());
                if element.tag == "script" && name.is_some_and(|name| vendor.lookup(name).is_some())
                {
                    continue;
                }
                if !exists(project, file, &relative) {
                    let message = format!(
                        "{} has {attribute}=\"{value}\", but the composition folder has no {relative}",
                        element.describe
                    );
                    findings.add(&MISSING_ASSET, file, element.offset, message);
                }
            }
        }
        for (_, offset, css) in file.styles() {
            let css = crate::css::without_comments(css);
            for (at, reference) in crate::css::references(&css) {
                if local_reference(&reference)
                    .is_some_and(|relative| !exists(project, file, &relative))
                {
                    let message =
                        format!("the stylesheet names url(\"{reference}\"), which does not exist");
                    findings.add(&MISSING_ASSET, file, offset + at, message);
                }
            }
        }
        for element in &file.elements {
            let Some(style) = element.attr("style") else {
                continue;
            };
            for (_, reference) in crate::css::references(style) {
                if local_reference(&reference)
                    .is_some_and(|relative| !exists(project, file, &relative))
                {
                    let message = format!(
                        "{} has an inline style naming url(\"{reference}\"), which does not exist",
                        element.describe
                    );
                    findings.add(&MISSING_ASSET, file, element.offset, message);
                }
            }
        }
    }
}

/// A relative reference resolves against the served folder (where the entry document and the
/// sub-compositions mounted into it live); one written relative to its own sub-composition
/// file is accepted too.
fn exists(project: &crate::project::Project, file: &SourceFile, relative: &str) -> bool {
    let candidates: [Option<PathBuf>; 2] = [
        Some(project.dir.join(relative)),
        file.path.parent().map(|dir| dir.join(relative)),
    ];
    candidates.into_iter().flatten().any(|path| path.exists())
}

fn cdn_script(findings: &mut Findings<'_>, file: &SourceFile, element: &SourceElement, src: &str) {
    let src = src.trim();
    let remote = src.starts_with("http://") || src.starts_with("https://") || src.starts_with("//");
    if remote && framecast_browser::cdn::cdn_file(src).is_none() {
        let message =
            format!("<script src=\"{src}\"> is not a library framecast has an embedded copy of");
        findings.add(&CDN_SCRIPT_UNKNOWN, file, element.offset, message);
    }
}
