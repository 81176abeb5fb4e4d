//! `framecast preview` in Debian's full `chromium`, the browser a user opens the player in (not
//! the headless shell capture uses), driven over the DevTools protocol: playing, pausing,
//! scrubbing and live reload with no console error and no failed request, and the same fonts as
//! the render path, generic families included.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::log::EventEntryAdded;
use chromiumoxide::cdp::browser_protocol::network::EventResponseReceived;
use chromiumoxide::cdp::browser_protocol::page::CaptureScreenshotFormat;
use chromiumoxide::cdp::js_protocol::runtime::{ConsoleApiCalledType, EventConsoleApiCalled};
use chromiumoxide::page::ScreenshotParams;
use futures::StreamExt;
use support::preview::{
    CHROMIUM_PATH, Player, PlayerBrowser, PreviewProcess, assert_no_leftovers, copy_fixture,
    decode_png, path_str,
};
use support::{TestDir, assert_success, psnr};

/// The rendering settings of the capture Chrome's fontconfig (`framecast-browser`'s
/// `fonts/fontconfig.rs`) over the machine's own configuration: the machine's fonts and
/// generic aliases stay (`sans-serif` is still DejaVu Sans here), only the way glyphs are
/// rasterized is the render's. A web page cannot change how its browser rasterizes text, and
/// hinting alone moves stems by a pixel; with these settings what is left to compare is which
/// fonts the page picks and where its lines break.
const RENDER_RASTER_SETTINGS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <match target="font">
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="hinting" mode="assign"><bool>false</bool></edit>
    <edit name="hintstyle" mode="assign"><const>hintnone</const></edit>
    <edit name="autohint" mode="assign"><bool>false</bool></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit>
    <edit name="lcdfilter" mode="assign"><const>lcdnone</const></edit>
    <edit name="embeddedbitmap" mode="assign"><bool>false</bool></edit>
  </match>
</fontconfig>
"#;

/// What went wrong in the page, as the browser reports it: console errors, failed loads and
/// responses of 400 or more.
#[derive(Default)]
struct PageTrouble {
    problems: Mutex<Vec<String>>,
}

impl PageTrouble {
    /// Listens to `player`'s page; call before it navigates.
    async fn watch(player: &Player) -> Arc<PageTrouble> {
        let trouble = Arc::new(PageTrouble::default());
        let mut responses = player
            .page
            .event_listener::<EventResponseReceived>()
            .await
            .expect("should listen to responses");
        let mut logs = player
            .page
            .event_listener::<EventEntryAdded>()
            .await
            .expect("should listen to the log");
        let mut console = player
            .page
            .event_listener::<EventConsoleApiCalled>()
            .await
            .expect("should listen to the console");
        let sink = Arc::clone(&trouble);
        tokio::spawn(async move {
            loop {
                let problem = tokio::select! {
                    Some(event) = responses.next() => (event.response.status >= 400)
                        .then(|| format!("HTTP {} {}", event.response.status, event.response.url)),
                    Some(event) = logs.next() => {
                        let level = format!("{:?}", event.entry.level).to_lowercase();
                        (level == "error").then(|| format!("log: {} {}", event.entry.text, event.entry.url.clone().unwrap_or_default()))
                    }
                    Some(event) = console.next() => (event.r#type == ConsoleApiCalledType::Error)
                        .then(|| format!("console.error: {:?}", event.args.iter().map(|arg| arg.value.clone()).collect::<Vec<_>>())),
                    else => break,
                };
                if let Some(problem) = problem {
                    sink.problems
                        .lock()
                        .expect("the trouble lock should not be poisoned")
                        .push(problem);
                }
            }
        });
        trouble
    }

    fn assert_none(&self) {
        let problems = self
            .problems
            .lock()
            .expect("the trouble lock should not be poisoned");
        assert!(problems.is_empty(), "the page reported: {problems:#?}");
    }
}

fn chromium(fontconfig: Option<PathBuf>) -> PlayerBrowser {
    assert!(
        Path::new(CHROMIUM_PATH).is_file(),
        "{CHROMIUM_PATH} is missing: install Debian's chromium (scripts/setup does)"
    );
    PlayerBrowser::Chromium { fontconfig }
}

/// Moves the scrubber as a user's drag does.
async fn scrub_to(player: &Player, t: f64) {
    player
        .run(&format!(
            "{{ const scrubber = document.getElementById('scrubber'); scrubber.value = '{t}'; scrubber.dispatchEvent(new Event('input')) }}"
        ))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_browser_plays_pauses_scrubs_and_reloads_without_errors() {
    let test = TestDir::new();
    let dir = copy_fixture(&test, "clips");
    let preview = PreviewProcess::spawn(&test, &dir);
    let player = Player::start(&test, &chromium(None), 1100, 720).await;
    let trouble = PageTrouble::watch(&player).await;
    player
        .page
        .goto(format!("{}?zoom=1&exact=0", preview.url))
        .await
        .expect("the player should open");
    player
        .wait_for("window.__player && window.__player.state.ready", 30)
        .await;
    // Play for a second: the time follows the clock, in the player and in the page.
    player.run("__player.play()").await;
    let wall = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let played = player.time().await;
    let elapsed = wall.elapsed().as_secs_f64();
    assert!(
        played > 0.6 && played <= elapsed + 0.1,
        "after {elapsed:.2} s of playback the time is {played:.3} s"
    );
    let page_time: f64 = player
        .eval("document.getElementById('composition').contentWindow.__hf.currentTime")
        .await;
    assert!(page_time > 0.6, "the page's time is {page_time}");

    // Pause: the time stays.
    player.press(" ").await;
    assert!(!player.eval::<bool>("__player.state.playing").await);
    let paused_at = player.time().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(player.time().await, paused_at, "a paused player stays put");

    // Scrub: the page is seeked to the scrubbed time and shows the clip of that time.
    scrub_to(&player, 1.5).await;
    assert_eq!(player.time().await, 1.5);
    let page_time: f64 = player
        .eval("document.getElementById('composition').contentWindow.__hf.currentTime")
        .await;
    assert_eq!(page_time, 1.5);
    let (_, _, before) = decode_png(&test, "before.png", &player.composition_png().await);
    let middle = ((90 * 320 + 160) * 3) as usize;
    assert!(
        before[middle + 1] > 200 && before[middle] < 50,
        "green at 1.5 s, got {:?}",
        &before[middle..middle + 3]
    );

    // An edit reloads the composition at the same time.
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
        .wait_for("__player.state.reloads >= 1 && __player.state.ready", 20)
        .await;
    assert_eq!(player.time().await, 1.5, "the reload keeps the time");
    let (_, _, after) = decode_png(&test, "after.png", &player.composition_png().await);
    assert!(
        after[middle] > 200 && after[middle + 1] < 50 && after[middle + 2] > 200,
        "magenta after the edit, got {:?}",
        &after[middle..middle + 3]
    );

    // A picture of the player in the full browser, for a person to look at.
    let screenshot = player
        .page
        .screenshot(
            ScreenshotParams::builder()
                .format(CaptureScreenshotFormat::Png)
                .build(),
        )
        .await
        .expect("should screenshot the player");
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("preview-player-chromium.png");
    std::fs::write(&keep, screenshot).expect("should keep the screenshot");

    trouble.assert_none();
    player.close().await;
    drop(preview);
    assert_no_leftovers(&test);
}

/// A composition whose text uses a mapped family (Arial), the generic `sans-serif` and
/// `monospace`, and no family at all, in boxes narrow enough that widths decide line breaks.
const FONTS: &str = r##"<!doctype html>
<html><head><meta charset="utf-8"><script src="gsap.min.js"></script>
<style>
  * { margin: 0; padding: 0; box-sizing: border-box; }
  html, body { width: 640px; height: 360px; overflow: hidden; }
  #root { position: relative; width: 640px; height: 360px; overflow: hidden; background: #f4f1ea; color: #111; }
  #named { position: absolute; top: 20px; left: 20px; width: 600px; font: 700 34px/1.15 Arial; }
  #generic { position: absolute; top: 120px; left: 20px; width: 380px; font-family: sans-serif; font-size: 22px; line-height: 1.3; }
  #mono { position: absolute; top: 300px; left: 20px; font: 18px monospace; }
  #plain { position: absolute; top: 260px; left: 420px; font-size: 16px; }
</style></head>
<body>
<div id="root" data-composition-id="fonts" data-width="640" data-height="360" data-duration="3" data-fps="30">
  <div id="named" class="clip" data-start="0" data-duration="3" data-track-index="0">Arial is drawn with Inter, Wafflejaw 1234567890</div>
  <div id="generic" class="clip" data-start="0" data-duration="3" data-track-index="1">Generic sans-serif text wraps at the same words in the preview as in the render, at every width.</div>
  <div id="mono" class="clip" data-start="0" data-duration="3" data-track-index="2">monospace: fn main() {}</div>
  <div id="plain" class="clip" data-start="0" data-duration="3" data-track-index="3">default font, no family</div>
</div>
<script>
  window.__timelines = window.__timelines || {};
  const tl = gsap.timeline({ paused: true });
  tl.fromTo("#named", { x: 0 }, { x: 12, duration: 3, ease: "none" }, 0);
  tl.fromTo("#generic", { y: 0 }, { y: 9, duration: 3, ease: "none" }, 0);
  window.__timelines["fonts"] = tl;
</script>
</body></html>
"##;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fonts_in_the_full_browser_match_the_snapshot() {
    let test = TestDir::new();
    let dir = test.composition("fonts", FONTS);
    let fontconfig = test.path("render-raster.conf");
    std::fs::write(&fontconfig, RENDER_RASTER_SETTINGS).expect("should write fonts.conf");
    let preview = PreviewProcess::spawn(&test, &dir);
    let player = Player::start(&test, &chromium(Some(fontconfig)), 1000, 800).await;
    let trouble = PageTrouble::watch(&player).await;
    // The player opens at 2 s from its URL.
    player
        .page
        .goto(format!("{}?zoom=1&exact=0#t=2", preview.url))
        .await
        .expect("the player should open");
    player
        .wait_for("window.__player && window.__player.state.ready", 30)
        .await;
    assert_eq!(player.time().await, 2.0);
    player
        .wait_for(
            "document.getElementById('composition').contentDocument.fonts.status === 'loaded'",
            10,
        )
        .await;

    // This browser's own sans-serif is not Inter (canvas text is not rewritten): the page's
    // rewrite is what makes the generic text Inter.
    let widths: [f64; 2] = player
        .eval("(() => { const w = document.getElementById('composition').contentWindow; const c = w.document.createElement('canvas').getContext('2d'); const text = 'Generic sans-serif text wraps'; c.font = '22px sans-serif'; const own = c.measureText(text).width; c.font = '22px Inter'; return [own, c.measureText(text).width]; })()")
        .await;
    assert!(
        (widths[0] - widths[1]).abs() > 1.0,
        "the browser's sans-serif should differ from Inter here: {widths:?}"
    );
    let families: Vec<String> = player
        .eval("(() => { const d = document.getElementById('composition').contentDocument; return ['generic', 'mono', 'plain'].map((id) => getComputedStyle(d.getElementById(id)).fontFamily); })()")
        .await;
    assert_eq!(
        families,
        [
            "Inter, sans-serif",
            "\"JetBrains Mono\", monospace",
            "Inter"
        ]
    );

    let shown = player.composition_png().await;
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("preview-fonts-chromium.png");
    std::fs::write(&keep, &shown).expect("should keep the screenshot");
    trouble.assert_none();
    player.close().await;
    drop(preview);

    let stills = test.path("stills");
    let output = test.framecast(&[
        "snapshot",
        path_str(&dir),
        "--at",
        "2.0",
        "-o",
        path_str(&stills),
    ]);
    assert_success(&output);
    let still = std::fs::read(stills.join("frame_2.000.png")).expect("the still at 2 s");
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("snapshot-fonts.png");
    std::fs::write(&keep, &still).expect("should keep the still");
    let (width, height, shown) = decode_png(&test, "shown.png", &shown);
    assert_eq!((width, height), (640, 360));
    let (_, _, still) = decode_png(&test, "still.png", &still);
    let value = psnr(&shown, &still);
    eprintln!(
        "PSNR full-browser preview vs snapshot at 2 s (Arial, sans-serif, monospace, default): {value:.2} dB"
    );
    assert!(
        value >= 40.0,
        "the preview in chromium and the snapshot at 2 s differ: PSNR {value:.2} dB"
    );
    assert_no_leftovers(&test);
}

/// Waits until the player shows the exact frame of `t` over the live page.
async fn wait_for_exact(player: &Player, t: f64) {
    player
        .wait_for(
            &format!("__player.exact.shown === {t:?} && !document.getElementById('exact').hidden"),
            60,
        )
        .await;
}

/// The decoded pixels of `framecast snapshot --at TIME` of `dir`.
fn snapshot_pixels(test: &TestDir, dir: &Path, time: &str, name: &str) -> Vec<u8> {
    let stills = test.path(name);
    assert_success(&test.framecast(&[
        "snapshot",
        path_str(dir),
        "--at",
        time,
        "-o",
        path_str(&stills),
    ]));
    let file = format!("frame_{:.3}.png", time.parse::<f64>().expect("a time"));
    let png = std::fs::read(stills.join(file)).expect("the still");
    decode_png(test, &format!("{name}.png"), &png).2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exact_frame_is_the_snapshot_and_follows_scrubs_and_edits() {
    let test = TestDir::new();
    let dir = test.composition("fonts", FONTS);
    let at_1 = snapshot_pixels(&test, &dir, "1.0", "still-1");
    let at_2 = snapshot_pixels(&test, &dir, "2.0", "still-2");
    let preview = PreviewProcess::spawn(&test, &dir);
    // The browser's own font rasterization: the live page differs from the render here, so
    // the pictures tell the exact frame from the live page.
    let player = Player::start(&test, &chromium(None), 1000, 800).await;
    let trouble = PageTrouble::watch(&player).await;
    player
        .page
        .goto(format!("{}?zoom=1#t=1", preview.url))
        .await
        .expect("the player should open");
    player
        .wait_for("window.__player && window.__player.state.ready", 30)
        .await;
    assert!(
        player
            .eval::<bool>("document.getElementById('exact-toggle').checked")
            .await,
        "the toggle is on by default"
    );

    // Paused at 1 s: the player shows the render's frame.
    wait_for_exact(&player, 1.0).await;
    let shown = decode_png(&test, "shown-1.png", &player.composition_png().await).2;
    let value = psnr(&shown, &at_1);
    eprintln!("PSNR exact frame in the player vs snapshot at 1 s: {value:.2} dB");
    assert!(
        value >= 50.0,
        "exact frame vs snapshot at 1 s: {value:.2} dB"
    );

    // Scrubbed to 2 s: the exact frame follows.
    scrub_to(&player, 2.0).await;
    wait_for_exact(&player, 2.0).await;
    let exact_2 = player.composition_png().await;
    let shown = decode_png(&test, "shown-2.png", &exact_2).2;
    let value = psnr(&shown, &at_2);
    eprintln!("PSNR exact frame in the player vs snapshot at 2 s: {value:.2} dB");
    assert!(
        value >= 50.0,
        "exact frame vs snapshot at 2 s: {value:.2} dB"
    );
    assert!(
        psnr(&shown, &at_1) < 40.0,
        "the frame at 2 s is not the one at 1 s"
    );

    // Toggled off: the live page, drawn by this browser, shows.
    player.press("e").await;
    assert!(
        player
            .eval::<bool>("document.getElementById('exact').hidden")
            .await
    );
    assert!(
        !player
            .eval::<bool>("document.getElementById('exact-toggle').checked")
            .await
    );
    let live = decode_png(&test, "live-2.png", &player.composition_png().await).2;
    let live_value = psnr(&live, &at_2);
    eprintln!("PSNR live page in the full browser vs snapshot at 2 s: {live_value:.2} dB");
    assert_ne!(
        live, shown,
        "the live page is this browser's drawing, not the capture"
    );
    player.press("e").await;
    wait_for_exact(&player, 2.0).await;

    // An edit: the player reloads and the exact frame shows the new file.
    let index = dir.join("index.html");
    let html = std::fs::read_to_string(&index).expect("should read");
    std::fs::write(
        &index,
        html.replace("background: #f4f1ea", "background: #203040"),
    )
    .expect("should write");
    player
        .wait_for("__player.state.reloads >= 1 && __player.state.ready", 20)
        .await;
    wait_for_exact(&player, 2.0).await;
    let edited = decode_png(&test, "edited-2.png", &player.composition_png().await).2;
    let corner = ((350 * 640 + 630) * 3) as usize;
    assert_eq!(
        &edited[corner..corner + 3],
        &[0x20, 0x30, 0x40],
        "the exact frame after the edit has the new background"
    );
    trouble.assert_none();
    player.close().await;
    let at_2_edited = snapshot_pixels(&test, &dir, "2.0", "still-2-edited");
    let value = psnr(&edited, &at_2_edited);
    assert!(
        value >= 50.0,
        "exact frame after the edit vs its snapshot: {value:.2} dB"
    );
    let status = preview.terminate();
    assert!(
        status.success(),
        "framecast preview after SIGTERM: {status}"
    );
    assert_no_leftovers(&test);
}

/// Not a test: the latency from a scrub to the exact frame on screen, median over 20 scrubs of
/// a 1080p composition, uncached (the capture Chrome already warm) and cached. Run with
/// `cargo nextest run -p framecast -E 'test(exact_frame_latency)' --run-ignored only
/// --no-capture`; `FRAMECAST_LATENCY_COMPOSITION` names the composition (default: the
/// title-card of the shared bench).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a test"]
async fn exact_frame_latency() {
    let test = TestDir::new();
    let dir = std::env::var_os("FRAMECAST_LATENCY_COMPOSITION")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/bench/compositions/title-card"));
    let dir = {
        let copy = test.path("composition");
        support::preview::copy_tree(&dir, &copy);
        copy
    };
    let preview = PreviewProcess::spawn(&test, &dir);
    let player = Player::start(&test, &chromium(None), 1280, 900).await;
    player
        .page
        .goto(format!("{}#t=0", preview.url))
        .await
        .expect("the player should open");
    player
        .wait_for("window.__player && window.__player.state.ready", 60)
        .await;
    let started = Instant::now();
    wait_for_exact(&player, 0.0).await;
    let first = started.elapsed().as_secs_f64() * 1000.0;
    let duration: f64 = player.eval("__player.state.duration").await;
    let fps: f64 = player.eval("__player.state.fps").await;
    let times: Vec<f64> = (1..=20)
        .map(|i| ((duration * 0.9 * f64::from(i) / 20.0) * fps).floor() / fps)
        .collect();
    let measure = |label: &'static str| {
        let times = times.clone();
        let player = &player;
        async move {
            let mut latencies = Vec::new();
            for &t in &times {
                let scrubbed = Instant::now();
                scrub_to(player, t).await;
                wait_for_exact(player, t).await;
                let wall = scrubbed.elapsed().as_secs_f64() * 1000.0;
                let page: f64 = player.eval("__player.exact.latency").await;
                latencies.push((wall, page));
            }
            let mut walls: Vec<f64> = latencies.iter().map(|l| l.0).collect();
            let mut pages: Vec<f64> = latencies.iter().map(|l| l.1).collect();
            walls.sort_by(f64::total_cmp);
            pages.sort_by(f64::total_cmp);
            eprintln!(
                "{label}: median scrub to exact frame {:.0} ms in the page ({:.0} ms seen by CDP), min {:.0}, max {:.0}, n = {}",
                pages[pages.len() / 2],
                walls[walls.len() / 2],
                pages[0],
                pages[pages.len() - 1],
                pages.len()
            );
        }
    };
    measure("uncached").await;
    measure("cached").await;
    eprintln!(
        "first exact frame after opening the player (capture Chrome starting): {first:.0} ms"
    );
    player.close().await;
    let _ = preview.terminate();
    assert_no_leftovers(&test);
}
