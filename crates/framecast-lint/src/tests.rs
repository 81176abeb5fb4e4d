//! One composition that triggers each rule and one that does not, table-driven: the clean one
//! must give no finding at all, so each pair also shows the right way to write the thing.

use std::path::Path;

use super::*;

/// A composition with the root `main` (320×180, 2 s) around `body`, and `head` in its head.
fn page(head: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html><head>{head}</head><body>\n<div id=\"root\" data-composition-id=\"main\" data-width=\"320\" data-height=\"180\" data-duration=\"2\">\n{body}\n</div></body></html>\n"
    )
}

/// A page whose only script is `script`, with GSAP loaded by name.
fn scripted(script: &str) -> String {
    page(
        "<script src=\"gsap.min.js\"></script>",
        &format!("<div id=\"box\"></div>\n<script>\n{script}\n</script>"),
    )
}

const REGISTERED: &str = "const tl = gsap.timeline({ paused: true });\ntl.to(\"#box\", { x: 100, duration: 1 });\nwindow.__timelines[\"main\"] = tl;";

/// `REGISTERED` under a misspelt id, and a second timeline under the root's: the misspelt one
/// plays nowhere.
static MISREGISTERED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{}\nwindow.__timelines[\"main\"] = gsap.timeline({{ paused: true }});",
        REGISTERED.replace("[\"main\"]", "[\"mian\"]")
    )
});

struct Case {
    code: &'static str,
    triggers: Vec<(&'static str, String)>,
    clean: Vec<(&'static str, String)>,
}

fn case(code: &'static str, triggers: String, clean: String) -> Case {
    Case {
        code,
        triggers: vec![("index.html", triggers)],
        clean: vec![("index.html", clean)],
    }
}

const SUB: &str = "<template><div data-composition-id=\"intro\" data-width=\"320\" data-height=\"180\"><p>hi</p></div></template>";

fn cases() -> Vec<Case> {
    let host = "<div id=\"intro-host\" data-composition-id=\"intro\" data-composition-src=\"intro.html\" data-start=\"0\" data-duration=\"1\"></div>";
    vec![
        case(
            "root_missing",
            "<html><body><div id=\"stage\" data-width=\"320\" data-height=\"180\"></div></body></html>".into(),
            page("", ""),
        ),
        case(
            "root_missing_id",
            "<html><body><div data-root=\"true\" data-width=\"320\" data-height=\"180\" data-duration=\"1\"></div></body></html>".into(),
            page("", ""),
        ),
        case(
            "root_missing_size",
            "<html><body><div data-composition-id=\"main\" data-width=\"320\" data-duration=\"1\"></div></body></html>".into(),
            page("", ""),
        ),
        case(
            "root_invalid_attribute",
            "<html><body><div data-composition-id=\"main\" data-width=\"wide\" data-height=\"180\" data-duration=\"1\"></div></body></html>".into(),
            page("", ""),
        ),
        case(
            "duration_unknown",
            "<html><body><div data-composition-id=\"main\" data-width=\"320\" data-height=\"180\"><p>still</p></div></body></html>".into(),
            "<html><body><div data-composition-id=\"main\" data-width=\"320\" data-height=\"180\"><p id=\"a\" data-start=\"0\" data-duration=\"3\">on</p></div></body></html>".into(),
        ),
        case(
            "timeline_id_mismatch",
            scripted(&MISREGISTERED),
            scripted(REGISTERED),
        ),
        case(
            "timeline_bound_to_root",
            scripted(&REGISTERED.replace("[\"main\"]", "[\"mian\"]")),
            scripted(REGISTERED),
        ),
        case(
            "timeline_not_registered",
            scripted("const tl = gsap.timeline({ paused: true });\ntl.to(\"#box\", { x: 100, duration: 1 });"),
            scripted(REGISTERED),
        ),
        case(
            "timeline_registered_late",
            scripted(&format!("setTimeout(() => {{\n{REGISTERED}\n}}, 100);")),
            scripted(&format!("document.fonts.ready.then(() => {{\n{REGISTERED}\n}});")),
        ),
        Case {
            code: "duplicate_composition_id",
            triggers: vec![("index.html", page("", "<div data-composition-id=\"main\"></div>"))],
            clean: vec![
                (
                    "index.html",
                    page("", &format!("{host}\n{}", host.replace("intro-host", "intro-again").replace("data-start=\"0\"", "data-start=\"1\""))),
                ),
                ("intro.html", SUB.into()),
            ],
        },
        case(
            "duplicate_media_id",
            page("", "<audio id=\"music\" src=\"a.wav\" data-start=\"0\"></audio><audio id=\"music\" src=\"a.wav\" data-start=\"1\"></audio>"),
            page("", "<audio id=\"music\" src=\"a.wav\" data-start=\"0\"></audio><audio id=\"voice\" src=\"a.wav\" data-start=\"1\"></audio>"),
        ),
        case(
            "clip_overlap",
            page("", "<p id=\"a\" data-start=\"0\" data-duration=\"1.5\" data-track-index=\"0\">a</p><p id=\"b\" data-start=\"1\" data-duration=\"1\" data-track-index=\"0\">b</p>"),
            page("", "<p id=\"a\" data-start=\"0\" data-duration=\"1\" data-track-index=\"0\">a</p><p id=\"b\" data-start=\"a\" data-duration=\"1\" data-track-index=\"0\">b</p>"),
        ),
        case(
            "start_unknown_reference",
            page("", "<p id=\"a\" data-start=\"0\" data-duration=\"1\">a</p><p id=\"b\" data-start=\"intro + 0.5\" data-duration=\"1\">b</p>"),
            page("", "<p id=\"a\" data-start=\"0\" data-duration=\"1\">a</p><p id=\"b\" data-start=\"a - 0.5\" data-duration=\"1\">b</p>"),
        ),
        case(
            "start_reference_cycle",
            page("", "<p id=\"a\" data-start=\"b\" data-duration=\"1\">a</p><p id=\"b\" data-start=\"a\" data-duration=\"1\">b</p>"),
            page("", "<p id=\"a\" data-start=\"0\" data-duration=\"1\">a</p><p id=\"b\" data-start=\"a\" data-duration=\"1\">b</p>"),
        ),
        case(
            "start_invalid",
            page("", "<p id=\"a\" data-start=\"1.5s\" data-duration=\"1\">a</p>"),
            page("", "<p id=\"a\" data-start=\"0.5\" data-duration=\"1\">a</p>"),
        ),
        case(
            "infinite_repeat",
            scripted(&REGISTERED.replace("duration: 1 }", "duration: 1, repeat: -1 }")),
            scripted(&REGISTERED.replace("duration: 1 }", "duration: 0.5, repeat: 3 }")),
        ),
        case(
            "infinite_css_animation",
            page("<style>@keyframes spin { to { transform: rotate(1turn); } } #s { animation: spin 1s linear infinite; }</style>", "<div id=\"s\"></div>"),
            page("<style>@keyframes spin { to { transform: rotate(1turn); } } #s { animation: spin 1s linear 2; }</style>", "<div id=\"s\"></div>"),
        ),
        case(
            "nondeterministic_code",
            scripted(&format!("const jitter = Math.random() * 10;\n{REGISTERED}")),
            scripted(&format!("const jitter = (7 * 31) % 10; // Math.random() would differ elsewhere\n{REGISTERED}")),
        ),
        case(
            "unshimmed_worker",
            scripted(&format!("const worker = new Worker(\"sim.js\");\n{REGISTERED}")),
            scripted(REGISTERED),
        ),
        case(
            "network_request",
            scripted(&format!("fetch(\"https://api.example.com/data.json\").then((r) => r.json());\n{REGISTERED}")),
            scripted(&format!("const label = \"see https://example.com\";\n{REGISTERED}")),
        ),
        case(
            "imperative_media_control",
            page("", "<audio id=\"music\" src=\"a.wav\" data-start=\"0\"></audio>\n<script>document.getElementById(\"music\").play();</script>"),
            page("", "<audio id=\"music\" src=\"a.wav\" data-start=\"0\"></audio>\n<script>document.getElementById(\"title\");</script>"),
        ),
        Case {
            code: "video_sound_undeclared",
            triggers: vec![("index.html", page("", "<video id=\"v\" src=\"talk.mp4\" data-start=\"0\"></video>"))],
            clean: vec![("index.html", page("", "<video id=\"v\" src=\"talk.mp4\" data-start=\"0\" data-has-audio=\"true\"></video>"))],
        },
        case(
            "missing_asset",
            page("", "<img id=\"logo\" src=\"assets/logo.png\">"),
            page("", "<img id=\"logo\" src=\"a.wav\">"),
        ),
        case(
            "cdn_script_unknown",
            page("<script src=\"https://cdn.example.com/confetti.js\"></script>", ""),
            page("<script src=\"https://cdn.jsdelivr.net/npm/gsap@3.12.5/dist/gsap.min.js\"></script>", ""),
        ),
        case(
            "font_not_provided",
            page("<style>h1 { font-family: \"Brand Sans\", sans-serif; }</style>", "<h1>Title</h1>"),
            page("<style>@font-face { font-family: \"Brand Sans\"; src: url(a.wav); } h1 { font-family: \"Brand Sans\", Arial, sans-serif; }</style>", "<h1>Title</h1>"),
        ),
        case(
            "invalid_variables",
            page("", "").replace("<html>", "<html data-composition-variables='[{\"id\":\"n\",\"type\":\"number\",\"default\":\"five\"}]'>"),
            page("", "").replace("<html>", "<html data-composition-variables='[{\"id\":\"n\",\"type\":\"number\",\"default\":5}]'>"),
        ),
        Case {
            code: "subcomposition_without_template",
            triggers: vec![
                ("index.html", page("", host)),
                ("intro.html", "<html><body><div data-composition-id=\"intro\"><p>hi</p></div></body></html>".into()),
            ],
            clean: vec![("index.html", page("", host)), ("intro.html", SUB.into())],
        },
    ]
}

/// Writes `files` (and the small media files the cases name) into a fresh folder and lints it.
fn lint_files(files: &[(&str, String)]) -> Report {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("should write the file");
    }
    std::fs::write(dir.path().join("a.wav"), b"RIFF").expect("should write the file");
    if files.iter().any(|(_, text)| text.contains("talk.mp4")) {
        make_video_with_sound(&dir.path().join("talk.mp4"));
    }
    lint(dir.path()).expect("the composition should be linted")
}

/// A 0.2 s clip with a tone, made with the ffmpeg CLI that scripts/setup installs.
fn make_video_with_sound(path: &Path) {
    let status = std::process::Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=32x32:d=0.2",
            "-f",
            "lavfi",
            "-i",
            "sine=d=0.2",
            "-shortest",
        ])
        .arg(path)
        .status()
        .expect("ffmpeg should run");
    assert!(status.success(), "ffmpeg should make {}", path.display());
}

#[test]
fn each_rule_has_a_triggering_and_a_clean_composition() {
    let cases = cases();
    // The in-page rules need Chrome: the CLI's tests (crates/framecast/tests/lint.rs) cover them.
    for rule in RULES.iter().filter(|rule| !rules::IN_PAGE.contains(rule)) {
        assert!(
            cases.iter().any(|case| case.code == rule.code),
            "no case for {}",
            rule.code
        );
    }
    for case in &cases {
        assert!(
            rules::rule(case.code).is_some(),
            "{} is not a rule",
            case.code
        );
        let triggered = lint_files(&case.triggers);
        assert!(
            triggered
                .findings
                .iter()
                .any(|finding| finding.code == case.code),
            "{} was not triggered:\n{}",
            case.code,
            triggered.to_text()
        );
        let clean = lint_files(&case.clean);
        assert!(
            clean.findings.is_empty(),
            "the clean case of {} has findings:\n{}",
            case.code,
            clean.to_text()
        );
    }
}

#[test]
fn findings_point_at_the_line_and_column() {
    let report = lint_files(&[("index.html", scripted(&MISREGISTERED))]);
    let finding = &report.findings[0];
    assert_eq!(finding.code, "timeline_id_mismatch");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.file, Path::new("index.html"));
    // The script starts on line 6; the registration is its third line.
    assert_eq!(
        (finding.line, finding.column),
        (8, 1),
        "{}",
        report.to_text()
    );
    assert!(finding.message.contains("\"mian\""), "{}", finding.message);
    assert!(finding.fix.contains("\"main\""), "{}", finding.fix);
    assert_eq!(
        report.summary(),
        "lint: 1 error, 0 warnings (timeline_id_mismatch)"
    );
}

#[test]
fn a_clip_id_ending_in_a_number_is_explained_and_a_transition_needs_seconds() {
    let report = lint_files(&[(
        "index.html",
        page(
            "",
            "<p id=\"scene-1\" data-start=\"0\" data-duration=\"1\">a</p><p id=\"b\" data-start=\"scene-1\" data-duration=\"1\">b</p>\n<p id=\"c\" data-start=\"b\" data-duration=\"1\" data-transition=\"domain-warp\">c</p>",
        ),
    )]);
    let messages: Vec<&str> = report
        .findings
        .iter()
        .map(|finding| finding.message.as_str())
        .collect();
    assert_eq!(report.errors(), 2, "{}", report.to_text());
    assert!(
        messages[0].contains("reads as \"scene\" -1"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("must be a number of seconds"),
        "{}",
        messages[1]
    );
}

#[test]
fn a_duration_of_zero_or_less_means_the_clip_lasts_to_the_end() {
    // HyperFrames reads data-duration <= 0 as no duration: not an error, and no overlap with a
    // later clip on another track.
    let report = lint_files(&[(
        "index.html",
        page(
            "",
            "<p id=\"a\" data-start=\"0.5\" data-duration=\"0\" data-track-index=\"0\">a</p><p id=\"b\" data-start=\"1\" data-duration=\"-1\" data-track-index=\"1\">b</p>",
        ),
    )]);
    assert_eq!(report.findings.len(), 0, "{}", report.to_text());
    let report = lint_files(&[(
        "index.html",
        page(
            "",
            "<p id=\"a\" data-start=\"0\" data-duration=\"soon\">a</p>",
        ),
    )]);
    assert_eq!(report.errors(), 1, "{}", report.to_text());
}

#[test]
fn a_folder_without_a_composition_cannot_be_linted() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    assert!(lint(dir.path()).is_err());
    assert!(lint(&dir.path().join("missing")).is_err());
}
