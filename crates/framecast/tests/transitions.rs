//! Shader transitions: layered capture of the two scenes, CPU blends, any worker count.

mod support;

use support::{TestDir, assert_success, decode, fixture, near, pixel};

#[test]
fn transition_layers_are_separated_and_blended_in_order() {
    let test = TestDir::new();
    let output = test.path("transition.mp4");
    assert_success(&test.render(
        &fixture("transition"),
        &output,
        &["--workers", "1", "--quality", "high"],
    ));
    let video = decode(&output);
    assert_eq!(video.frames.len(), 60);
    let green_square = |frame| pixel(&video, frame, 230, 90);
    let background = |frame| pixel(&video, frame, 100, 40);
    // Progress 0: the A layer alone. The square only B paints is absent.
    assert!(
        near(background(30), [255, 0, 0], 20),
        "{:?}",
        background(30)
    );
    assert!(
        near(green_square(30), [255, 0, 0], 20),
        "B's square leaked into A: {:?}",
        green_square(30)
    );
    // Progress 1: the B layer alone, square included.
    assert!(
        near(background(45), [0, 0, 255], 20),
        "{:?}",
        background(45)
    );
    assert!(
        near(green_square(45), [0, 255, 0], 24),
        "{:?}",
        green_square(45)
    );
    // Halfway the shader mixes both scenes: the frame is neither layer.
    let middle = &video.frames[37];
    assert!(middle != &video.frames[30] && middle != &video.frames[45]);
    // The caption is part of both layers, so it is on every frame.
    for frame in [0, 30, 37, 45, 59] {
        assert!(
            near(pixel(&video, frame, 30, 160), [255, 255, 255], 24),
            "caption missing at {frame}"
        );
    }
}

#[test]
fn transitions_render_the_same_with_one_and_three_workers() {
    let test = TestDir::new();
    let one = test.path("one.mp4");
    let three = test.path("three.mp4");
    assert_success(&test.render(
        &fixture("transition"),
        &one,
        &["--workers", "1", "--quality", "draft"],
    ));
    assert_success(&test.render(
        &fixture("transition"),
        &three,
        &["--workers", "3", "--quality", "draft"],
    ));
    let (one, three) = (decode(&one), decode(&three));
    assert_eq!(one.frames.len(), three.frames.len());
    for (index, (a, b)) in one.frames.iter().zip(&three.frames).enumerate() {
        assert!(a == b, "frame {index} differs between 1 and 3 workers");
    }
}

#[test]
fn an_unknown_shader_lists_the_known_ones() {
    let test = TestDir::new();
    let html = std::fs::read_to_string(fixture("transition").join("index.html"))
        .unwrap()
        .replace(
            "data-transition=\"domain-warp\"",
            "data-transition=\"wobble\"",
        );
    let input = test.composition("wobble", &html);
    let output = test.path("wobble.mp4");
    let run = test.render(&input, &output, &["--workers", "1"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("wobble") && stderr.contains("cross-warp-morph"),
        "{stderr}"
    );
    assert!(!output.exists());
}
