//! Sub-composition files: what `data-composition-src` mounts is the content of the file's
//! `<template>` (the runtime falls back to the whole body, which is not what the author meant to
//! mount; HyperFrames' compiler reads only the template).

use super::Findings;
use crate::rules::SUBCOMPOSITION_WITHOUT_TEMPLATE;

pub(super) fn check(findings: &mut Findings<'_>) {
    for file in &findings.project.subs {
        if file
            .elements
            .iter()
            .any(|element| element.tag == "template")
        {
            continue;
        }
        let message = "the file is mounted with data-composition-src but has no <template>: its whole body is mounted, head and page set-up included".to_string();
        findings.add(&SUBCOMPOSITION_WITHOUT_TEMPLATE, file, 0, message);
    }
}
