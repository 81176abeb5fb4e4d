//! Fonts: every family the CSS names either has an `@font-face` (in a `<style>`, a local
//! stylesheet, or a Google Fonts stylesheet link) or is one framecast provides or maps
//! (`framecast-browser`'s font setup owns that list).

use std::collections::HashSet;

use framecast_composition::SourceFile;

use super::Findings;
use crate::css;
use crate::project::{Project, local_reference};
use crate::rules::FONT_NOT_PROVIDED;

pub(super) fn check(findings: &mut Findings<'_>) {
    let project = findings.project;
    let declared = declared(project);
    for file in project.files() {
        let mut reported = HashSet::new();
        let mut used: Vec<(usize, String)> = Vec::new();
        for (_, offset, text) in file.styles() {
            let text = css::without_comments(text);
            used.extend(
                css::used_families(&text)
                    .into_iter()
                    .map(|(at, family)| (offset + at, family)),
            );
        }
        for element in &file.elements {
            if let Some(style) = element.attr("style") {
                used.extend(
                    css::used_families(style)
                        .into_iter()
                        .map(|(_, family)| (element.offset, family)),
                );
            }
        }
        for (offset, family) in used {
            let key = family.to_ascii_lowercase();
            if declared.contains(&key)
                || framecast_browser::provided_font_for(&family).is_some()
                || !reported.insert(key)
            {
                continue;
            }
            let message = format!(
                "font-family \"{family}\" has no @font-face and is not a family framecast provides or maps"
            );
            findings.add(&FONT_NOT_PROVIDED, file, offset, message);
        }
    }
}

/// The families declared anywhere in the composition, lower case.
fn declared(project: &Project) -> HashSet<String> {
    let mut families = HashSet::new();
    for file in project.files() {
        for (_, _, text) in file.styles() {
            families.extend(css::declared_families(&css::without_comments(text)));
        }
        for href in stylesheet_links(file) {
            if let Some(google) = google_fonts_families(href) {
                families.extend(google);
            } else if let Some(path) =
                local_reference(href).map(|relative| project.dir.join(relative))
            {
                if let Ok(text) = std::fs::read_to_string(path) {
                    families.extend(css::declared_families(&css::without_comments(&text)));
                }
            }
        }
    }
    families
        .into_iter()
        .map(|family| family.to_ascii_lowercase())
        .collect()
}

fn stylesheet_links(file: &SourceFile) -> impl Iterator<Item = &str> {
    file.elements
        .iter()
        .filter(|element| {
            element.tag == "link"
                && element
                    .attr("rel")
                    .is_some_and(|rel| rel.to_ascii_lowercase().contains("stylesheet"))
        })
        .filter_map(|element| element.attr("href"))
}

/// The families a Google Fonts stylesheet URL asks for (`css2?family=Roboto:wght@400&family=…`
/// or `css?family=Roboto:400|Lato`), which the stylesheet declares with `@font-face`.
fn google_fonts_families(url: &str) -> Option<Vec<String>> {
    let rest = url
        .trim()
        .trim_start_matches("https:")
        .trim_start_matches("http:")
        .strip_prefix("//fonts.googleapis.com/")?;
    let (_, query) = rest.split_once('?')?;
    let families = query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("family="))
        .flat_map(|value| value.split('|'))
        .map(|family| {
            let name = family.split(':').next().unwrap_or(family);
            name.replace('+', " ").replace("%20", " ")
        })
        .filter(|name| !name.is_empty())
        .collect();
    Some(families)
}
