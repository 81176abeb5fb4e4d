//! Timeline registration: each GSAP timeline a file builds is registered in
//! `window.__timelines` under a composition id the files declare, while the page loads (the
//! runtime looks the timelines up once, after the load event and `document.fonts.ready`).

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::Findings;
use crate::rules::{
    TIMELINE_BOUND_TO_ROOT, TIMELINE_ID_MISMATCH, TIMELINE_NOT_REGISTERED, TIMELINE_REGISTERED_LATE,
};
use crate::script::Script;

/// `window.__timelines["id"] = …` and `__timelines.id = …`; the id group is absent when the
/// key is an expression.
static REGISTRATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:window\s*\.\s*)?__timelines\s*(?:\[\s*(?:"([^"\\]*)"|'([^'\\]*)'|`([^`$\\]*)`|[^\]]*?)\s*\]|\.\s*([A-Za-z_$][\w$]*))\s*=(?:[^=]|$)"#,
    )
    .expect("should compile")
});

static GSAP_TIMELINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bgsap\s*\.\s*timeline\s*\(").expect("should compile"));

/// A registration found in a script: where, and the literal id when there is one.
pub(super) struct Registration {
    pub offset: usize,
    pub id: Option<String>,
}

pub(super) fn registrations(script: &Script<'_>) -> Vec<Registration> {
    REGISTRATION
        .captures_iter(&script.code)
        .map(|captures| Registration {
            offset: captures.get(0).map_or(0, |whole| whole.start()),
            id: [1, 2, 3, 4]
                .iter()
                .find_map(|&group| captures.get(group))
                .map(|id| id.as_str().to_string()),
        })
        .collect()
}

pub(super) fn check(findings: &mut Findings<'_>) {
    let project = findings.project;
    let known: HashSet<&str> = project
        .files()
        .flat_map(|file| file.elements.iter())
        .filter_map(|element| element.attr("data-composition-id"))
        .collect();
    // The runtime plays a lone timeline registered under an unknown id as the root's, as
    // HyperFrames does: that is a warning, not an error, while it stays the only one.
    let registered_in_all: usize = project
        .files()
        .flat_map(super::scripts)
        .map(|script| registrations(&script).len())
        .sum();
    let lone = registered_in_all == 1;
    for file in project.files() {
        let scripts = super::scripts(file);
        let mut registered = false;
        for script in &scripts {
            registered |= script.code.contains("__timelines");
            for registration in registrations(script) {
                let offset = script.offset + registration.offset;
                if let Some(id) = registration.id.as_deref().filter(|id| !known.contains(id)) {
                    let mut ids: Vec<&str> = known.iter().copied().collect();
                    ids.sort_unstable();
                    let fix = match ids.as_slice() {
                        [] => "Add data-composition-id to the root and register the timeline under it.".to_string(),
                        ids => format!("Register it under one of the composition ids: {}.", quoted(ids)),
                    };
                    let (rule, message) = if lone {
                        (
                            &TIMELINE_BOUND_TO_ROOT,
                            format!(
                                "window.__timelines[\"{id}\"] is the only timeline and no element has data-composition-id=\"{id}\": it plays as the root's timeline"
                            ),
                        )
                    } else {
                        (
                            &TIMELINE_ID_MISMATCH,
                            format!(
                                "window.__timelines[\"{id}\"] is registered, but no element has data-composition-id=\"{id}\""
                            ),
                        )
                    };
                    findings.add(rule, file, offset, message).fix = fix;
                }
                if let Some(step) = async_step(script, registration.offset) {
                    findings.add(
                        &TIMELINE_REGISTERED_LATE,
                        file,
                        offset,
                        format!("the timeline is registered {step}, after the renderer has looked for timelines"),
                    );
                }
            }
        }
        if registered {
            continue;
        }
        let created = scripts.iter().find_map(|script| {
            GSAP_TIMELINE
                .find(&script.bare)
                .map(|found| script.offset + found.start())
        });
        if let Some(offset) = created {
            let id = file
                .elements
                .iter()
                .find_map(|element| element.attr("data-composition-id"))
                .unwrap_or("<composition id>");
            findings
                .add(
                    &TIMELINE_NOT_REGISTERED,
                    file,
                    offset,
                    "gsap.timeline() is created here, but no script of this file registers a timeline in window.__timelines".to_string(),
                )
                .fix = format!("Register it: window.__timelines[\"{id}\"] = tl; (created with gsap.timeline({{ paused: true }})).");
        }
    }
}

fn quoted(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("\"{id}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The asynchronous step the code at `at` runs in, if any: a timer or animation-frame
/// callback, a promise callback (other than `document.fonts.ready`'s), an event other than the
/// page's load, or an async function after an `await`.
fn async_step(script: &Script<'_>, at: usize) -> Option<String> {
    static LISTENED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^\(\s*["'`]([\w:-]+)["'`]"#).expect("should compile"));
    static ASYNC_HEAD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\basync\b\s*(?:function\b[^{]*|\([^()]*\)\s*=>\s*|[\w$]+\s*=>\s*|[\w$]+\s*\([^()]*\)\s*)$")
            .expect("should compile")
    });
    let openers = script.enclosing(at);
    for &open in &openers {
        match script.bare.as_bytes()[open] {
            b'(' => {
                let (callee, before) = script.callee_before(open);
                match callee {
                    "setTimeout"
                    | "setInterval"
                    | "requestAnimationFrame"
                    | "requestIdleCallback"
                    | "queueMicrotask" => return Some(format!("in a {callee} callback")),
                    "then" | "catch" | "finally" => {
                        let compact: String =
                            before.chars().filter(|c| !c.is_whitespace()).collect();
                        if !compact.ends_with("fonts.ready.") {
                            return Some(format!("in a promise's .{callee}() callback"));
                        }
                    }
                    "addEventListener" => {
                        let event = LISTENED
                            .captures(&script.code[open..])
                            .and_then(|captures| captures.get(1))
                            .map_or("", |event| event.as_str());
                        if !matches!(event, "load" | "DOMContentLoaded") {
                            return Some(format!("in a \"{event}\" event listener"));
                        }
                    }
                    _ => {}
                }
            }
            b'{' => {
                let head_start = script.bare[..open]
                    .rfind([';', '{', '}'])
                    .map_or(0, |index| index + 1);
                if ASYNC_HEAD.is_match(&script.bare[head_start..open]) && awaits(script, open, at) {
                    return Some("in an async function after an await".to_string());
                }
            }
            _ => {}
        }
    }
    let module = script
        .element
        .attr("type")
        .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("module"));
    if module && openers.is_empty() && awaits(script, 0, at) {
        return Some("after a top-level await".to_string());
    }
    None
}

/// Whether the bare code between `from` and `to` awaits something other than
/// `document.fonts.ready`.
fn awaits(script: &Script<'_>, from: usize, to: usize) -> bool {
    static AWAIT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\bawait\b\s*([\w$.\s]*)").expect("should compile"));
    AWAIT.captures_iter(&script.bare[from..to]).any(|captures| {
        let target: String = captures
            .get(1)
            .map_or("", |target| target.as_str())
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        !target.starts_with("document.fonts.ready")
    })
}
