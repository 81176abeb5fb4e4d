//! `framecast render` as a HyperFrames user calls it: the default output path, `-c`, quality
//! names, `--gif-loop` counted as HyperFrames counts it, `--video-bitrate`, `--vp9-cpu-used`
//! and `--resolution`.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{TestDir, assert_success, decode, near, pixel, psnr};

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
    // A render that fails leaves no renders/ folder behind.
    let failed = framecast_in(&project, &["render", "--vp9-cpu-used", "4"]);
    assert!(!failed.status.success());
    assert!(
        !project.join("renders").exists(),
        "renders/ left by a failed render"
    );
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
    let help = String::from_utf8_lossy(&help.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
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

fn ffmpeg(args: &[&str]) -> Vec<u8> {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg should run");
    assert!(
        output.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn container_bitrate(path: &Path) -> f64 {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=bit_rate",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe should run");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("ffprobe should report the bitrate")
}

#[test]
fn video_bitrate_lands_within_ten_percent_and_excludes_crf() {
    let test = TestDir::new();
    let folder = test.composition(
        "noise",
        r#"<!doctype html><html><head><style>body{margin:0}video{width:320px;height:180px}</style></head><body>
<div id="root" data-composition-id="main" data-width="320" data-height="180" data-duration="4" data-fps="30">
  <video src="noise.mp4" data-start="0" muted></video>
</div></body></html>"#,
    );
    // Moving noise: far more detail than 800 kb/s can keep, so the rate control decides the
    // size and not the content.
    let source = folder.join("noise.mp4");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x180:rate=30,noise=alls=60:allf=t",
        "-t",
        "4",
        "-pix_fmt",
        "yuv420p",
        "-crf",
        "10",
        source.to_str().unwrap(),
    ]);
    for (name, extra) in [
        ("x264.mp4", &[][..]),
        ("x265.mp4", &["--codec", "h265"][..]),
        ("vp9.webm", &["--vp9-cpu-used", "8"][..]),
    ] {
        let output = test.path(name);
        let mut args = vec!["--video-bitrate", "800k"];
        args.extend_from_slice(extra);
        assert_success(&test.render(&folder, &output, &args));
        let bitrate = container_bitrate(&output);
        assert!(
            (bitrate / 800_000.0 - 1.0).abs() <= 0.10,
            "{name}: {bitrate} b/s for a target of 800 kb/s"
        );
        assert_eq!(decode(&output).frames.len(), 120, "{name}");
    }

    // Refused before Chrome starts, naming the flags.
    for (args, named) in [
        (&["--video-bitrate", "1M", "--crf", "20"][..], "--crf"),
        (&["--video-bitrate", "fast"][..], "--video-bitrate"),
        (
            &["--video-bitrate", "1M", "--format", "mov"][..],
            "--video-bitrate",
        ),
        (&["--vp9-cpu-used", "4"][..], "--vp9-cpu-used"),
        (
            &["--vp9-cpu-used", "9", "--format", "webm"][..],
            "--vp9-cpu-used",
        ),
    ] {
        let refused = test.path("refused.mp4");
        let run = test.render(&folder, &refused, args);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{args:?} should be refused");
        assert!(stderr.contains(named), "{args:?}: {stderr}");
        assert!(!refused.exists() && !test.path("refused.mov").exists());
        assert!(
            test.leftover_processes().is_empty(),
            "{args:?} started Chrome"
        );
    }
}

/// Small text and a thin diagonal line, every length scaled by `scale`: rendered at scale 2 it
/// is what a composition written at twice the size shows.
fn sharp_page(scale: u32) -> String {
    let px = |value: u32| format!("{}px", value * scale);
    format!(
        r#"<!doctype html><html><head><style>
body{{margin:0;background:#fff}}
#text{{position:absolute;left:{left};top:{top};width:{width};font:{font} sans-serif;color:#111}}
#line{{position:absolute;left:{left};top:{line_top};width:{line_width};height:{thin};background:#c00;transform:rotate(7deg)}}
</style></head><body>
<div id="root" data-composition-id="main" data-width="{w}" data-height="{h}" data-duration="0.3" data-fps="10">
  <div id="text">Sphinx of black quartz, judge my vow. 0123456789 The quick brown fox jumps over the lazy dog.</div>
  <div id="line"></div>
</div></body></html>"#,
        left = px(10),
        top = px(8),
        width = px(300),
        font = px(11),
        line_top = px(120),
        line_width = px(280),
        thin = px(1),
        w = 320 * scale,
        h = 180 * scale,
    )
}

#[test]
fn resolution_renders_at_a_multiple_sharper_than_an_upscale() {
    let test = TestDir::new();
    let small = test.composition("small", &sharp_page(1));
    let large = test.composition("large", &sharp_page(2));
    let reference = test.path("reference.mp4");
    assert_success(&test.render(&large, &reference, &["-q", "high"]));
    let upscaled_from = test.path("one.mp4");
    assert_success(&test.render(&small, &upscaled_from, &["-q", "high"]));
    let reference = decode(&reference);
    assert_eq!((reference.width, reference.height), (640, 360));

    let upscaled = ffmpeg(&[
        "-i",
        upscaled_from.to_str().unwrap(),
        "-frames:v",
        "1",
        "-vf",
        "scale=640:360:flags=lanczos",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]);
    let upscale_psnr = psnr(&reference.frames[0], &upscaled);
    for resolution in ["2x", "640x360"] {
        let output = test.path(&format!("{resolution}.mp4"));
        assert_success(&test.render(&small, &output, &["-q", "high", "--resolution", resolution]));
        let video = decode(&output);
        assert_eq!(
            (video.width, video.height, video.frames.len()),
            (640, 360, 3)
        );
        let sharp_psnr = psnr(&reference.frames[0], &video.frames[0]);
        eprintln!(
            "--resolution {resolution}: {sharp_psnr:.2} dB, upscaled 1x: {upscale_psnr:.2} dB"
        );
        assert!(
            sharp_psnr > upscale_psnr + 3.0,
            "--resolution {resolution}: {sharp_psnr:.2} dB against the 2x composition, an upscaled 1x render {upscale_psnr:.2} dB"
        );
    }

    for (resolution, complaint) in [
        ("portrait-4k", "aspect ratio"),
        ("480x270", "whole multiple"),
        ("8k", "unknown resolution"),
    ] {
        let refused = test.path("refused.mp4");
        let run = test.render(&small, &refused, &["--resolution", resolution]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{resolution} should be refused");
        assert!(
            stderr.contains("--resolution") && stderr.contains(complaint),
            "{resolution}: {stderr}"
        );
        assert!(!refused.exists());
        assert!(
            test.leftover_processes().is_empty(),
            "{resolution} started Chrome"
        );
    }
}

#[test]
fn without_a_terminal_a_render_prints_progress_lines() {
    let test = TestDir::new();
    let folder = test.composition(
        "slow",
        r##"<!doctype html><html><head><style>body{margin:0;background:#123}</style></head><body>
<div id="root" data-composition-id="main" data-width="640" data-height="360" data-duration="8" data-fps="30">
  <div id="box" style="position:absolute;width:80px;height:80px;background:#fc0"></div>
</div>
<script src="https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js"></script>
<script>
  const tl = gsap.timeline({ paused: true });
  tl.to("#box", { x: 540, y: 260, rotation: 720, duration: 8, ease: "none" });
  window.__timelines = window.__timelines || {};
  window.__timelines["main"] = tl;
</script></body></html>"##,
    );
    let output = test.path("slow.mp4");
    // The test's stderr is a pipe, as in a CI log.
    let run = test.render(&folder, &output, &["--workers", "1"]);
    assert_success(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("rendering 240 frames at 640x360@30"),
        "{stderr}"
    );
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("frames "))
        .collect();
    assert!(!lines.is_empty(), "no progress line in:\n{stderr}");
    for line in &lines {
        let done: u64 = line["frames ".len()..line.find('/').unwrap()]
            .parse()
            .unwrap();
        assert!(done > 0 && done < 240, "{line}");
        assert!(
            line.contains("/240 (") && line.contains(" fps, ETA "),
            "{line}"
        );
    }
    assert!(stderr.contains("rendered 240 frames in"), "{stderr}");
    // --json keeps stdout to JSON events and prints no plain lines.
    let json = test.render(
        &folder,
        &test.path("json.mp4"),
        &["--workers", "1", "--json"],
    );
    assert_success(&json);
    assert!(!String::from_utf8_lossy(&json.stderr).contains("frames "));
    for line in String::from_utf8_lossy(&json.stdout).lines() {
        assert!(line.starts_with('{'), "{line}");
    }
}

fn pngs_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".png"))
        .collect();
    names.sort();
    names
}

#[test]
fn snapshot_takes_frame_indices_and_evenly_spaced_frames() {
    let test = TestDir::new();
    let project = project(&test);
    let snapshot = |dir: &str, extra: &[&str]| {
        let out = test.path(dir);
        let mut args = vec![
            "snapshot",
            project.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        (test.framecast(&args), out)
    };
    // 0.5 s at 10 fps: frames 0 to 4.
    let (run, out) = snapshot("default", &[]);
    assert_success(&run);
    assert_eq!(
        pngs_in(&out),
        [
            "frame_0.000.png",
            "frame_0.100.png",
            "frame_0.200.png",
            "frame_0.300.png",
            "frame_0.400.png"
        ]
    );
    let (run, out) = snapshot("three", &["--frames", "3"]);
    assert_success(&run);
    assert_eq!(
        pngs_in(&out),
        ["frame_0.000.png", "frame_0.200.png", "frame_0.400.png"]
    );
    let (run, by_index) = snapshot("indices", &["--frame", "1,3"]);
    assert_success(&run);
    assert_eq!(pngs_in(&by_index), ["frame_0.100.png", "frame_0.300.png"]);
    let (run, by_time) = snapshot("times", &["--at", "0.3"]);
    assert_success(&run);
    assert_eq!(
        std::fs::read(by_index.join("frame_0.300.png")).unwrap(),
        std::fs::read(by_time.join("frame_0.300.png")).unwrap(),
        "frame 3 is the still at 0.3 s"
    );
    let (run, out) = snapshot("late", &["--frame", "5"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        stderr.contains("frame 5 is past the last frame (4 of 5"),
        "{stderr}"
    );
    assert!(!out.exists() || pngs_in(&out).is_empty());
    let (run, _) = snapshot("both", &["--frame", "1", "--at", "0.1"]);
    assert!(!run.status.success());
}

const BATCH_PAGE: &str = r##"<!doctype html>
<html data-composition-variables='[
  {"id": "accent", "type": "color", "label": "Accent", "default": "#808080"},
  {"id": "title", "type": "string", "label": "Title", "default": "Hi"}
]'><head><style>
body{margin:0;background:#000}
#swatch{position:absolute;left:0;top:0;width:100px;height:90px;background:var(--accent)}
#title{position:absolute;left:110px;top:20px;color:#fff;font:700 40px monospace}
</style></head><body>
<div id="root" data-composition-id="main" data-width="320" data-height="90" data-duration="0.3" data-fps="10">
  <div id="swatch"></div>
  <div id="title" data-var-text="title">placeholder</div>
</div></body></html>"##;

/// How many of the title area's pixels are lit, per column band: a fingerprint of the text.
fn title_ink(video: &framecast_media::DecodedVideo) -> Vec<u32> {
    (0..21)
        .map(|band| {
            let mut lit = 0;
            for x in 110 + band * 10..120 + band * 10 {
                for y in 15..75 {
                    if pixel(video, 1, x, y)[0] > 128 {
                        lit += 1;
                    }
                }
            }
            lit
        })
        .collect()
}

#[test]
fn batch_renders_one_output_per_row_and_reports_a_failing_row() {
    let test = TestDir::new();
    let project = test.composition("cards", BATCH_PAGE);
    let rows = test.path("rows.json");
    std::fs::write(
        &rows,
        r##"{"rows": [
  {"name": "red", "accent": "#ff0000", "title": "ONE"},
  {"name": "green", "accent": "#00ff00", "title": "TWO!!"},
  {"name": "blue", "accent": "#0000ff", "title": "3"}
]}"##,
    )
    .unwrap();
    let template = test.path("out/{name}-{index}.mp4");
    std::fs::create_dir_all(test.path("out")).unwrap();
    let run = test.framecast(&[
        "render",
        project.to_str().unwrap(),
        "--batch",
        rows.to_str().unwrap(),
        "-o",
        template.to_str().unwrap(),
        "--workers",
        "1",
    ]);
    assert_success(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("batch: 3 of 3 rows rendered, 0 failed, 0 skipped"),
        "{stderr}"
    );
    let mut inks = Vec::new();
    for (name, index, colour) in [
        ("red", 0, [255, 0, 0]),
        ("green", 1, [0, 255, 0]),
        ("blue", 2, [0, 0, 255]),
    ] {
        let video = decode(&test.path(&format!("out/{name}-{index}.mp4")));
        assert_eq!(video.frames.len(), 3);
        assert!(near(pixel(&video, 1, 50, 45), colour, 20), "{name}");
        let ink = title_ink(&video);
        assert!(ink.iter().sum::<u32>() > 100, "{name}: the title is drawn");
        inks.push(ink);
    }
    assert!(
        inks[0] != inks[1] && inks[1] != inks[2] && inks[0] != inks[2],
        "each row its own text"
    );
    // A longer title fills more columns.
    let columns = |ink: &Vec<u32>| ink.iter().filter(|&&lit| lit > 0).count();
    assert!(columns(&inks[1]) > columns(&inks[2]));

    // A row renders what a render of its own does, frame for frame, though its page opened in
    // the Chrome an earlier row used; and so do rows rendered side by side.
    let alone = test.path("alone.mp4");
    assert_success(&test.render(
        &project,
        &alone,
        &[
            "--workers",
            "1",
            "--variables",
            r##"{"accent":"#00ff00","title":"TWO!!"}"##,
        ],
    ));
    assert_eq!(
        decode(&alone).frames,
        decode(&test.path("out/green-1.mp4")).frames
    );
    let side_by_side = test.path("side/{name}.mp4");
    std::fs::create_dir_all(test.path("side")).unwrap();
    assert_success(&test.framecast(&[
        "render",
        project.to_str().unwrap(),
        "--batch",
        rows.to_str().unwrap(),
        "-o",
        side_by_side.to_str().unwrap(),
        "--workers",
        "2",
        "--batch-concurrency",
        "2",
    ]));
    assert_eq!(
        decode(&test.path("side/green.mp4")).frames,
        decode(&alone).frames
    );
    assert!(
        test.settle_and_list_leftovers().is_empty(),
        "every Chrome of the pool is closed"
    );

    // A row the page rejects fails with its error, named; the others are rendered.
    std::fs::write(
        &rows,
        r##"[{"accent": "#ff0000"}, {"accent": 5}, {"accent": "#0000ff"}]"##,
    )
    .unwrap();
    let run = test.framecast(&[
        "render",
        project.to_str().unwrap(),
        "--batch",
        rows.to_str().unwrap(),
        "-o",
        test.path("mixed-{index}.mp4").to_str().unwrap(),
        "--workers",
        "1",
        "--json",
    ]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("row 1 failed:") && stderr.contains("accent"),
        "{stderr}"
    );
    assert!(test.path("mixed-0.mp4").exists() && test.path("mixed-2.mp4").exists());
    assert!(!test.path("mixed-1.mp4").exists());
    let stdout = String::from_utf8_lossy(&run.stdout);
    let summary = stdout
        .lines()
        .find(|line| line.contains("batch_finished"))
        .expect("a batch_finished event");
    let summary: serde_json::Value = serde_json::from_str(summary).unwrap();
    assert_eq!(
        (summary["rendered"].as_u64(), summary["failed"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(summary["rows"][1]["status"], "failed");

    // --batch-fail-fast: nothing starts after the failure.
    std::fs::write(&rows, r##"[{"accent": 5}, {"accent": "#0000ff"}]"##).unwrap();
    let run = test.framecast(&[
        "render",
        project.to_str().unwrap(),
        "--batch",
        rows.to_str().unwrap(),
        "-o",
        test.path("fast-{index}.mp4").to_str().unwrap(),
        "--batch-fail-fast",
    ]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("0 of 2 rows rendered, 1 failed, 1 skipped"),
        "{stderr}"
    );
    assert!(!test.path("fast-1.mp4").exists());

    // Two rows naming the same output are refused before anything renders.
    std::fs::write(&rows, r##"[{"accent": "#ff0000"}, {"accent": "#0000ff"}]"##).unwrap();
    let same = test.path("same.mp4");
    let run = test.framecast(&[
        "render",
        project.to_str().unwrap(),
        "--batch",
        rows.to_str().unwrap(),
        "-o",
        same.to_str().unwrap(),
    ]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("rows 0 and 1 both write"));
    assert!(!same.exists());
    assert!(test.settle_and_list_leftovers().is_empty());
}
