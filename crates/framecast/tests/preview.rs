//! `framecast preview` and `framecast snapshot` end to end: the real binary serves a copy of a
//! composition, real headless Chrome opens the player, and the tests press keys, scrub, edit
//! files and compare pixels with stills captured through the render path.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::page::CaptureScreenshotFormat;
use chromiumoxide::page::ScreenshotParams;
use support::preview::{
    Player, PreviewProcess, assert_no_leftovers, copy_fixture, decode_png, http_get, path_str,
};
use support::{TestDir, assert_success, psnr};

/// A 3 s composition with text, a gradient and transforms, so pixels say something about fonts,
/// raster and timing, not only flat colours.
const MOTION: &str = r##"<!doctype html>
<html><head><meta charset="utf-8"><script src="gsap.min.js"></script>
<style>
  * { margin: 0; padding: 0; box-sizing: border-box; }
  html, body { width: 320px; height: 180px; overflow: hidden; background: #102030; }
  #root { position: relative; width: 320px; height: 180px; overflow: hidden;
          background: linear-gradient(135deg, #1e3c72, #2a5298 60%, #e96443); }
  #title { position: absolute; top: 24px; left: 20px; font: 700 28px Arial; color: #fff; }
  #box { position: absolute; top: 100px; left: 0; width: 48px; height: 48px; background: #ffcc00; border-radius: 8px; }
</style></head>
<body>
<div id="root" data-composition-id="motion" data-width="320" data-height="180" data-duration="3" data-fps="30">
  <div id="title" class="clip" data-start="0" data-duration="3" data-track-index="0">Preview = render</div>
  <div id="box" class="clip" data-start="0.5" data-duration="2.5" data-track-index="1"></div>
</div>
<script>
  window.__timelines = window.__timelines || {};
  const tl = gsap.timeline({ paused: true });
  tl.fromTo("#box", { x: 0, rotation: 0 }, { x: 260, rotation: 180, duration: 3, ease: "none" }, 0);
  tl.fromTo("#title", { opacity: 0.2, y: 0 }, { opacity: 1, y: 20, duration: 3, ease: "none" }, 0);
  window.__timelines["motion"] = tl;
</script>
</body></html>
"##;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn player_plays_in_real_time_steps_frames_and_pauses() {
    let test = TestDir::new();
    let dir = copy_fixture(&test, "clips");
    let preview = PreviewProcess::spawn(&test, &dir);
    let player = Player::open(&test, &preview.url, 960, 600).await;

    let described: serde_json::Value = player
        .eval("({ d: __player.state.duration, fps: __player.state.fps, clips: __player.state.clips.length, w: __player.state.width })")
        .await;
    assert_eq!(described["d"], 3.0);
    assert_eq!(described["fps"], 30);
    assert_eq!(described["clips"], 4, "four clips in two lanes");
    assert_eq!(described["w"], 320);

    // A picture of the player mid-way, for a person to look at.
    player.run("__player.seek(1.25)").await;
    let screenshot = player
        .page
        .screenshot(
            ScreenshotParams::builder()
                .format(CaptureScreenshotFormat::Png)
                .build(),
        )
        .await
        .expect("should screenshot the player");
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("preview-player.png");
    std::fs::write(&keep, screenshot).expect("should keep the screenshot");
    player.run("__player.seek(0)").await;

    player.press(" ").await;
    assert!(player.eval::<bool>("__player.state.playing").await);
    let wall = Instant::now();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let played = player.time().await;
    let elapsed = wall.elapsed().as_secs_f64();
    assert!(
        played > 0.3 && played <= elapsed + 0.1,
        "after {elapsed:.2} s of playback the time is {played:.3} s"
    );
    // The composition itself was seeked there, through the runtime.
    let page_time: f64 = player
        .eval("document.getElementById('composition').contentWindow.__hf.currentTime")
        .await;
    assert!(page_time > 0.3, "the page's time is {page_time}");

    player.press(" ").await;
    assert!(!player.eval::<bool>("__player.state.playing").await);
    let paused_at = player.time().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(player.time().await, paused_at, "a paused player stays put");

    let frame: f64 = player
        .eval("Math.floor(__player.state.t * 30 + 1e-6)")
        .await;
    player.press("ArrowRight").await;
    let stepped = player.time().await;
    assert!(
        (stepped - (frame + 1.0) / 30.0).abs() < 1e-9,
        "one frame on from {paused_at} is {stepped}"
    );
    player.press("ArrowLeft").await;
    player.press("ArrowLeft").await;
    assert!((player.time().await - (frame - 1.0) / 30.0).abs() < 1e-9);
    let readout: String = player
        .eval("document.getElementById('frame').textContent")
        .await;
    assert_eq!(readout, format!("frame {} / 89", frame - 1.0));

    player.close().await;
    drop(preview);
    assert_no_leftovers(&test);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrubbed_frame_matches_the_snapshot() {
    let test = TestDir::new();
    let dir = test.composition("motion", MOTION);
    let preview = PreviewProcess::spawn(&test, &dir);
    let player = Player::open(&test, &format!("{}?zoom=1&exact=0", preview.url), 800, 500).await;

    player
        .run("const scrubber = document.getElementById('scrubber'); scrubber.value = '2'; scrubber.dispatchEvent(new Event('input'))")
        .await;
    let state: serde_json::Value = player
        .eval("JSON.parse(JSON.stringify({ ...__player.state, clips: 0, media: 0 }))")
        .await;
    assert_eq!(
        state["t"], 2.0,
        "the player after scrubbing to 2 s: {state}"
    );
    let shown = player.composition_png().await;
    player.close().await;
    drop(preview);

    let stills = test.path("stills");
    let output = test.framecast(&[
        "snapshot",
        path_str(&dir),
        "--at",
        "1.0,2.0",
        "-o",
        path_str(&stills),
    ]);
    assert_success(&output);
    let at_2 = std::fs::read(stills.join("frame_2.000.png")).expect("the still at 2 s");
    let at_1 = std::fs::read(stills.join("frame_1.000.png")).expect("the still at 1 s");
    assert_eq!(&at_2[1..4], b"PNG");

    let (width, height, shown) = decode_png(&test, "shown.png", &shown);
    assert_eq!((width, height), (320, 180));
    let (_, _, rendered_2) = decode_png(&test, "rendered_2.png", &at_2);
    let (_, _, rendered_1) = decode_png(&test, "rendered_1.png", &at_1);
    let same_time = psnr(&shown, &rendered_2);
    let other_time = psnr(&shown, &rendered_1);
    assert!(
        same_time >= 40.0,
        "preview and render at 2 s differ: PSNR {same_time:.2} dB"
    );
    assert!(
        other_time < 30.0,
        "the comparison should tell 1 s from 2 s: PSNR {other_time:.2} dB"
    );
    eprintln!("PSNR preview vs snapshot at 2 s: {same_time:.2} dB (vs 1 s: {other_time:.2} dB)");

    // And the video itself: frame 60 of the render is t = 2 s.
    let video = test.path("motion.mp4");
    assert_success(&test.render(&dir, &video, &["--quality", "high", "--workers", "1"]));
    let decoded = support::decode(&video);
    assert_eq!(decoded.frames.len(), 90);
    // The video is lossy (JPEG capture, 4:2:0 chroma, x264), so the preview is held to the
    // render path's own lossless still: it must be as close to the video as that still is.
    let encoded = psnr(&shown, &decoded.frames[60]);
    let still_encoded = psnr(&rendered_2, &decoded.frames[60]);
    assert!(
        encoded >= still_encoded - 0.5,
        "against the render's frame 60 the preview has {encoded:.2} dB, the render path's own still {still_encoded:.2} dB"
    );
    eprintln!(
        "PSNR vs the rendered video's frame 60: preview {encoded:.2} dB, snapshot {still_encoded:.2} dB"
    );
    assert_no_leftovers(&test);
}

/// What each fixture shows at `time` in the player, against the render path's still.
async fn preview_against_snapshot(test: &TestDir, name: &str, time: f64) -> f64 {
    let dir = copy_fixture(test, name);
    let preview = PreviewProcess::spawn(test, &dir);
    let player = Player::open(test, &format!("{}?zoom=1&exact=0", preview.url), 800, 500).await;
    player.run(&format!("__player.seek({time})")).await;
    let shown = player.composition_png().await;
    player.close().await;
    drop(preview);
    let stills = test.path(&format!("{name}-stills"));
    let output = test.framecast(&[
        "snapshot",
        path_str(&dir),
        "--at",
        &time.to_string(),
        "-o",
        path_str(&stills),
    ]);
    assert_success(&output);
    let still = std::fs::read(stills.join(format!("frame_{time:.3}.png"))).expect("the still");
    let (_, _, shown) = decode_png(test, &format!("{name}-shown.png"), &shown);
    let (_, _, still) = decode_png(test, &format!("{name}-still.png"), &still);
    let first = &still[..3];
    assert!(
        still.chunks(3).any(|pixel| pixel != first),
        "{name} at {time} s is a flat colour: nothing to compare"
    );
    psnr(&shown, &still)
}

/// Adapters (CSS/WAAPI, Lottie), virtual time (requestAnimationFrame on a canvas),
/// sub-compositions and WebGL look the same in the player as through the render path. Fonts,
/// generic families included, are `preview_browser`'s, in the full browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixtures_preview_as_they_render() {
    let test = TestDir::new();
    let mut results = Vec::new();
    for (name, time) in [
        ("css-waapi", 0.6),
        ("raf-canvas", 0.6),
        ("nested-compositions", 0.6),
        ("lottie", 0.6),
        ("three-scene", 0.6),
    ] {
        let value = preview_against_snapshot(&test, name, time).await;
        eprintln!("{name}: PSNR preview vs snapshot at {time} s: {value:.2} dB");
        results.push((name, value));
    }
    let failed: Vec<_> = results.iter().filter(|(_, value)| *value < 40.0).collect();
    assert!(failed.is_empty(), "below 40 dB: {failed:?}");
    assert_no_leftovers(&test);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_file_reloads_and_keeps_the_time() {
    let test = TestDir::new();
    let dir = copy_fixture(&test, "clips");
    let preview = PreviewProcess::spawn(&test, &dir);
    let player = Player::open(&test, &format!("{}?zoom=1&exact=0", preview.url), 800, 500).await;

    player.run("__player.seek(1.5)").await;
    let (_, _, before) = decode_png(&test, "before.png", &player.composition_png().await);
    // The middle of the frame shows the green clip at 1.5 s.
    let middle = ((90 * 320 + 160) * 3) as usize;
    assert!(
        before[middle + 1] > 200 && before[middle] < 50,
        "green at 1.5 s"
    );

    let index = dir.join("index.html");
    let html = std::fs::read_to_string(&index).expect("should read");
    std::fs::write(
        &index,
        html.replace(
            "#green { background: #00ff00; }",
            "#green { background: #ff00ff; }",
        ),
    )
    .expect("should write");
    player
        .wait_for("__player.state.reloads >= 1 && __player.state.ready", 15)
        .await;
    assert_eq!(player.time().await, 1.5, "the reload keeps the time");
    let (_, _, after) = decode_png(&test, "after.png", &player.composition_png().await);
    assert!(
        after[middle] > 200 && after[middle + 1] < 50 && after[middle + 2] > 200,
        "magenta after the edit, got {:?}",
        &after[middle..middle + 3]
    );

    player.close().await;
    drop(preview);
    assert_no_leftovers(&test);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_show_as_an_overlay_naming_the_file_and_line() {
    let test = TestDir::new();
    let broken = MOTION.replace(
        "window.__timelines = window.__timelines || {};",
        "window.__timelines = window.__timelines || {};\n  notDefinedAnywhere();",
    );
    let line = broken
        .lines()
        .position(|line| line.contains("notDefinedAnywhere"))
        .expect("the broken line")
        + 1;
    let dir = test.composition("broken", &broken);
    let preview = PreviewProcess::spawn(&test, &dir);
    let player = Player::launch(&test, &preview.url, 800, 500).await;
    player.wait_for("__player.state.overlay", 20).await;
    let overlay: String = player
        .eval("document.getElementById('overlay').hidden ? '' : document.getElementById('overlay-text').textContent")
        .await;
    assert!(overlay.contains("notDefinedAnywhere"), "{overlay}");
    let screenshot = player
        .page
        .screenshot(
            ScreenshotParams::builder()
                .format(CaptureScreenshotFormat::Png)
                .build(),
        )
        .await
        .expect("should screenshot the player");
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("preview-overlay.png");
    std::fs::write(&keep, screenshot).expect("should keep the screenshot");
    assert!(
        overlay.contains(&format!("index.html:{line}")),
        "the overlay should name index.html:{line}: {overlay}"
    );

    // Fixing the file clears the overlay.
    std::fs::write(dir.join("index.html"), MOTION).expect("should write");
    player
        .wait_for("__player.state.ready && !__player.state.overlay", 15)
        .await;

    // A composition error found before the page runs (no data-width) is shown too.
    std::fs::write(
        dir.join("index.html"),
        MOTION.replace(" data-width=\"320\"", ""),
    )
    .expect("should write");
    player.wait_for("__player.state.reloads >= 2", 15).await;
    player.wait_for("__player.state.overlay", 15).await;
    let overlay: String = player.eval("__player.state.overlay").await;
    assert!(overlay.contains("data-width"), "{overlay}");
    assert!(overlay.contains("index.html"), "{overlay}");

    player.close().await;
    drop(preview);
    assert_no_leftovers(&test);
}

/// A mono 16-bit WAV of a 440 Hz tone.
fn tone_wav(seconds: f64) -> Vec<u8> {
    let rate = 8000u32;
    let samples = (seconds * f64::from(rate)) as u32;
    let mut wav = Vec::new();
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples * 2).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&rate.to_le_bytes());
    wav.extend_from_slice(&(rate * 2).to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(samples * 2).to_le_bytes());
    for index in 0..samples {
        let phase = f64::from(index) / f64::from(rate) * 440.0 * std::f64::consts::TAU;
        let sample = (phase.sin() * 8000.0) as i16;
        wav.extend_from_slice(&sample.to_le_bytes());
    }
    wav
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playback_plays_the_audio_in_sync() {
    let test = TestDir::new();
    let html = MOTION.replace(
        "</div>\n<script>",
        "  <audio id=\"music\" src=\"tone.wav\" data-start=\"0.5\" data-duration=\"2\" data-track-index=\"2\"></audio>\n</div>\n<script>",
    );
    assert!(html.contains("tone.wav"));
    let dir = test.composition("audio", &html);
    std::fs::write(dir.join("tone.wav"), tone_wav(3.0)).expect("should write the tone");
    let preview = PreviewProcess::spawn(&test, &dir);
    let player = Player::open(&test, &preview.url, 800, 500).await;
    assert_eq!(player.eval::<u32>("__player.state.media.length").await, 1);

    player.press(" ").await;
    player.wait_for("__player.state.t > 1.2", 10).await;
    let sound: serde_json::Value = player
        .eval("({ t: __player.state.t, paused: __player.state.media[0].audio.paused, at: __player.state.media[0].audio.currentTime })")
        .await;
    assert_eq!(
        sound["paused"], false,
        "the tone plays during its clip: {sound}"
    );
    let expected = sound["t"].as_f64().expect("t") - 0.5;
    let at = sound["at"].as_f64().expect("currentTime");
    assert!(
        (at - expected).abs() < 0.35,
        "the tone is at {at:.3} s, the clip at {expected:.3} s"
    );
    player.press(" ").await;
    assert!(
        player
            .eval::<bool>("__player.state.media[0].audio.paused")
            .await,
        "pausing the player pauses the sound"
    );

    player.close().await;
    drop(preview);
    assert_no_leftovers(&test);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_server_refuses_paths_outside_the_project() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let test = TestDir::new();
    std::fs::write(test.path("secret.txt"), "TOP SECRET").expect("should write");
    let dir = copy_fixture(&test, "clips");
    let preview = PreviewProcess::spawn(&test, &dir);
    let address = preview
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    for target in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/index.html/../../secret.txt",
    ] {
        let mut stream = tokio::net::TcpStream::connect(&address)
            .await
            .expect("should connect");
        let request =
            format!("GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("should send");
        let mut reply = String::new();
        stream
            .read_to_string(&mut reply)
            .await
            .expect("should read");
        let status = &reply[9..12];
        assert!(status == "403" || status == "404", "{target}: {status}");
        assert!(!reply.contains("TOP SECRET"), "{target}");
    }
    drop(preview);
    assert_no_leftovers(&test);
}

/// The exact-frame endpoint of the real binary, with its capture Chrome: a PNG of the time
/// asked, the same pixels as `framecast snapshot`; bad times, times past the end, other hosts
/// and other websites refused; a fresh frame after an edit; and SIGTERM closes that Chrome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exact_frame_endpoint_answers_as_snapshot_does() {
    let test = TestDir::new();
    let dir = copy_fixture(&test, "clips");
    let stills = test.path("stills");
    assert_success(&test.framecast(&[
        "snapshot",
        path_str(&dir),
        "--at",
        "1.5",
        "-o",
        path_str(&stills),
    ]));
    let still = std::fs::read(stills.join("frame_1.500.png")).expect("the still at 1.5 s");
    let preview = PreviewProcess::spawn(&test, &dir);
    let address = preview.address();
    let get = |target: &'static str| {
        let address = address.clone();
        async move { http_get(&address, &address, target, &[]).await }
    };

    let (status, head, png) = get("/__framecast/frame?t=1.5").await;
    assert_eq!(status, 200, "{head}");
    assert!(
        head.to_lowercase().contains("content-type: image/png"),
        "{head}"
    );
    let (width, height, shown) = decode_png(&test, "shown.png", &png);
    assert_eq!((width, height), (320, 180));
    let (_, _, expected) = decode_png(&test, "still.png", &still);
    assert_eq!(
        psnr(&shown, &expected),
        f64::INFINITY,
        "the exact frame should be the snapshot's pixels"
    );
    let middle = ((90 * 320 + 160) * 3) as usize;
    assert_eq!(&shown[middle..middle + 3], &[0, 255, 0], "green at 1.5 s");

    for bad in [
        "/__framecast/frame",
        "/__framecast/frame?t=",
        "/__framecast/frame?t=abc",
        "/__framecast/frame?t=-1",
        "/__framecast/frame?t=NaN",
        "/__framecast/frame?t=inf",
    ] {
        let (status, _, body) = get(bad).await;
        assert_eq!(status, 400, "{bad}: {}", String::from_utf8_lossy(&body));
        assert!(String::from_utf8_lossy(&body).contains("seconds"), "{bad}");
    }
    let (status, _, body) = get("/__framecast/frame?t=3.5").await;
    let body = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("3.5") && body.contains("3 s long"), "{body}");

    // Another host (DNS rebinding) and another website's page are refused.
    let (status, _, _) =
        http_get(&address, "evil.example.com", "/__framecast/frame?t=1", &[]).await;
    assert_eq!(status, 403);
    let (status, _, _) = http_get(
        &address,
        &address,
        "/__framecast/frame?t=1",
        &[
            ("Origin", "http://evil.example.com"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
    )
    .await;
    assert_eq!(status, 403);

    // An edit empties the cache: the same time shows the new colour once the change is seen.
    let index = dir.join("index.html");
    let html = std::fs::read_to_string(&index).expect("should read");
    std::fs::write(
        &index,
        html.replace(
            "#green { background: #00ff00; }",
            "#green { background: #ff00ff; }",
        ),
    )
    .expect("should write");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, _, png) = get("/__framecast/frame?t=1.5").await;
        assert_eq!(status, 200);
        let (_, _, after) = decode_png(&test, "after.png", &png);
        if after[middle..middle + 3] == [255, 0, 255] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the exact frame never showed the edit"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let status = preview.terminate();
    assert!(
        status.success(),
        "framecast preview after SIGTERM: {status}"
    );
    assert_no_leftovers(&test);
}
