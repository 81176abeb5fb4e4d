//! Sub-composition files: what `data-composition-src` mounts is the content of the file's
//! `<template>`, whose root carries `data-composition-id`.

use super::Findings;
use crate::rules::SUBCOMPOSITION_WITHOUT_TEMPLATE;

pub(super) fn check(findings: &mut Findings<'_>) {
    for file in &findings.project.subs {
        let template = file
            .elements
            .iter()
            .find(|element| element.tag == "template");
        let message = match template {
            None => "the file is mounted with data-composition-src but has no <template>",
            Some(_)
                if !file.elements.iter().any(|element| {
                    element.in_template && element.has_attr("data-composition-id")
                }) =>
            {
                "the file's <template> has no element with data-composition-id"
            }
            Some(_) => continue,
        };
        let offset = template.map_or(0, |template| template.offset);
        findings.add(
            &SUBCOMPOSITION_WITHOUT_TEMPLATE,
            file,
            offset,
            message.to_string(),
        );
    }
}
