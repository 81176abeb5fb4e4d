//! The page reaches only the loopback server: CDN scripts of known libraries come from the local
//! copies, the outside assets its files name from framecast's cache (tests/remote_assets.rs),
//! any other outside request fails the render with its URL (and leaves no output), and
//! `--allow-network` lifts the block.

mod support;

use support::{TestDir, assert_success, decode, fixture, pixel};

/// Columns lit (green above 128) on row `y` of a frame.
fn lit_span(video: &framecast_media::DecodedVideo, frame: usize, y: u32) -> Option<(u32, u32)> {
    let lit: Vec<u32> = (0..video.width)
        .filter(|&x| pixel(video, frame, x, y)[1] > 128)
        .collect();
    Some((*lit.first()?, *lit.last()?))
}

#[test]
fn gsap_from_jsdelivr_is_served_from_the_local_copy() {
    let test = TestDir::new();
    let output = test.path("out.mp4");
    let run = test.render(&fixture("cdn-gsap"), &output, &["--workers", "1"]);
    assert_success(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    // The URL names 3.12.5; the embedded copy answers it, and the user is told.
    assert!(
        stderr.contains("gsap@3.12.5") && stderr.contains("serving the embedded"),
        "expected a version notice in:\n{stderr}"
    );
    let video = decode(&output);
    assert_eq!(video.frames.len(), 60);
    for frame in [0usize, 15, 45, 59] {
        let left_edge = 140.0 * frame as f64 / 30.0;
        let (first, last) = lit_span(&video, frame, 90).expect("the box should be visible");
        assert!(
            (f64::from(first) - left_edge).abs() <= 1.5,
            "frame {frame}: left edge {first}, expected {left_edge}"
        );
        assert!(
            (f64::from(last) - (left_edge + 39.0)).abs() <= 1.5,
            "frame {frame}: right edge {last}"
        );
    }
}

const FETCHES_DATA: &str = r#"<html><body style="margin:0;background:#000">
<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="0.5" data-fps="10">
  <div style="width:64px;height:64px;background:#0f0"></div>
</div>
<script>
  fetch("https://example.com/data.json").then((r) => r.json()).catch(() => null);
</script>
</body></html>"#;

/// Runs a render expected to be refused for the network and checks the failure's guarantees.
fn expect_blocked(test: &TestDir, html: &str, urls: &[&str]) {
    let input = test.composition("blocked", html);
    let output = test.path("out.mp4");
    let run = test.render(&input, &output, &["--workers", "1"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "exit code; stderr:\n{stderr}");
    assert!(
        stderr.contains("outside URL") && stderr.contains("--allow-network"),
        "expected the blocked-network error in:\n{stderr}"
    );
    for url in urls {
        assert!(stderr.contains(url), "expected {url} in:\n{stderr}");
    }
    assert!(
        !output.exists(),
        "a refused render left {}",
        output.display()
    );
    assert_eq!(test.settle_and_list_leftovers(), Vec::<String>::new());
}

#[test]
fn a_fetch_to_an_outside_host_fails_the_render_with_its_url() {
    let test = TestDir::new();
    expect_blocked(&test, FETCHES_DATA, &["https://example.com/data.json"]);
}

/// An image the markup names is an asset, fetched before the render (tests/remote_assets.rs);
/// one a script creates at run time is a request like any other.
#[test]
fn an_image_a_script_adds_from_an_outside_host_fails_the_render_with_its_url() {
    let test = TestDir::new();
    let html = FETCHES_DATA.replace(
        r#"fetch("https://example.com/data.json").then((r) => r.json()).catch(() => null);"#,
        r#"for (const src of ["https://images.example.org/logo.png", "http://93.184.216.34/pixel.png"]) {
    const image = document.createElement("img");
    image.src = src;
    document.getElementById("root").append(image);
  }"#,
    );
    assert!(html.contains("images.example.org"));
    expect_blocked(
        &test,
        &html,
        &[
            "https://images.example.org/logo.png",
            "http://93.184.216.34/pixel.png",
        ],
    );
}

#[test]
fn allow_network_lets_the_request_go_out() {
    let test = TestDir::new();
    let input = test.composition("open", FETCHES_DATA);
    let output = test.path("out.mp4");
    // Offline the request simply fails to resolve; the page catches that and renders.
    let run = test.render(&input, &output, &["--workers", "1", "--allow-network"]);
    assert_success(&run);
    let video = decode(&output);
    assert_eq!(video.frames.len(), 5);
    assert!(pixel(&video, 0, 32, 32)[1] > 200, "the page should render");
}

#[test]
fn a_google_fonts_stylesheet_for_inter_is_answered_locally() {
    let test = TestDir::new();
    let html = FETCHES_DATA
        .replace(
            r#"fetch("https://example.com/data.json").then((r) => r.json()).catch(() => null);"#,
            "",
        )
        .replace(
            "<html>",
            r#"<html><head><link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter:wght@400;700&display=swap"></head>"#,
        );
    let input = test.composition("google-fonts", &html);
    let output = test.path("out.mp4");
    let run = test.render(&input, &output, &["--workers", "1"]);
    assert_success(&run);
    let video = decode(&output);
    assert!(pixel(&video, 0, 32, 32)[1] > 200, "the page should render");
}

#[test]
fn a_request_made_by_a_later_frame_fails_the_render_too() {
    let test = TestDir::new();
    // Nothing is requested until the timeline passes 0.3 s, long after the page was ready.
    let html = FETCHES_DATA
        .replace(
            r#"fetch("https://example.com/data.json").then((r) => r.json()).catch(() => null);"#,
            r#"window.__timelines = { main: gsap.timeline({ paused: true })
                 .call(() => fetch("https://example.com/late.json").catch(() => null), [], 0.3)
                 .set({}, {}, 0.5) };"#,
        )
        .replace(
            "<html>",
            r#"<html><head><script src="gsap.min.js"></script></head>"#,
        );
    expect_blocked(&test, &html, &["https://example.com/late.json"]);
}

#[test]
fn a_remote_animated_gif_that_cannot_be_fetched_is_left_out_with_a_warning() {
    // Animated GIFs are decoded by FFmpeg like video, from the remote-asset cache; one that
    // cannot be fetched is named in a warning, and the page renders without it.
    let test = TestDir::new();
    let html = FETCHES_DATA
        .replace(
            r#"fetch("https://example.com/data.json").then((r) => r.json()).catch(() => null);"#,
            "",
        )
        .replace(
            "</div>\n</div>",
            "</div>\n<img src=\"https://images.example.org/pixel.gif\">\n</div>",
        );
    let input = test.composition("remote-gif", &html);
    let output = test.path("out.mp4");
    let run = test.render(&input, &output, &[]);
    assert_success(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("could not fetch https://images.example.org/pixel.gif"),
        "{stderr}"
    );
    assert!(
        pixel(&decode(&output), 0, 32, 32)[1] > 200,
        "the page should render"
    );
}
