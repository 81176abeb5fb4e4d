//! `framecast render` as a HyperFrames user calls it: the default output path, `-c`, quality
//! names and `--gif-loop` counted as HyperFrames counts it.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{TestDir, assert_success, decode, near, pixel};

const PAGE: &str = r#"<!doctype html><html><head><link rel="stylesheet" href="STYLE"></head><body>
<div id="root" data-composition-id="main" data-width="160" data-height="90" data-duration="0.5" data-fps="10">
  <div id="fill"></div>
</div>
</body></html>"#;

/// A project whose index.html paints red, with `compositions/intro.html` painting green through
/// a stylesheet at the project's root (reached as `../green.css`, so only a server rooted at the
/// project finds it).
fn project(test: &TestDir) -> std::path::PathBuf {
    let folder = test.composition("launch-video", &PAGE.replace("STYLE", "red.css"));
    std::fs::write(
        folder.join("red.css"),
        "body{margin:0}#fill{width:160px;height:90px;background:#f00}",
    )
    .unwrap();
    std::fs::write(
        folder.join("green.css"),
        "body{margin:0}#fill{width:160px;height:90px;background:#0f0}",
    )
    .unwrap();
    std::fs::create_dir_all(folder.join("compositions")).unwrap();
    std::fs::write(
        folder.join("compositions/intro.html"),
        PAGE.replace("STYLE", "../green.css"),
    )
    .unwrap();
    folder
}

fn framecast_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_framecast"))
        .args(args)
        .current_dir(dir)
        .env("TMPDIR", dir)
        .output()
        .expect("framecast should run")
}

fn renders_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("renders"))
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// `launch-video_2026-12-04_18-30-00.mp4`, optionally with a `_2` counter before the extension.
fn is_default_name(name: &str, extension: &str) -> bool {
    let Some(rest) = name.strip_prefix("launch-video_") else {
        return false;
    };
    let Some(rest) = rest.strip_suffix(extension) else {
        return false;
    };
    let (stamp, counter) = rest.split_at(rest.len().min(19));
    let shape_ok = stamp.len() == 19
        && stamp.char_indices().all(|(index, c)| match index {
            4 | 7 => c == '-',
            10 => c == '_',
            13 | 16 => c == '-',
            _ => c.is_ascii_digit(),
        });
    shape_ok
        && (counter.is_empty()
            || counter
                .strip_prefix('_')
                .is_some_and(|n| n.parse::<u32>().is_ok()))
}

#[test]
fn without_o_the_video_goes_to_renders_named_after_the_project_and_never_replaces_one() {
    let test = TestDir::new();
    let project = project(&test);
    // The project is the current directory and the input defaults to it, as `hyperframes
    // render` in a project folder.
    assert_success(&framecast_in(&project, &["render", "--workers", "1"]));
    assert_success(&framecast_in(&project, &["render", "--workers", "1"]));
    let names = renders_in(&project);
    assert_eq!(names.len(), 2, "two renders, two files: {names:?}");
    for name in &names {
        assert!(is_default_name(name, ".mp4"), "{name}");
        let video = decode(&project.join("renders").join(name));
        assert_eq!(
            (video.width, video.height, video.frames.len()),
            (160, 90, 5)
        );
        assert!(near(pixel(&video, 2, 80, 45), [255, 0, 0], 16));
    }
    // The format's extension, from a directory that is not the project.
    let elsewhere = test.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    assert_success(&framecast_in(
        &elsewhere,
        &[
            "render",
            project.to_str().unwrap(),
            "--format",
            "webm",
            "--workers",
            "1",
        ],
    ));
    let names = renders_in(&elsewhere);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(is_default_name(&names[0], ".webm"), "{}", names[0]);
}

#[test]
fn composition_renders_another_file_of_the_project_served_from_the_project() {
    let test = TestDir::new();
    let project = project(&test);
    let output = test.path("intro.mp4");
    assert_success(&test.framecast(&[
        "render",
        project.to_str().unwrap(),
        "-c",
        "compositions/intro.html",
        "-o",
        output.to_str().unwrap(),
        "--workers",
        "1",
    ]));
    let video = decode(&output);
    assert_eq!(video.frames.len(), 5);
    assert!(
        near(pixel(&video, 2, 80, 45), [0, 255, 0], 16),
        "the intro's stylesheet comes from the project root: {:?}",
        pixel(&video, 2, 80, 45)
    );

    for (entry, complaint) in [
        ("compositions/missing.html", "is not a file"),
        ("../elsewhere.html", "inside the project directory"),
    ] {
        std::fs::write(test.path("elsewhere.html"), PAGE.replace("STYLE", "x.css")).unwrap();
        let refused = test.path("refused.mp4");
        let run = test.framecast(&[
            "render",
            project.to_str().unwrap(),
            "-c",
            entry,
            "-o",
            refused.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{entry} should be refused");
        assert!(
            stderr.contains("--composition") && stderr.contains(complaint),
            "{stderr}"
        );
        assert!(!refused.exists());
    }
}

#[test]
fn quality_takes_hyperframes_names_and_looks_is_the_default() {
    let test = TestDir::new();
    let project = project(&test);
    let help = test.framecast(&["render", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("[default: looks]"), "{help}");
    for quality in ["draft", "standard", "looks", "high", "delivery"] {
        let output = test.path(&format!("{quality}.mp4"));
        assert_success(&test.render(&project, &output, &["-q", quality, "--workers", "1"]));
        let video = decode(&output);
        assert!(near(pixel(&video, 2, 80, 45), [255, 0, 0], 16), "{quality}");
    }
    let run = test.render(&project, &test.path("x.mp4"), &["--quality", "best"]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("--quality"));
}

/// The Netscape application extension's loop count, or None when the GIF has none (plays once).
fn gif_loop_count(path: &Path) -> Option<u16> {
    let bytes = std::fs::read(path).unwrap();
    let at = bytes
        .windows(11)
        .position(|window| window == b"NETSCAPE2.0")?;
    assert_eq!(&bytes[at + 11..at + 13], &[3, 1]);
    Some(u16::from_le_bytes([bytes[at + 13], bytes[at + 14]]))
}

#[test]
fn gif_loop_counts_as_hyperframes_does() {
    let test = TestDir::new();
    let project = project(&test);
    for (flag, expected) in [
        (None, Some(0)),
        (Some("0"), Some(0)),
        (Some("forever"), Some(0)),
        (Some("3"), Some(3)),
        (Some("once"), None),
    ] {
        let output = test.path(&format!("loop-{}.gif", flag.unwrap_or("default")));
        let mut extra = vec!["--workers", "1"];
        if let Some(flag) = flag {
            extra.extend(["--gif-loop", flag]);
        }
        assert_success(&test.render(&project, &output, &extra));
        assert_eq!(gif_loop_count(&output), expected, "--gif-loop {flag:?}");
    }
    let run = test.render(&project, &test.path("bad.gif"), &["--gif-loop", "70000"]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("--gif-loop"));
}
