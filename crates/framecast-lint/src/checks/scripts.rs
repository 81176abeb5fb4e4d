//! What page scripts do that a frame-by-frame render cannot follow: infinite repeats, the clock
//! and random numbers, workers, network requests, and media they play or seek themselves.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::Findings;
use crate::rules::{
    IMPERATIVE_MEDIA_CONTROL, INFINITE_CSS_ANIMATION, INFINITE_REPEAT, NETWORK_REQUEST,
    NONDETERMINISTIC_CODE, UNSHIMMED_WORKER,
};

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the pattern should compile")
}

pub(super) fn check(findings: &mut Findings<'_>) {
    static REPEAT: LazyLock<Regex> = LazyLock::new(|| regex(r"\brepeat\s*:\s*-\s*1\b"));
    static ANIME_LOOP: LazyLock<Regex> = LazyLock::new(|| regex(r"\bloop\s*:\s*true\b"));
    static ITERATIONS: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"\biterations\s*:\s*(?:Infinity|Number\s*\.\s*POSITIVE_INFINITY)\b")
    });
    static CLOCK: LazyLock<[(Regex, &str); 4]> = LazyLock::new(|| {
        [
            (regex(r"\bMath\s*\.\s*random\s*\("), "Math.random()"),
            (regex(r"\bDate\s*\.\s*now\s*\("), "Date.now()"),
            (regex(r"\bnew\s+Date\s*\(\s*\)"), "new Date()"),
            (regex(r"\bperformance\s*\.\s*now\s*\("), "performance.now()"),
        ]
    });
    static WORKER: LazyLock<Regex> = LazyLock::new(|| regex(r"\bnew\s+(?:Shared)?Worker\s*\("));
    static NETWORK: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r#"\b(fetch|import|EventSource|WebSocket|\.open)\s*\(\s*(?:["'`][A-Z]+["'`]\s*,\s*)?["'`]((?:https?|wss?):)?//[^"'`\s]*"#,
        )
    });
    let project = findings.project;
    let media_ids: HashSet<&str> = project
        .files()
        .flat_map(|file| file.elements.iter())
        .filter(|element| matches!(element.tag.as_str(), "video" | "audio"))
        .filter_map(|element| element.attr("id"))
        .collect();
    for file in project.files() {
        for script in super::scripts(file) {
            let at = |offset: usize| script.offset + offset;
            for found in REPEAT.find_iter(&script.bare) {
                findings.add(
                    &INFINITE_REPEAT,
                    file,
                    at(found.start()),
                    "a tween or timeline has repeat: -1 and never ends".to_string(),
                );
            }
            if script.bare.contains("anime") {
                for found in ANIME_LOOP.find_iter(&script.bare) {
                    findings
                        .add(
                            &INFINITE_REPEAT,
                            file,
                            at(found.start()),
                            "an anime.js animation has loop: true and never ends".to_string(),
                        )
                        .fix = "Loop a fixed number of times: loop: <count>.".to_string();
                }
            }
            for found in ITERATIONS.find_iter(&script.bare) {
                findings.add(
                    &INFINITE_CSS_ANIMATION,
                    file,
                    at(found.start()),
                    "a Web Animation has iterations: Infinity".to_string(),
                );
            }
            for (pattern, label) in CLOCK.iter() {
                if let Some(found) = pattern.find(&script.bare) {
                    findings.add(
                        &NONDETERMINISTIC_CODE,
                        file,
                        at(found.start()),
                        format!("the script calls {label}"),
                    );
                }
            }
            for found in WORKER.find_iter(&script.bare) {
                findings.add(
                    &UNSHIMMED_WORKER,
                    file,
                    at(found.start()),
                    "the script starts a worker".to_string(),
                );
            }
            for captures in NETWORK.captures_iter(&script.code) {
                let whole = captures.get(0).expect("the match should exist");
                let call = captures
                    .get(1)
                    .map_or("", |call| call.as_str())
                    .trim_start_matches('.');
                let url: String = whole
                    .as_str()
                    .chars()
                    .skip_while(|c| !matches!(c, 'h' | 'w' | '/'))
                    .collect();
                let url = url.trim_start_matches(['"', '\'', '`']);
                if framecast_browser::cdn::cdn_file(url).is_some() {
                    continue;
                }
                let message =
                    format!("the script requests {url} with {call}() while the page runs");
                findings.add(&NETWORK_REQUEST, file, at(whole.start()), message);
            }
            media_control(findings, file, &script, &media_ids);
        }
        for (_, offset, css) in file.styles() {
            let css = crate::css::without_comments(css);
            for found in crate::css::infinite_animations(&css) {
                findings.add(
                    &INFINITE_CSS_ANIMATION,
                    file,
                    offset + found,
                    "a CSS animation runs infinite times".to_string(),
                );
            }
        }
        for element in &file.elements {
            let Some(style) = element.attr("style") else {
                continue;
            };
            if !crate::css::infinite_animations(style).is_empty() {
                let message = format!(
                    "{} has an inline CSS animation that runs infinite times",
                    element.describe
                );
                findings.add(&INFINITE_CSS_ANIMATION, file, element.offset, message);
            }
        }
    }
}

/// `.play()`, `.pause()` and `.currentTime =` on media elements: on a lookup of one, or on a
/// variable holding one.
fn media_control(
    findings: &mut Findings<'_>,
    file: &framecast_composition::SourceFile,
    script: &crate::script::Script<'_>,
    media_ids: &HashSet<&str>,
) {
    static CURRENT_TIME: LazyLock<Regex> = LazyLock::new(|| regex(r"\.\s*currentTime\s*=[^=]"));
    static LOOKUP: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r#"(?:(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*)?(?:document|[\w$]+)\s*\.\s*(?:getElementById\(\s*["']([^"']+)["']\s*\)|querySelector(?:All)?\(\s*["']([^"']+)["']\s*\))(\s*\.\s*(?:play|pause)\s*\()?"#,
        )
    });
    let is_media_lookup = |id: Option<&str>, selector: Option<&str>| {
        id.is_some_and(|id| media_ids.contains(id))
            || selector.is_some_and(|selector| {
                let lower = selector.to_ascii_lowercase();
                lower.contains("video")
                    || lower.contains("audio")
                    || media_ids
                        .iter()
                        .any(|id| selector.contains(&format!("#{id}")))
            })
    };
    let mut variables = Vec::new();
    for captures in LOOKUP.captures_iter(&script.code) {
        let id = captures.get(2).map(|id| id.as_str());
        let selector = captures.get(3).map(|selector| selector.as_str());
        if !is_media_lookup(id, selector) {
            continue;
        }
        if let Some(call) = captures.get(4) {
            let offset = script.offset + call.start();
            let message = format!(
                "the script calls{} on a media element",
                call.as_str().trim()
            );
            findings.add(&IMPERATIVE_MEDIA_CONTROL, file, offset, message);
        }
        if let Some(variable) = captures.get(1) {
            variables.push(variable.as_str().to_string());
        }
    }
    for variable in variables {
        let calls = regex(&format!(
            r"(?:^|[^\w$.]){}\s*\.\s*(play|pause)\s*\(",
            regex::escape(&variable)
        ));
        for captures in calls.captures_iter(&script.bare) {
            let call = captures.get(1).expect("the group should match");
            let message = format!(
                "the script calls {variable}.{}() on a media element",
                call.as_str()
            );
            findings.add(
                &IMPERATIVE_MEDIA_CONTROL,
                file,
                script.offset + call.start(),
                message,
            );
        }
    }
    for found in CURRENT_TIME.find_iter(&script.bare) {
        findings.add(
            &IMPERATIVE_MEDIA_CONTROL,
            file,
            script.offset + found.start(),
            "the script sets a media element's currentTime".to_string(),
        );
    }
}
