//! The root: present, with an id and a size, valid attributes, and a length that can be
//! determined.

use framecast_composition::CompositionError;

use super::Findings;
use crate::rules::{
    DURATION_UNKNOWN, ROOT_INVALID_ATTRIBUTE, ROOT_MISSING, ROOT_MISSING_ID, ROOT_MISSING_SIZE,
};

pub(super) fn check(findings: &mut Findings<'_>) {
    let project = findings.project;
    let entry = &project.entry;
    let root = entry.elements.iter().find(|element| element.is_root);
    let root_offset = root.map_or(0, |root| root.offset);
    match &project.composition {
        Err(CompositionError::NoRoot { .. }) => {
            let in_template = entry
                .elements
                .iter()
                .any(|element| element.in_template && element.has_attr("data-composition-id"));
            let message = if in_template {
                "the entry file's only composition is inside a <template>, which is never part of the page: this is a sub-composition file, not an entry file".to_string()
            } else {
                "no element has data-composition-id or data-root=\"true\"".to_string()
            };
            findings.add(&ROOT_MISSING, entry, 0, message);
        }
        Err(CompositionError::MissingAttribute {
            attribute, element, ..
        }) => {
            findings.add(
                &ROOT_MISSING_SIZE,
                entry,
                root_offset,
                format!("the root {element} has no {attribute}"),
            );
        }
        Err(
            error @ (CompositionError::BadAttribute { .. } | CompositionError::ZeroDuration { .. }),
        ) => {
            let message = error.to_string();
            let message = message
                .split_once(": ")
                .map_or(message.as_str(), |(_, rest)| rest)
                .to_string();
            findings.add(&ROOT_INVALID_ATTRIBUTE, entry, root_offset, message);
        }
        _ => {}
    }
    let Some(root) = root else {
        return;
    };
    if !root.has_attr("data-composition-id") {
        findings.add(
            &ROOT_MISSING_ID,
            entry,
            root.offset,
            format!(
                "the root {} is marked with data-root=\"true\" but has no data-composition-id",
                root.describe
            ),
        );
    }
    if !root.has_attr("data-duration") && !duration_known(findings) {
        findings.add(
            &DURATION_UNKNOWN,
            entry,
            root.offset,
            format!(
                "the root {} has no data-duration, no script registers a timeline, and no clip has a known end",
                root.describe
            ),
        );
    }
}

/// Whether the page can tell the length without the root's data-duration: a registered
/// timeline, a clip with a number for its end, or a media clip (whose file has a length).
fn duration_known(findings: &Findings<'_>) -> bool {
    let project = findings.project;
    let registers = project.files().any(|file| {
        super::scripts(file)
            .iter()
            .any(|script| script.code.contains("__timelines"))
    });
    let timed_end = super::timing::root_scope_ends(&project.entry)
        .into_iter()
        .any(|end| end.is_some());
    let media = project.entry.elements.iter().any(|element| {
        element.in_root
            && matches!(element.tag.as_str(), "video" | "audio")
            && element.has_attr("data-start")
    });
    registers || timed_end || media
}
