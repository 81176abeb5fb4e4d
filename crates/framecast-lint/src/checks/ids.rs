//! Ids that must be unique: composition ids within a file (hosts that mount the same file are
//! instances, not duplicates) and media element ids across the composition.

use std::collections::HashMap;

use super::Findings;
use crate::rules::{DUPLICATE_COMPOSITION_ID, DUPLICATE_MEDIA_ID};

pub(super) fn check(findings: &mut Findings<'_>) {
    let project = findings.project;
    for file in project.files() {
        let mut first: HashMap<&str, &str> = HashMap::new();
        for element in &file.elements {
            if element.in_template || element.has_attr("data-composition-src") {
                continue;
            }
            let Some(id) = element.attr("data-composition-id").map(str::trim) else {
                continue;
            };
            if id.is_empty() {
                continue;
            }
            match first.get(id) {
                Some(earlier) => {
                    let message = format!(
                        "{} has data-composition-id=\"{id}\", which {earlier} already has",
                        element.describe
                    );
                    findings.add(&DUPLICATE_COMPOSITION_ID, file, element.offset, message);
                }
                None => {
                    first.insert(id, &element.describe);
                }
            }
        }
    }
    let mut media: HashMap<&str, String> = HashMap::new();
    for file in project.files() {
        for element in &file.elements {
            if !matches!(element.tag.as_str(), "video" | "audio") && !is_timed_image(element) {
                continue;
            }
            let Some(id) = element.attr("id").filter(|id| !id.trim().is_empty()) else {
                continue;
            };
            let here = format!("{} ({})", element.describe, display(project, &file.path));
            match media.get(id) {
                Some(earlier) => {
                    let message = format!("{here} has the same id as {earlier}");
                    findings.add(&DUPLICATE_MEDIA_ID, file, element.offset, message);
                }
                None => {
                    media.insert(id, here);
                }
            }
        }
    }
}

fn is_timed_image(element: &framecast_composition::SourceElement) -> bool {
    element.tag == "img" && element.has_attr("data-start")
}

fn display(project: &crate::project::Project, path: &std::path::Path) -> String {
    path.strip_prefix(&project.dir)
        .unwrap_or(path)
        .display()
        .to_string()
}
