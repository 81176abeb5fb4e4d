//! The rules lint applies: one stable code each, with what it means and how to fix it. The
//! README's table lists the same rows (a test in the CLI checks that it names every code).

use crate::Severity::{self, Error, Warning};

/// One lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable: scripts and CI configurations match on it.
    pub code: &'static str,
    pub severity: Severity,
    /// What a finding of this rule means, in one sentence.
    pub meaning: &'static str,
    /// What to do about it, in one line.
    pub fix: &'static str,
}

macro_rules! rules {
    ($($name:ident: $code:literal, $severity:ident, $meaning:literal, $fix:literal;)*) => {
        $(pub const $name: Rule = Rule {
            code: $code,
            severity: $severity,
            meaning: $meaning,
            fix: $fix,
        };)*
        /// Every rule, in the README's order.
        pub const RULES: &[Rule] = &[$($name),*];
    };
}

rules! {
    ROOT_MISSING: "root_missing", Error,
        "The entry file has no element with data-composition-id (or data-root=\"true\"), so there is nothing to render.",
        "Wrap the composition in <div id=\"root\" data-composition-id=\"main\" data-width=\"1920\" data-height=\"1080\" data-duration=\"5\">.";
    ROOT_MISSING_ID: "root_missing_id", Error,
        "The root is marked only with data-root=\"true\": it has no composition id to register its timeline under.",
        "Add data-composition-id=\"main\" to the root and register its timeline as window.__timelines[\"main\"].";
    ROOT_MISSING_SIZE: "root_missing_size", Error,
        "The root has no data-width or data-height, so the frame size is unknown.",
        "Set data-width and data-height on the root, e.g. data-width=\"1920\" data-height=\"1080\".";
    ROOT_INVALID_ATTRIBUTE: "root_invalid_attribute", Error,
        "A root attribute (data-width, data-height, data-duration, data-fps) has a value framecast cannot use.",
        "Use whole pixels from 1 to 16384, a duration in seconds above 0, and a frame rate such as 30 or 30000/1001.";
    DURATION_UNKNOWN: "duration_unknown", Error,
        "The root has no data-duration, registers no timeline and no clip has a known end, so the video's length cannot be determined.",
        "Set data-duration on the root (seconds), or register a paused timeline under the root's id.";
    TIMELINE_ID_MISMATCH: "timeline_id_mismatch", Error,
        "A script registers window.__timelines[\"…\"] under an id that no data-composition-id has, so no composition plays it.",
        "Register the timeline under the data-composition-id of the composition it animates.";
    TIMELINE_BOUND_TO_ROOT: "timeline_bound_to_root", Warning,
        "The page's only timeline is registered under an id no data-composition-id has: framecast, like HyperFrames, plays it as the root's timeline, until a second timeline is registered.",
        "Register it under the root's data-composition-id.";
    TIMELINE_NOT_REGISTERED: "timeline_not_registered", Error,
        "A file creates a GSAP timeline but never registers it in window.__timelines, so the renderer cannot seek it.",
        "Create it paused and register it: window.__timelines[\"<composition id>\"] = gsap.timeline({ paused: true }).";
    TIMELINE_REGISTERED_LATE: "timeline_registered_late", Error,
        "A timeline is registered inside a timer, promise callback or after an await: the renderer looks for timelines once the page has loaded and its fonts are ready, before that step runs.",
        "Register the timeline synchronously while the script runs (or in a load or document.fonts.ready callback), adding tweens before or after.";
    DUPLICATE_COMPOSITION_ID: "duplicate_composition_id", Error,
        "Two elements of one file have the same data-composition-id (hosts mounting the same file excepted), so timelines and variables go to the wrong one.",
        "Give each composition its own data-composition-id.";
    DUPLICATE_MEDIA_ID: "duplicate_media_id", Error,
        "Two media elements have the same id, so the renderer cannot tell which one a timing or a frame belongs to.",
        "Give each <video>, <audio> and <img> clip its own id.";
    CLIP_OVERLAP: "clip_overlap", Error,
        "Two clips on the same data-track-index overlap in time; a track holds one clip at a time.",
        "Move one of them to another data-track-index, or change its data-start or data-duration.";
    START_UNKNOWN_REFERENCE: "start_unknown_reference", Error,
        "A data-start refers to a clip id that no clip of the same composition has.",
        "Refer to the id of a clip in the same composition (data-start=\"intro + 0.5\"), or give seconds.";
    START_REFERENCE_CYCLE: "start_reference_cycle", Error,
        "data-start references form a cycle, so none of those clips has a start.",
        "Start one of the clips of the cycle at a number of seconds.";
    START_INVALID: "start_invalid", Error,
        "A data-start or data-duration is neither seconds nor a clip reference.",
        "Use seconds (data-start=\"1.5\") or a clip reference (data-start=\"intro\", \"intro + 0.5\", \"intro - 0.25\").";
    INFINITE_REPEAT: "infinite_repeat", Error,
        "A GSAP tween or timeline repeats forever (repeat: -1), so the timeline has no end and the video's length comes out wrong.",
        "Repeat a fixed number of times, e.g. repeat: Math.ceil(duration / cycle) - 1.";
    INFINITE_CSS_ANIMATION: "infinite_css_animation", Warning,
        "A CSS or Web Animation runs forever: framecast seeks it, but it says nothing about the video's length.",
        "Give it a finite iteration count, or make sure the root has data-duration.";
    NONDETERMINISTIC_CODE: "nondeterministic_code", Warning,
        "A script reads the clock or Math.random(): framecast's virtual clock and seeded random make a render repeatable, but other players and the preview of other tools differ.",
        "Derive values from the timeline's time, or from a seeded generator of your own.";
    UNSHIMMED_WORKER: "unshimmed_worker", Error,
        "A script starts a Worker: time and randomness in a worker are real, not the page's virtual clock and seeded random, so frames differ between renders.",
        "Do the work in the page script itself.";
    NETWORK_REQUEST: "network_request", Error,
        "A script fetches an outside URL at run time; a render's network is closed, so the request fails.",
        "Save the file in the composition folder and load it by a relative path.";
    IMPERATIVE_MEDIA_CONTROL: "imperative_media_control", Error,
        "A script plays, pauses or seeks a media element itself; framecast owns media timing, so the frames and the audio disagree.",
        "Remove the call; time media with data-start, data-duration and data-media-start.";
    VIDEO_SOUND_UNDECLARED: "video_sound_undeclared", Error,
        "A <video> whose file has sound has neither muted nor data-has-audio, so whether its sound belongs in the mix is not said (framecast leaves it out).",
        "Add data-has-audio=\"true\" to mix its sound, or muted to keep it silent.";
    MISSING_ASSET: "missing_asset", Error,
        "A file the composition names by a relative path does not exist in the composition folder.",
        "Fix the path (relative to the file that names it), or add the file.";
    CDN_SCRIPT_UNKNOWN: "cdn_script_unknown", Warning,
        "A script comes from a URL framecast has no embedded copy of: it is fetched from the network before the render, which fails with --offline.",
        "Load GSAP, Lottie, Three.js or anime.js from jsDelivr, unpkg or cdnjs, or save the script in the composition folder.";
    FONT_NOT_PROVIDED: "font_not_provided", Warning,
        "A font family named in CSS has no @font-face and is not one framecast provides or maps, so text renders in the next family of the list (or Inter).",
        "Add an @font-face with the font file in the composition folder, or use Inter, JetBrains Mono or a family mapped to them.";
    INVALID_VARIABLES: "invalid_variables", Error,
        "data-composition-variables or data-variable-values is not a valid declaration: not JSON, not an array of {id, type, default}, a repeated id, or a default of the wrong type.",
        "Declare [{\"id\": \"title\", \"type\": \"string\", \"default\": \"Hello\"}], one entry per id, defaults of the declared type.";
    SUBCOMPOSITION_WITHOUT_TEMPLATE: "subcomposition_without_template", Error,
        "A file mounted with data-composition-src has no <template>, so its whole body is mounted instead of the sub-composition.",
        "Put the sub-composition inside <template><div data-composition-id=\"…\" data-width=\"…\" data-height=\"…\">…</div></template>.";
    PAGE_ERROR: "page_error", Error,
        "Opened in Chrome as a render opens it, the page failed: a script threw, a file did not load, the runtime could not bind a timeline, or a seek raised an error (the in-page pass).",
        "Fix the error at the file and line given; framecast lint --static skips the in-page pass.";
    FONT_LOAD_FAILED: "font_load_failed", Error,
        "An @font-face rule's file did not load in the page (missing, not a font, or refused), so its text renders in a fallback font (the in-page pass).",
        "Point the @font-face src at a font file (woff2, woff, ttf or otf) in the composition folder.";
    TIMELINE_LONGER_THAN_COMPOSITION: "timeline_longer_than_composition", Warning,
        "A composition's timeline lasts longer than its data-duration, so what it animates after that is never shown (the in-page pass).",
        "Raise data-duration to the timeline's length, or end the timeline's last tween sooner.";
}

/// The rules only the in-page pass finds (`Report::add_page`); the others are static.
pub const IN_PAGE: &[Rule] = &[
    PAGE_ERROR,
    FONT_LOAD_FAILED,
    TIMELINE_LONGER_THAN_COMPOSITION,
];

/// The rule with `code`.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.code == code)
}
