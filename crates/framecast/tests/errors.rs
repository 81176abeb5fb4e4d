//! Bad input: each gives one clear error, exit code 1, no output file and no leftover process.

mod support;

use std::path::Path;

use support::TestDir;

const VALID_ROOT: &str = r#"<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="1"></div>"#;

/// Runs a render expected to fail and checks everything a failure must guarantee.
fn expect_failure(test: &TestDir, input: &Path, extra: &[&str], expected: &[&str]) -> String {
    let output = test.path("out.mp4");
    let run = test.render(input, &output, extra);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(1), "exit code; stderr:\n{stderr}");
    for text in expected {
        assert!(stderr.contains(text), "expected {text:?} in:\n{stderr}");
    }
    assert!(
        !output.exists(),
        "a failed render left {}",
        output.display()
    );
    let partial: Vec<_> = std::fs::read_dir(test.dir.path())
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(
        partial.is_empty(),
        "temporary output left behind: {partial:?}"
    );
    assert_eq!(
        test.settle_and_list_leftovers(),
        Vec::<String>::new(),
        "leftover processes"
    );
    stderr
}

#[test]
fn a_missing_file_is_named() {
    let test = TestDir::new();
    let missing = test.path("nowhere/index.html");
    expect_failure(&test, &missing, &[], &["not found", "nowhere"]);
}

#[test]
fn html_without_a_root_says_what_to_add() {
    let test = TestDir::new();
    let input = test.composition("plain", "<html><body><p>hello</p></body></html>");
    expect_failure(
        &test,
        &input,
        &[],
        &["no composition root", "data-composition-id", "index.html"],
    );
}

#[test]
fn a_zero_duration_is_rejected() {
    let test = TestDir::new();
    let input = test.composition(
        "zero",
        r#"<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="0"></div>"#,
    );
    expect_failure(&test, &input, &[], &["zero duration", "<div id=\"root\">"]);
}

#[test]
fn a_timeline_under_the_wrong_id_is_named() {
    let test = TestDir::new();
    let html = format!(
        "{VALID_ROOT}<script>const t = {{ totalTime() {{}}, duration() {{ return 1; }} }};\nwindow.__timelines = {{ intro: t, outro: t }};</script>"
    );
    // Two timelines under ids no composition has: neither can be the root's. (A lone one plays
    // as the root's timeline, as in HyperFrames; the timeline-stray-id fixture shows it.)
    let input = test.composition("mismatch", &html);
    expect_failure(
        &test,
        &input,
        &["--workers", "1"],
        &["\"intro\", \"outro\"", "\"main\"", "data-composition-id"],
    );
}

#[test]
fn a_page_script_error_is_reported_with_its_location() {
    let test = TestDir::new();
    let html = format!("{VALID_ROOT}<script>\nconst x = 1;\nnotDefinedAnywhere();\n</script>");
    let input = test.composition("broken", &html);
    expect_failure(
        &test,
        &input,
        &["--workers", "1"],
        &["notDefinedAnywhere", "index.html:3"],
    );
}

#[test]
fn chrome_failing_to_start_is_explained() {
    let test = TestDir::new();
    let input = test.composition("fine", VALID_ROOT);
    expect_failure(
        &test,
        &input,
        &["--chrome", "/bin/false"],
        &["Chrome failed to start", "/bin/false"],
    );
    expect_failure(
        &test,
        &input,
        &["--chrome", "/nonexistent/chrome"],
        &["Chrome was not found", "/nonexistent/chrome"],
    );
}

#[test]
fn odd_sizes_and_bad_flags_are_rejected_before_any_work() {
    let test = TestDir::new();
    let odd = test.composition(
        "odd",
        r#"<div data-composition-id="main" data-width="65" data-height="64" data-duration="1"></div>"#,
    );
    expect_failure(&test, &odd, &[], &["65x64", "even"]);
    let fine = test.composition("fine", VALID_ROOT);
    // Flag values are checked by the command-line parser: a usage error, exit code 2.
    for (flag, value) in [
        ("--fps", "fast"),
        ("--workers", "many"),
        ("--workers", "0"),
        ("--crf", "60"),
        ("--blend-ring", "0"),
        ("--frame-timeout", "0"),
        ("--ready-timeout", "nan"),
    ] {
        let output = test.path("out.mp4");
        let run = test.render(&fine, &output, &[flag, value]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(stderr.contains(flag) && stderr.contains(value), "{stderr}");
        assert!(!output.exists());
    }
    // A setting only the composition's format can rule out names its flag too.
    expect_failure(
        &test,
        &fine,
        &["--codec", "h265", "--format", "webm"],
        &["--codec", "h265"],
    );
    expect_failure(
        &test,
        &fine,
        &["--alpha", "true"],
        &["--alpha", "transparency"],
    );
}
