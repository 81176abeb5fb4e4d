//! `framecast lint` through the binary: every fixture lints without an error (the in-page pass
//! included), a broken composition gives its findings as text and JSON with exit code 1, the
//! in-page pass finds what only Chrome can tell, a missing composition or Chrome exits 2, and
//! the README lists every rule.

mod support;

use std::path::Path;

use support::TestDir;

#[test]
fn every_fixture_lints_without_an_error() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures/ should be readable")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("src").is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() > 10, "{names:?}");
    let test = TestDir::new();
    for name in names {
        let path = support::fixture(&name);
        let output = test.framecast(&["lint", path.to_str().unwrap()]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{name}:\n{stdout}");
        assert!(!stdout.contains("error["), "{name}:\n{stdout}");
    }
}

const BROKEN: &str = r#"<!doctype html><html><head><script src="gsap.min.js"></script></head><body>
<div id="root" data-composition-id="main" data-width="320" data-height="180" data-duration="2">
  <img id="logo" src="assets/logo.png">
  <p id="a" data-start="0" data-duration="1.5" data-track-index="1">a</p>
  <p id="b" data-start="1" data-duration="1" data-track-index="1">b</p>
</div>
<script>
  const tl = gsap.timeline({ paused: true });
  window.__timelines["intro"] = tl;
  window.__timelines["main"] = gsap.timeline({ paused: true });
</script>
</body></html>
"#;

#[test]
fn findings_are_printed_with_place_and_fix_and_exit_1() {
    let test = TestDir::new();
    let folder = test.composition("broken", BROKEN);
    let output = test.framecast(&["lint", "--static", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "index.html:3:3: error[missing_asset]: <img id=\"logo\"> has src=\"assets/logo.png\"",
        "index.html:5:3: error[clip_overlap]",
        "index.html:9:3: error[timeline_id_mismatch]",
        "  fix: Register it under one of the composition ids: \"main\".",
        "lint: 3 errors, 0 warnings",
    ] {
        assert!(stdout.contains(expected), "{expected:?} not in:\n{stdout}");
    }

    let output = test.framecast(&["lint", "--static", "--json", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("--json should print JSON");
    assert_eq!(report["errors"], 3);
    let finding = &report["findings"][0];
    assert_eq!(finding["code"], "missing_asset");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], "index.html");
    assert_eq!(
        (finding["line"].clone(), finding["column"].clone()),
        (3.into(), 3.into())
    );
    assert!(finding["fix"].as_str().is_some_and(|fix| !fix.is_empty()));
}

/// Statically clean, but in Chrome: an onUpdate callback that throws past 0.5 s, an
/// `@font-face` whose file is not a font, and a 2 s timeline in a 1 s composition.
const FAILS_IN_THE_PAGE: &str = r##"<!doctype html><html><head><style>
@font-face { font-family: "Brand"; src: url("brand.woff2"); }
#t { font-family: Brand, sans-serif; }
</style><script src="https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js"></script></head><body>
<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="1">
<p id="t">Hi</p><div id="box"></div></div>
<script>
const tl = gsap.timeline({ paused: true, onUpdate() { if (tl.time() > 0.5) notDefined(); } });
tl.to("#box", { x: 100, duration: 2 });
window.__timelines["main"] = tl;
</script></body></html>
"##;

#[test]
fn the_in_page_pass_finds_what_only_chrome_can_tell() {
    let test = TestDir::new();
    let folder = test.composition("page", FAILS_IN_THE_PAGE);
    std::fs::write(folder.join("brand.woff2"), "not a font").unwrap();
    let output = test.framecast(&["lint", folder.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    for expected in [
        "index.html:2:1: error[font_load_failed]: the @font-face file of \"Brand\" did not load",
        "index.html:5:1: warning[timeline_longer_than_composition]: #root's timeline \"main\" lasts 2.000 s, but its data-duration is 1 s",
        // The seek that ran the callback fails, named at the callback's line.
        "index.html:8:",
        "error[page_error]: the page failed while seeking frame",
        "ReferenceError: notDefined is not defined",
        "lint: 2 errors, 1 warning (font_load_failed, timeline_longer_than_composition, page_error)",
    ] {
        assert!(stdout.contains(expected), "{expected:?} not in:\n{stdout}");
    }
    assert!(test.settle_and_list_leftovers().is_empty());

    // --static skips Chrome, and the composition is statically clean.
    let output = test.framecast(&["lint", "--static", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("lint: clean"));
}

#[test]
fn a_script_error_at_load_is_named_with_its_file_and_line() {
    let test = TestDir::new();
    let folder = test.composition(
        "load",
        "<div id=\"root\" data-composition-id=\"main\" data-width=\"64\" data-height=\"64\" data-duration=\"1\"></div>\n<script>\nconst ok = 1;\nmissingAtLoad();\n</script>",
    );
    let output = test.framecast(&["lint", "--json", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["code"], "page_error", "{report}");
    assert_eq!(finding["file"], "index.html");
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("missingAtLoad is not defined"),
        "{message}"
    );
    assert_eq!(finding["line"], 4, "{report}");

    let output = test.framecast(&[
        "lint",
        "--chrome",
        test.path("no-chrome").to_str().unwrap(),
        folder.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("for the in-page pass") && stderr.contains("--static"),
        "{stderr}"
    );
    assert!(test.settle_and_list_leftovers().is_empty());
}

#[test]
fn warnings_pass_unless_strict() {
    let test = TestDir::new();
    let folder = test.composition(
        "warned",
        r#"<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="1">
<style>p { font-family: "Brand Sans"; }</style><p>hi</p></div>"#,
    );
    let output = test.framecast(&["lint", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("warning[font_not_provided]"));
    let output = test.framecast(&["lint", "--strict", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_missing_composition_exits_2() {
    let test = TestDir::new();
    let output = test.framecast(&["lint", test.path("nothing").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not exist"), "{stderr}");
}

/// The README's rules table, as RULES gives it.
fn rules_table() -> String {
    let mut table = String::from("| code | severity | meaning | fix |\n|---|---|---|---|\n");
    for rule in framecast_lint::RULES {
        let cell = |text: &str| text.replace('|', "\\|").replace('<', "&lt;");
        table.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            rule.code,
            rule.severity.label(),
            cell(rule.meaning),
            cell(rule.fix)
        ));
    }
    table
}

/// The README lists every rule between its markers, exactly as the rules say; run with
/// `FRAMECAST_UPDATE_README=1` to rewrite the table.
#[test]
fn the_readme_lists_every_rule_with_its_meaning_and_fix() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md should be readable");
    let (start_marker, end_marker) = ("<!-- lint-rules:start -->\n", "<!-- lint-rules:end -->");
    let start = readme
        .find(start_marker)
        .expect("README.md should have the lint-rules markers")
        + start_marker.len();
    let end = start
        + readme[start..]
            .find(end_marker)
            .expect("the end marker should follow");
    let table = rules_table();
    if std::env::var_os("FRAMECAST_UPDATE_README").is_some() {
        let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("README.md should be writable");
        return;
    }
    assert_eq!(
        readme[start..end],
        table,
        "run with FRAMECAST_UPDATE_README=1 to update README.md"
    );
}

/// Two clips overlapping on one track: an error lint reports, which still renders.
const OVERLAPPING: &str = r#"<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="0.2">
<p id="a" data-start="0" data-duration="0.2" data-track-index="0">a</p>
<p id="b" data-start="0.1" data-duration="0.1" data-track-index="0">b</p></div>"#;

#[test]
fn render_prints_the_lint_summary_and_strict_stops_on_lint_errors() {
    let test = TestDir::new();
    let folder = test.composition("overlap", OVERLAPPING);
    let output = test.path("out.mp4");
    let rendered = test.render(&folder, &output, &[]);
    support::assert_success(&rendered);
    let stderr = String::from_utf8_lossy(&rendered.stderr);
    assert!(
        stderr.contains("lint: 1 error, 0 warnings (clip_overlap); run framecast lint"),
        "{stderr}"
    );
    assert!(output.is_file());

    let strict_output = test.path("strict.mp4");
    let refused = test.render(&folder, &strict_output, &["--strict"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--strict: lint found 1 error"), "{stderr}");
    assert!(!strict_output.exists());
}

#[test]
fn strict_all_stops_on_warnings_and_quiet_says_only_the_path() {
    let test = TestDir::new();
    let folder = test.composition(
        "warned",
        r#"<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="0.2">
<style>p { font-family: "Brand Sans"; }</style><p>hi</p></div>"#,
    );
    // A warning renders under --strict, and stops --strict-all before Chrome starts.
    let strict = test.path("strict.mp4");
    support::assert_success(&test.render(&folder, &strict, &["--strict"]));
    let refused = test.path("refused.mp4");
    let run = test.render(&folder, &refused, &["--strict-all"]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("--strict-all: lint found 1 finding"),
        "{stderr}"
    );
    assert!(!refused.exists());
    assert!(test.leftover_processes().is_empty());

    let clean = test.composition(
        "clean",
        r#"<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="0.2"><p>hi</p></div>"#,
    );
    let quiet = test.path("quiet.mp4");
    let run = test.render(&clean, &quiet, &["--quiet"]);
    support::assert_success(&run);
    assert_eq!(
        String::from_utf8_lossy(&run.stderr).trim(),
        quiet.canonicalize().unwrap().display().to_string()
    );
    assert!(run.stdout.is_empty());
}
