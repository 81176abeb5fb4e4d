//! The composition contract, feature by feature: each fixture renders through the real CLI,
//! Chrome and FFmpeg, and the decoded frames are checked where the contract puts things.

mod support;

use std::path::Path;

use framecast_media::DecodedVideo;
use support::{TestDir, assert_success, decode, fixture, near, pixel};

/// Renders a fixture with `extra` arguments (one worker unless given) and decodes the result.
fn render(test: &TestDir, name: &str, extra: &[&str]) -> DecodedVideo {
    let output = test.path(&format!(
        "{name}-{}.mp4",
        extra.join("_").replace(['/', ' '], "")
    ));
    let mut args = vec!["--quality", "high"];
    if !extra.contains(&"--workers") {
        args.extend(["--workers", "1"]);
    }
    args.extend_from_slice(extra);
    assert_success(&test.render(&fixture(name), &output, &args));
    decode(&output)
}

fn is(video: &DecodedVideo, frame: usize, x: u32, y: u32, colour: [u8; 3]) -> bool {
    near(pixel(video, frame, x, y), colour, 40)
}

#[track_caller]
fn assert_colour(video: &DecodedVideo, frame: usize, x: u32, y: u32, colour: [u8; 3]) {
    let actual = pixel(video, frame, x, y);
    assert!(
        near(actual, colour, 40),
        "frame {frame} at ({x}, {y}): expected {colour:?}, got {actual:?}"
    );
}

/// The first and last x on row `y` brighter than half in every channel of `mask`.
fn lit_span(video: &DecodedVideo, frame: usize, y: u32, mask: [bool; 3]) -> Option<(u32, u32)> {
    let lit = |x: u32| {
        let rgb = pixel(video, frame, x, y);
        (0..3).all(|channel| (rgb[channel] > 128) == mask[channel])
    };
    let first = (0..video.width).find(|&x| lit(x))?;
    let last = (0..video.width).rev().find(|&x| lit(x))?;
    Some((first, last))
}

#[track_caller]
fn assert_left_edge(video: &DecodedVideo, frame: usize, y: u32, mask: [bool; 3], expected: f64) {
    let (first, _) = lit_span(video, frame, y, mask)
        .unwrap_or_else(|| panic!("frame {frame}: nothing lit on row {y}"));
    assert!(
        (f64::from(first) - expected).abs() <= 2.0,
        "frame {frame}: left edge at {first}, expected {expected}"
    );
}

const BLACK: [u8; 3] = [0, 0, 0];
const WHITE: [u8; 3] = [255, 255, 255];
const RED: [u8; 3] = [255, 0, 0];
const GREEN: [u8; 3] = [0, 255, 0];
const BLUE: [u8; 3] = [0, 0, 255];
const YELLOW: [u8; 3] = [255, 255, 0];
const CYAN: [u8; 3] = [0, 255, 255];

#[test]
fn clips_show_exactly_from_start_to_the_frame_before_their_end() {
    let test = TestDir::new();
    let video = render(&test, "relative-timing", &[]);
    assert_eq!(video.frames.len(), 90);
    // #intro: 0.5 s for 1 s, frames 15 through 44.
    for (frame, visible) in [(14, false), (15, true), (44, true), (45, false)] {
        assert_colour(&video, frame, 40, 50, if visible { RED } else { BLACK });
    }
    // #next starts at "intro + 0.5" = 2 s: frames 60 through 89.
    for (frame, visible) in [(59, false), (60, true), (89, true)] {
        assert_colour(&video, frame, 120, 50, if visible { GREEN } else { BLACK });
    }
    // #overlap starts at "intro - 0.25" = 1.25 s for 0.5 s: frames 38 (1.267 s) through 52.
    for (frame, visible) in [(37, false), (38, true), (52, true), (53, false)] {
        assert_colour(&video, frame, 200, 50, if visible { BLUE } else { BLACK });
    }
    // data-hidden keeps #never out of every frame.
    for frame in [0, 30, 60, 89] {
        assert_colour(&video, frame, 280, 50, BLACK);
    }
    // The in-flow #flow-a leaves the layout when it ends, so #flow-b moves into its place.
    assert_colour(&video, 0, 20, 160, YELLOW);
    assert_colour(&video, 0, 60, 160, CYAN);
    assert_colour(&video, 45, 20, 160, CYAN);
    assert_colour(&video, 45, 60, 160, BLACK);
}

#[test]
fn three_levels_of_sub_compositions_keep_their_own_time_style_and_scripts() {
    let test = TestDir::new();
    let video = render(&test, "nested-compositions", &[]);
    assert_eq!(video.frames.len(), 90);
    // level1 (host at 0.5 s) moves its green box to x = 100 * (t - 0.5).
    assert_colour(&video, 14, 10, 20, BLACK);
    assert_left_edge(&video, 45, 20, [false, true, false], 100.0);
    // level2 shows its blue tile while it runs (1.0 s to 2.5 s).
    assert_colour(&video, 29, 300, 60, BLACK);
    assert_colour(&video, 30, 300, 60, BLUE);
    assert_colour(&video, 74, 300, 60, BLUE);
    assert_colour(&video, 75, 300, 60, BLACK);
    // level3 runs from 1.25 s to 2.25 s, its white box at x = 200 * (t - 1.25).
    assert!(
        lit_span(&video, 37, 100, [true, true, true]).is_none(),
        "level3 before its start"
    );
    assert_left_edge(
        &video,
        38,
        100,
        [true, true, true],
        200.0 * (38.0 / 30.0 - 1.25),
    );
    assert_left_edge(&video, 45, 100, [true, true, true], 50.0);
    assert_left_edge(
        &video,
        67,
        100,
        [true, true, true],
        200.0 * (67.0 / 30.0 - 1.25),
    );
    assert!(
        lit_span(&video, 68, 100, [true, true, true]).is_none(),
        "level3 after its end"
    );
    // The page's own .box stays red: level1's .box rule is scoped to its instance.
    for frame in [0, 45, 89] {
        assert_colour(&video, frame, 20, 160, RED);
    }
    // The inline child starts at 1 s with data-playback-start 0.25: x = 200 * (0.25 + t - 1).
    assert!(
        lit_span(&video, 29, 130, [true, true, false]).is_none(),
        "inline child before its start"
    );
    assert_left_edge(&video, 30, 130, [true, true, false], 50.0);
    assert_left_edge(&video, 45, 130, [true, true, false], 150.0);
}

#[test]
fn variables_take_defaults_instance_values_and_overrides() {
    let test = TestDir::new();
    let defaults = render(&test, "variables", &[]);
    assert_colour(&defaults, 0, 50, 50, RED);
    assert_colour(&defaults, 0, 130, 70, RED);
    assert_eq!(
        lit_span(&defaults, 0, 160, [true, true, true]).map(|span| span.1),
        Some(59)
    );
    // Two instances of one sub-composition: each has its own tint and its own timeline, which
    // moves its dot from x 200 to 280 over the second.
    for (y, tint) in [(0, GREEN), (90, BLUE)] {
        assert_colour(&defaults, 0, 290, y + 10, tint);
        assert_left_edge(&defaults, 0, y + 40, [true, true, true], 200.0);
        assert_left_edge(&defaults, 15, y + 40, [true, true, true], 240.0);
        assert_colour(&defaults, 15, 210, y + 40, tint);
    }

    let overridden = render(
        &test,
        "variables",
        &[
            "--variables",
            r##"{"accent": "#0000ff", "width": 200, "logo": "assets/green.png"}"##,
        ],
    );
    assert_colour(&overridden, 0, 50, 50, BLUE);
    assert_colour(&overridden, 0, 130, 70, GREEN);
    assert_colour(&overridden, 0, 290, 10, GREEN);
    assert_eq!(
        lit_span(&overridden, 0, 160, [true, true, true]).map(|span| span.1),
        Some(199)
    );

    let file = test.path("values.json");
    std::fs::write(&file, r##"{"accent": "#00ff00"}"##).unwrap();
    let from_file = render(
        &test,
        "variables",
        &["--variables-file", file.to_str().unwrap()],
    );
    assert_colour(&from_file, 0, 50, 50, GREEN);
}

#[test]
fn css_keyframes_and_web_animations_are_seeked() {
    let test = TestDir::new();
    let video = render(&test, "css-waapi", &[]);
    assert_eq!(video.frames.len(), 60);
    for frame in [0usize, 30, 45] {
        let x = 200.0 * frame as f64 / 60.0;
        assert_left_edge(&video, frame, 40, [true, true, true], x);
    }
    // Halfway through the WAAPI animation: x 100 to 140 and mid grey.
    let grey = pixel(&video, 30, 120, 120);
    assert!(
        grey.iter().all(|&c| (100..=156).contains(&c)),
        "WAAPI colour at 50%: {grey:?}"
    );
    assert_colour(&video, 30, 90, 120, BLACK);
    assert_colour(&video, 30, 150, 120, BLACK);
    assert_colour(&video, 59, 215, 120, WHITE);
    // A CSS animation on a clip runs from the clip's start.
    assert!(
        lit_span(&video, 29, 160, [true, false, false]).is_none(),
        "the late clip before 1 s"
    );
    assert_left_edge(&video, 30, 160, [true, false, false], 0.0);
    assert_left_edge(&video, 45, 160, [true, false, false], 100.0);
}

#[test]
fn lottie_animations_are_seeked_by_frame() {
    let test = TestDir::new();
    let video = render(&test, "lottie", &[]);
    for frame in [0usize, 15, 30, 59] {
        assert_left_edge(
            &video,
            frame,
            90,
            [true, true, true],
            200.0 * frame as f64 / 60.0,
        );
    }
}

#[test]
fn anime_js_instances_are_seeked() {
    let test = TestDir::new();
    let video = render(&test, "animejs", &[]);
    for frame in [0usize, 30, 59] {
        assert_left_edge(
            &video,
            frame,
            90,
            [true, true, true],
            200.0 * frame as f64 / 60.0,
        );
    }
}

#[test]
fn request_animation_frame_code_follows_virtual_time_on_any_worker() {
    let test = TestDir::new();
    let one = render(&test, "raf-canvas", &[]);
    for frame in [0usize, 30, 45] {
        let x = 100.0 * frame as f64 / 30.0;
        assert_left_edge(&one, frame, 90, [true, true, true], x);
        assert_left_edge(&one, frame, 150, [true, false, false], x);
        assert_left_edge(&one, frame, 30, [false, true, false], x);
    }
    let two = render(&test, "raf-canvas", &["--workers", "2"]);
    assert_same_frames(&one, &two);
}

#[test]
fn three_js_scenes_render_from_virtual_time() {
    let test = TestDir::new();
    let video = render(&test, "three-scene", &[]);
    for frame in [0usize, 30, 45] {
        assert_left_edge(
            &video,
            frame,
            90,
            [true, false, false],
            100.0 * frame as f64 / 30.0,
        );
    }
    // The spinner is a square turned by 90 degrees per second: at 0.5 s (45 degrees) its corner
    // reaches past the unrotated edge.
    assert_colour(&video, 0, 60, 30, GREEN);
    assert!(!is(&video, 0, 60, 8, GREEN));
    assert!(
        is(&video, 15, 60, 8, GREEN),
        "the rotated square's corner at 0.5 s"
    );
}

#[test]
fn seeded_random_layouts_are_identical_across_runs_and_worker_counts() {
    let test = TestDir::new();
    let first = render(&test, "seeded-random", &[]);
    let again = render(&test, "seeded-random", &["--workers", "1"]);
    let two = render(&test, "seeded-random", &["--workers", "2"]);
    assert_same_frames(&first, &again);
    assert_same_frames(&first, &two);
    // The walk moves: not every frame is the same picture.
    assert!(first.frames[0] != first.frames[59]);
}

#[test]
fn hypershader_transitions_schedule_scenes_and_crossfade() {
    let test = TestDir::new();
    let video = render(&test, "shader-transition", &[]);
    assert_colour(&video, 0, 160, 90, RED);
    assert_colour(&video, 23, 160, 90, RED);
    // Halfway through the transition both scenes show: a crossfade, or the shader's blend once
    // the renderer composites transitions itself.
    let row: Vec<[u8; 3]> = (0..320)
        .step_by(4)
        .map(|x| pixel(&video, 30, x, 90))
        .collect();
    assert!(
        row.iter().any(|rgb| rgb[0] > 64),
        "scene 1 in the mix: {row:?}"
    );
    assert!(
        row.iter().any(|rgb| rgb[2] > 64),
        "scene 2 in the mix: {row:?}"
    );
    assert_colour(&video, 36, 160, 90, BLUE);
    assert_colour(&video, 59, 160, 90, BLUE);
}

#[test]
fn a_root_without_duration_takes_its_timeline_length() {
    let test = TestDir::new();
    let input = test.composition(
        "timeline-length",
        r##"<!doctype html><html><head><script src="gsap.min.js"></script>
        <style>html, body { margin: 0; width: 64px; height: 64px; background: #000; }</style></head>
        <body><div id="root" data-composition-id="main" data-width="64" data-height="64" data-fps="30">
        <div id="box" style="width: 10px; height: 10px; background: #fff"></div></div>
        <script>
          window.__timelines = { main: gsap.timeline({ paused: true }).to("#box", { x: 40, duration: 1.5 }) };
        </script></body></html>"##,
    );
    let output = test.path("out.mp4");
    assert_success(&test.render(&input, &output, &["--workers", "1"]));
    assert_eq!(decode(&output).frames.len(), 45);
}

#[track_caller]
fn assert_same_frames(a: &DecodedVideo, b: &DecodedVideo) {
    assert_eq!(a.frames.len(), b.frames.len());
    for (index, (x, y)) in a.frames.iter().zip(&b.frames).enumerate() {
        let worst = x
            .iter()
            .zip(y)
            .map(|(p, q)| p.abs_diff(*q))
            .max()
            .unwrap_or(0);
        assert!(worst <= 2, "frame {index} differs by up to {worst}");
    }
}

/// Runs a render expected to fail and returns its stderr.
fn failure(test: &TestDir, input: &Path, extra: &[&str]) -> String {
    let output = test.path("out.mp4");
    let run = test.render(input, &output, extra);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(1), "exit code; stderr:\n{stderr}");
    assert!(
        !output.exists(),
        "a failed render left {}",
        output.display()
    );
    stderr
}

fn clips_page(clips: &str) -> String {
    format!(
        r#"<!doctype html><html><body><div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="1">{clips}</div></body></html>"#
    )
}

#[test]
fn a_relative_start_cycle_names_the_elements() {
    let test = TestDir::new();
    let input = test.composition(
        "cycle",
        &clips_page(
            r#"<div id="a" data-start="b" data-duration="1"></div><div id="b" data-start="a + 0.5" data-duration="1"></div>"#,
        ),
    );
    let stderr = failure(&test, &input, &["--workers", "1"]);
    assert!(stderr.contains("cycle: #a → #b → #a"), "{stderr}");
}

#[test]
fn an_unknown_start_reference_names_the_element_and_the_id() {
    let test = TestDir::new();
    let input = test.composition(
        "unknown",
        &clips_page(r#"<div id="late" data-start="intro + 1" data-duration="1"></div>"#),
    );
    let stderr = failure(&test, &input, &["--workers", "1"]);
    assert!(
        stderr
            .contains(r#"#late has data-start="intro + 1", but there is no clip with id "intro""#),
        "{stderr}"
    );
}

#[test]
fn bad_variables_are_named() {
    let test = TestDir::new();
    let stderr = failure(
        &test,
        &fixture("variables"),
        &["--variables", r##"{"acent": "#f00"}"##],
    );
    assert!(stderr.contains(r#"unknown variable "acent""#), "{stderr}");
    assert!(
        stderr.contains(r#""accent""#),
        "lists the declared names: {stderr}"
    );

    let stderr = failure(
        &test,
        &fixture("variables"),
        &["--variables", r#"{"width": "wide"}"#],
    );
    assert!(
        stderr.contains(r#"variable "width""#) && stderr.contains("must be a number"),
        "{stderr}"
    );

    let stderr = failure(&test, &fixture("variables"), &["--variables", "[1, 2]"]);
    assert!(
        stderr.contains("--variables is a JSON array, not an object"),
        "{stderr}"
    );
}

#[test]
fn a_missing_sub_composition_file_is_named() {
    let test = TestDir::new();
    let input = test.composition(
        "missing-sub",
        &clips_page(r#"<div id="host" data-composition-id="intro" data-composition-src="compositions/intro.html"></div>"#),
    );
    let stderr = failure(&test, &input, &["--workers", "1"]);
    assert!(
        stderr.contains(r#"data-composition-src="compositions/intro.html" of #host"#),
        "{stderr}"
    );
}

#[test]
fn a_page_that_never_gets_ready_names_what_it_waits_for() {
    let test = TestDir::new();
    let input = test.composition("stuck", support::NEVER_READY);
    let stderr = failure(&test, &input, &["--workers", "1", "--ready-timeout", "3"]);
    assert!(stderr.contains("not ready after"), "{stderr}");
    assert!(stderr.contains("lottie #anim"), "{stderr}");
}

/// The root's start tag as people write it (and as a browser reads it): spread over lines, a
/// valueless attribute before `data-width`, single quotes, no quotes, upper-case names, a
/// character reference, comments around and inside the root. The size, the frame count and the
/// pixels must all come from those attributes.
#[test]
fn root_attributes_are_read_as_a_browser_reads_them() {
    let test = TestDir::new();
    let input = test.composition(
        "attribute-forms",
        r##"<!doctype html><html><head>
        <style>html, body { margin: 0; background: #000; }</style></head>
        <body>
        <!-- <div data-composition-id="commented-out" data-width="8" data-height="8"></div> -->
        <div id="root"
             data-composition-id="a&amp;b"
             data-no-timeline
             data-width='96'
             DATA-HEIGHT=48
             data-duration="0.5" data-fps=20>
          <!-- the box fills the left half -->
          <div id="box" style="position: absolute; left: 0; top: 0; width: 48px; height: 48px; background: #00f"></div>
        </div>
        </body></html>"##,
    );
    let output = test.path("out.mp4");
    assert_success(&test.render(&input, &output, &["--workers", "1", "--quality", "high"]));
    let video = decode(&output);
    assert_eq!((video.width, video.height), (96, 48));
    assert_eq!(video.frames.len(), 10);
    for frame in [0, 9] {
        assert_colour(&video, frame, 24, 24, BLUE);
        assert_colour(&video, frame, 72, 24, BLACK);
    }
}

/// `window.__timelines` exists before any page script, as in HyperFrames: a `<head>` script
/// registers the root timeline without creating the registry, and the box it moves is where
/// the tween puts it (x = 200·t).
#[test]
fn the_timeline_registry_exists_before_page_scripts() {
    let test = TestDir::new();
    let video = render(&test, "timeline-registry", &[]);
    assert_eq!(video.frames.len(), 30);
    const WHITE_ONLY: [bool; 3] = [true, true, true];
    for frame in [0, 15, 29] {
        assert_left_edge(&video, frame, 90, WHITE_ONLY, 200.0 * frame as f64 / 30.0);
        assert_colour(&video, frame, 2, 20, BLACK);
    }
}

/// A page without a CSS reset renders from the viewport's origin, as in HyperFrames: `<body>`'s
/// default 8 px margin is gone and the root takes its data-width × data-height.
#[test]
fn the_root_starts_at_the_origin_without_a_css_reset() {
    let test = TestDir::new();
    let video = render(&test, "page-margin", &[]);
    assert_eq!((video.width, video.height), (320, 180));
    for frame in [0, 29] {
        // The red square at the root's origin is at the frame's, not 8 px in on white.
        assert_colour(&video, frame, 0, 0, RED);
        assert_colour(&video, frame, 2, 2, RED);
        assert_colour(&video, frame, 12, 12, RED);
        assert_colour(&video, frame, 28, 28, BLUE);
        assert_colour(&video, frame, 160, 1, BLUE);
        assert_colour(&video, frame, 1, 90, BLUE);
        // The root is 320×180 from data-width/data-height alone: its bottom-right square is in
        // the frame's corner.
        assert_colour(&video, frame, 319, 179, GREEN);
        assert_colour(&video, frame, 308, 168, GREEN);
        assert_colour(&video, frame, 292, 152, BLUE);
    }
}

/// A sub-composition host sized by data-width/data-height is that many pixels and the file's
/// content fills it, as in HyperFrames: `height: 100%` plus flexbox centres each dot in its
/// 130×100 host, whether the file has a root element (card) or not (plain).
#[test]
fn sub_composition_hosts_take_their_declared_size() {
    let test = TestDir::new();
    let video = render(&test, "sub-composition-size", &[]);
    for frame in [0, 29] {
        // card: blue x 20–150, y 40–140, white dot centred at (85, 90).
        assert_colour(&video, frame, 85, 90, WHITE);
        assert_colour(&video, frame, 85, 50, BLUE);
        assert_colour(&video, frame, 85, 130, BLUE);
        assert_colour(&video, frame, 24, 136, BLUE);
        assert_colour(&video, frame, 146, 136, BLUE);
        assert_colour(&video, frame, 85, 145, BLACK);
        // plain: green x 170–300, y 40–140, red dot centred at (235, 90).
        assert_colour(&video, frame, 235, 90, RED);
        assert_colour(&video, frame, 235, 50, GREEN);
        assert_colour(&video, frame, 235, 130, GREEN);
        assert_colour(&video, frame, 296, 136, GREEN);
        assert_colour(&video, frame, 235, 145, BLACK);
        assert_colour(&video, frame, 160, 90, BLACK);
        assert_colour(&video, frame, 305, 90, BLACK);
    }
}

/// An anime.js 4 timeline registered in `window.__timelines` is seeked in milliseconds at the
/// root's time, its library loaded from a jsDelivr URL of the 4.0 IIFE build: twelve boxes
/// move right by 40 px over 1.5 s, each delayed by `stagger(250, { grid: [4, 3], from:
/// 'center' })`, so the middle of the grid leads and the corners trail.
#[test]
fn anime_js_4_timelines_in_the_registry_are_seeked() {
    let test = TestDir::new();
    let video = render(&test, "animejs-4", &[]);
    assert_eq!(video.frames.len(), 60);
    // The left edges of the boxes on a row, from the runs of white pixels on it.
    let left_edges = |frame: usize, y: u32| -> Vec<f64> {
        let lit = |x: u32| pixel(&video, frame, x, y).iter().all(|&c| c > 128);
        (0..video.width)
            .filter(|&x| lit(x) && (x == 0 || !lit(x - 1)))
            .map(f64::from)
            .collect()
    };
    // The x a box starting at `left` with a stagger delay of `delay` ms has at `seconds`.
    let x = |left: f64, delay: f64, seconds: f64| {
        left + 40.0 * ((seconds * 1000.0 - delay) / 1500.0).clamp(0.0, 1.0)
    };
    // Delays by row (the middle row is nearest the centre), column by column.
    let rows = [
        (30, [450.0, 280.0, 280.0, 450.0]),
        (80, [375.0, 125.0, 125.0, 375.0]),
        (130, [450.0, 280.0, 280.0, 450.0]),
    ];
    for frame in [0usize, 15, 30, 45, 59] {
        let seconds = frame as f64 / 30.0;
        for (y, delays) in rows {
            let edges = left_edges(frame, y);
            assert_eq!(edges.len(), 4, "frame {frame}, row {y}: {edges:?}");
            for (column, (&edge, delay)) in edges.iter().zip(delays).enumerate() {
                let expected = x(40.0 + 60.0 * column as f64, delay, seconds);
                assert!(
                    (edge - expected).abs() <= 2.0,
                    "frame {frame}, row {y}, column {column}: left edge at {edge}, expected {expected}"
                );
            }
        }
    }
}

/// Sub-composition hosts written one after another, with no CSS of their own, are layers over
/// the whole root, as HyperFrames lays out the root's timed children, and the root timeline
/// that tweens the hosts themselves moves them: scene-a (red, from 0.001 s) fades out from 2.5
/// s while scene-b (blue) grows from opacity 0 and scale 0.5 to fill the frame by 2.65 s.
/// Before, scene-b sat below scene-a, outside the frame, and never showed.
#[test]
fn a_root_timeline_tweens_scene_hosts_stacked_over_the_root() {
    let test = TestDir::new();
    let video = render(&test, "scene-hosts", &[]);
    assert_eq!(video.frames.len(), 120);
    // scene-a starts at 0.001 s: the first frame is empty.
    assert_colour(&video, 0, 160, 90, BLACK);
    for frame in [1, 40, 74] {
        for (x, y) in [(160, 90), (5, 5), (314, 174)] {
            assert_colour(&video, frame, x, y, RED);
        }
    }
    // Frame 77, 2.5667 s, 4/9 of the way: scene-a at opacity 5/9 (red 142); scene-b at scale
    // 0.5 + 0.5 * 4/9 covers x 44-276, y 25-155, at opacity 4/9 over it.
    let faded_red = [142, 0, 0];
    for (x, y) in [(5, 5), (40, 20), (280, 160)] {
        assert_colour(&video, 77, x, y, faded_red);
    }
    for (x, y) in [(160, 90), (50, 30), (270, 150)] {
        assert_colour(&video, 77, x, y, [79, 0, 113]);
    }
    // From 2.65 s scene-b fills the frame.
    for frame in [80, 100, 119] {
        for (x, y) in [(160, 90), (5, 5), (314, 174), (160, 170)] {
            assert_colour(&video, frame, x, y, BLUE);
        }
    }
}

#[test]
fn same_origin_iframes_follow_the_parents_time_on_any_worker() {
    let test = TestDir::new();
    let one = render(&test, "iframe-clip", &[]);
    for frame in [0usize, 15, 30, 45, 59] {
        let x = 100.0 * frame as f64 / 30.0;
        assert_left_edge(&one, frame, 23, [true, true, true], x);
        assert_left_edge(&one, frame, 67, [false, false, true], x);
        assert_left_edge(&one, frame, 111, [true, false, false], x);
        assert_left_edge(&one, frame, 155, [false, true, false], x);
    }
    let two = render(&test, "iframe-clip", &["--workers", "2"]);
    assert_same_frames(&one, &two);
}

#[test]
fn gsap_sets_at_zero_apply_on_frame_zero() {
    let test = TestDir::new();
    for workers in ["1", "2"] {
        let video = render(&test, "gsap-set-at-zero", &["--workers", workers]);
        assert_eq!(video.frames.len(), 30);
        // Frame 0: the white box hidden, the red one moved to x 200-240.
        assert_colour(&video, 0, 40, 90, BLACK);
        assert_colour(&video, 0, 20, 90, BLACK);
        assert_colour(&video, 0, 220, 90, RED);
        assert_colour(&video, 14, 40, 90, BLACK);
        assert_colour(&video, 15, 40, 90, WHITE);
        assert_colour(&video, 29, 220, 90, RED);
    }
}

#[test]
fn a_timeline_array_and_a_lone_timeline_under_another_id_drive_the_root() {
    let test = TestDir::new();
    let array = render(&test, "timeline-array", &[]);
    assert_eq!(array.frames.len(), 30);
    for frame in [0usize, 15, 29] {
        assert_left_edge(&array, frame, 90, [true; 3], 280.0 * frame as f64 / 30.0);
    }
    // No data-duration: the lone timeline's 1.5 s is the composition's length.
    let stray = render(&test, "timeline-stray-id", &[]);
    assert_eq!(stray.frames.len(), 45);
    for frame in [0usize, 20, 44] {
        assert_left_edge(&stray, frame, 90, [true; 3], 280.0 * frame as f64 / 45.0);
    }
}

#[test]
fn only_data_start_shows_and_hides_and_a_duration_of_zero_or_less_is_none() {
    let test = TestDir::new();
    let video = render(&test, "clip-durations", &[]);
    assert_eq!(video.frames.len(), 60);
    for frame in [0usize, 14, 15, 29, 30, 59] {
        assert_colour(&video, frame, 160, 30, WHITE);
        let red = if frame >= 15 { RED } else { BLACK };
        assert_colour(&video, frame, 160, 90, red);
        let blue = if frame >= 30 { BLUE } else { BLACK };
        assert_colour(&video, frame, 160, 150, blue);
    }
}
