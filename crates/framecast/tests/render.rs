//! End-to-end renders of the fixtures: frame counts, timing, pixels, determinism.

mod support;

use support::{TestDir, assert_success, decode, fixture, near, pixel};

#[test]
fn moving_box_is_where_its_timeline_puts_it() {
    let test = TestDir::new();
    let output = test.path("box.mp4");
    assert_success(&test.render(
        &fixture("moving-box"),
        &output,
        &["--workers", "1", "--quality", "high"],
    ));
    let video = decode(&output);
    assert_eq!((video.width, video.height), (320, 180));
    assert_eq!(video.frames.len(), 60);
    assert_eq!((video.fps_num, video.fps_den), (30, 1));
    assert!(
        (video.duration_secs - 2.0).abs() < 1e-3,
        "duration {}",
        video.duration_secs
    );
    for (index, expected_pts) in video.pts_secs.iter().enumerate() {
        assert!(
            (expected_pts - index as f64 / 30.0).abs() < 1e-6,
            "frame {index} at {expected_pts}"
        );
    }
    for frame in [0usize, 30, 59] {
        let left_edge = 140.0 * frame as f64 / 30.0;
        let row: Vec<u8> = (0..320).map(|x| pixel(&video, frame, x, 90)[1]).collect();
        let first_lit = row
            .iter()
            .position(|&luma| luma > 128)
            .expect("the box should be visible") as f64;
        let last_lit = row.iter().rposition(|&luma| luma > 128).unwrap() as f64;
        assert!(
            (first_lit - left_edge).abs() <= 1.5,
            "frame {frame}: left edge {first_lit}, expected {left_edge}"
        );
        assert!(
            (last_lit - (left_edge + 39.0)).abs() <= 1.5,
            "frame {frame}: right edge {last_lit}"
        );
        assert!(near(
            pixel(&video, frame, left_edge as u32 + 20, 90),
            [255, 255, 255],
            12
        ));
        assert!(
            near(
                pixel(&video, frame, left_edge as u32 + 20, 40),
                [0, 0, 0],
                12
            ),
            "above the box is black"
        );
    }
}

#[test]
fn clips_are_visible_exactly_in_their_windows() {
    let test = TestDir::new();
    let output = test.path("clips.mp4");
    assert_success(&test.render(&fixture("clips"), &output, &["--workers", "1"]));
    let video = decode(&output);
    assert_eq!(video.frames.len(), 90);
    let colour_at = |frame: usize| pixel(&video, frame, 160, 90);
    for frame in [0, 29] {
        assert!(
            near(colour_at(frame), [255, 0, 0], 16),
            "frame {frame}: {:?}",
            colour_at(frame)
        );
    }
    for frame in [30, 59] {
        assert!(
            near(colour_at(frame), [0, 255, 0], 16),
            "frame {frame}: {:?}",
            colour_at(frame)
        );
    }
    for frame in [60, 89] {
        assert!(
            near(colour_at(frame), [0, 0, 255], 16),
            "frame {frame}: {:?}",
            colour_at(frame)
        );
    }
    // The marker is visible for t in [0.5, 2.5): frames 15 through 74.
    let marker_at = |frame: usize| near(pixel(&video, frame, 10, 10), [255, 255, 255], 24);
    assert!(!marker_at(14), "marker before its start");
    assert!(marker_at(15), "marker at its start");
    assert!(marker_at(74), "marker at its last frame");
    assert!(!marker_at(75), "marker after its end");
}

#[test]
fn rendering_twice_gives_identical_frames() {
    let test = TestDir::new();
    let first = test.path("first.mp4");
    let second = test.path("second.mp4");
    assert_success(&test.render(
        &fixture("gsap-title"),
        &first,
        &["--workers", "1", "--quality", "draft"],
    ));
    assert_success(&test.render(
        &fixture("gsap-title"),
        &second,
        &["--workers", "1", "--quality", "draft"],
    ));
    let (first, second) = (decode(&first), decode(&second));
    assert_eq!(first.frames.len(), second.frames.len());
    for (index, (a, b)) in first.frames.iter().zip(&second.frames).enumerate() {
        assert!(a == b, "frame {index} differs between two renders");
    }
    // The title moves: the frames are not all the same picture.
    assert!(first.frames.first() != first.frames.last());
}

#[test]
fn json_progress_reports_plan_frames_and_output() {
    let test = TestDir::new();
    let output = test.path("json.mp4");
    let run = test.render(
        &fixture("clips"),
        &output,
        &[
            "--workers",
            "1",
            "--quality",
            "draft",
            "--fps",
            "10",
            "--json",
        ],
    );
    assert_success(&run);
    let stdout = String::from_utf8(run.stdout).unwrap();
    let events: Vec<&str> = stdout.lines().collect();
    assert!(
        events[0].contains(r#""event":"planned""#) && events[0].contains(r#""frames":30"#),
        "{}",
        events[0]
    );
    assert_eq!(
        events
            .iter()
            .filter(|line| line.contains(r#""event":"frame""#))
            .count(),
        30
    );
    assert!(events.last().unwrap().contains(r#""event":"finished""#));
    assert_eq!(decode(&output).frames.len(), 30);
}
