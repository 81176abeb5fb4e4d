//! Parallel capture: identical output for any worker count, recovery from a Chrome that dies,
//! a clear error for a page that hangs, clean Ctrl-C, and memory that does not grow with length.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use support::{TestDir, assert_success, decode, fixture};

#[test]
fn one_two_and_three_workers_give_identical_frames() {
    let test = TestDir::new();
    let mut videos = Vec::new();
    for workers in ["1", "2", "3"] {
        let output = test.path(&format!("w{workers}.mp4"));
        let run = test.render(
            &fixture("gsap-title"),
            &output,
            &["--workers", workers, "--quality", "draft", "--json"],
        );
        assert_success(&run);
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            stdout.contains(&format!(r#""workers":{workers}"#)),
            "{stdout}"
        );
        videos.push(decode(&output));
    }
    assert_eq!(videos[0].frames.len(), 60);
    for (workers, video) in [2, 3].iter().zip(&videos[1..]) {
        assert_eq!(video.frames.len(), videos[0].frames.len());
        for (index, (a, b)) in videos[0].frames.iter().zip(&video.frames).enumerate() {
            assert!(
                a == b,
                "frame {index} differs between 1 and {workers} workers"
            );
        }
    }
}

/// A `.to()` that starts while a `fromTo` on the same property still runs: GSAP reads the
/// `.to()`'s start value when it first renders, so a page that jumps to a later frame would
/// start it from the `fromTo`'s end instead of from where it was at 0.6 s.
const OVERLAPPING_TWEENS: &str = r##"<!doctype html><html><head><style>
body{margin:0;background:#000}
#bar{position:absolute;left:40px;top:70px;width:240px;height:40px;background:#fc0}
</style></head><body>
<div id="root" data-composition-id="main" data-width="320" data-height="180" data-duration="3" data-fps="30">
  <div id="bar"></div>
</div>
<script src="https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js"></script>
<script>
  const tl = gsap.timeline({ paused: true });
  tl.fromTo("#bar", { rotation: -90 }, { rotation: 0, duration: 1.2, ease: "none" }, 0);
  tl.to("#bar", { rotation: 180, duration: 1.5, ease: "none" }, 0.6);
  window.__timelines = window.__timelines || {};
  window.__timelines["main"] = tl;
</script></body></html>"##;

#[test]
fn workers_that_start_mid_video_show_what_a_page_seeked_from_the_start_shows() {
    let test = TestDir::new();
    let input = test.composition("overlap", OVERLAPPING_TWEENS);
    let mut videos = Vec::new();
    for workers in ["1", "3"] {
        let output = test.path(&format!("w{workers}.mp4"));
        // Lossless, so any difference in a captured frame shows.
        let run = test.render(
            &input,
            &output,
            &["--workers", workers, "--quality", "draft", "--crf", "0"],
        );
        assert_success(&run);
        videos.push(decode(&output));
    }
    assert_eq!(videos[0].frames.len(), 90);
    for (index, (one, three)) in videos[0].frames.iter().zip(&videos[1].frames).enumerate() {
        let differing = one
            .iter()
            .zip(three)
            .filter(|(a, b)| a.abs_diff(**b) > 2)
            .count();
        assert!(
            differing == 0,
            "frame {index}: {differing} channel values differ between 1 and 3 workers"
        );
    }
}

#[test]
fn a_snapshot_shows_what_the_render_writes_at_that_time() {
    let test = TestDir::new();
    let input = test.composition("overlap", OVERLAPPING_TWEENS);
    let frames = test.path("frames");
    assert_success(&test.render(&input, &frames, &["--workers", "1"]));
    let stills = test.path("stills");
    assert_success(&test.framecast(&[
        "snapshot",
        input.to_str().unwrap(),
        "--at",
        "1.5",
        "-o",
        stills.to_str().unwrap(),
    ]));
    let read = |path: std::path::PathBuf| {
        framecast_media::decode_png(&std::fs::read(&path).unwrap()).unwrap()
    };
    let rendered = read(frames.join("frame_000045.png"));
    let still = read(stills.join("frame_1.500.png"));
    assert_eq!(
        (still.width, still.height),
        (rendered.width, rendered.height)
    );
    assert!(
        still.data == rendered.data,
        "the still at 1.5 s differs from the render's frame 45"
    );
}

/// The main Chrome processes (not renderers or helpers) started for this test.
fn chrome_main_pids(test: &TestDir) -> Vec<u32> {
    let marker = test.dir.path().to_string_lossy().into_owned();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline);
        if cmdline.contains("chromium-headless-shell")
            && cmdline.contains(&marker)
            && !cmdline.contains("--type=")
        {
            pids.push(pid);
        }
    }
    pids
}

/// Starts a render with JSON progress and returns the child and a reader of its events.
fn spawn_render(
    test: &TestDir,
    input: &std::path::Path,
    output: &std::path::Path,
    extra: &[&str],
) -> std::process::Child {
    let tmp = test.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    Command::new(env!("CARGO_BIN_EXE_framecast"))
        .args([
            "render",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--json",
        ])
        .args(extra)
        .env("TMPDIR", &tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads JSON progress lines until `encoded` frames were written.
fn wait_for_frames(stdout: &mut impl BufRead, encoded: u64) {
    let needle = format!(r#""encoded":{encoded},"#);
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the render ended before frame {encoded}"
        );
        if line.contains(&needle) {
            return;
        }
    }
}

#[test]
fn a_chrome_killed_mid_render_is_replaced_and_the_video_is_complete() {
    let test = TestDir::new();
    let reference = test.path("reference.mp4");
    let args = ["--workers", "2", "--quality", "draft", "--fps", "60"];
    assert_success(&test.render(&fixture("moving-box"), &reference, &args));

    let output = test.path("recovered.mp4");
    let mut child = spawn_render(&test, &fixture("moving-box"), &output, &args);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    wait_for_frames(&mut stdout, 10);
    let victims = chrome_main_pids(&test);
    assert_eq!(victims.len(), 2, "two workers, two Chrome processes");
    // SAFETY: sending SIGKILL to a Chrome process this test started.
    unsafe {
        libc::kill(victims[1] as i32, libc::SIGKILL);
    }
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        status.success(),
        "render failed after a worker was killed:\n{stderr}"
    );
    assert!(
        rest.contains("worker_restarted"),
        "the restart is reported:\n{rest}"
    );

    let (expected, recovered) = (decode(&reference), decode(&output));
    assert_eq!(recovered.frames.len(), 120);
    for (index, (a, b)) in expected.frames.iter().zip(&recovered.frames).enumerate() {
        assert!(a == b, "frame {index} differs from the undisturbed render");
    }
    assert_eq!(test.settle_and_list_leftovers(), Vec::<String>::new());
}

#[test]
fn a_page_that_hangs_on_one_frame_fails_with_a_timeout_naming_it() {
    let test = TestDir::new();
    let input = test.composition(
        "hang",
        r#"<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="2"></div>
<script>
window.__timelines = { main: { duration() { return 2; }, totalTime(t) { if (t >= 1) { for (;;) {} } } } };
</script>"#,
    );
    let output = test.path("hang.mp4");
    let run = test.render(&input, &output, &["--workers", "1", "--frame-timeout", "1"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("timed out after 1.0 s while seeking frame 30"),
        "{stderr}"
    );
    assert!(!output.exists());
    assert_eq!(test.settle_and_list_leftovers(), Vec::<String>::new());
}

#[test]
fn ctrl_c_stops_cleanly_with_no_output_and_no_processes() {
    stops_cleanly_on(libc::SIGINT, 130);
}

#[test]
fn sigterm_stops_cleanly_like_ctrl_c() {
    stops_cleanly_on(libc::SIGTERM, 143);
}

/// Sends `signal` mid-render: the render stops with `code`, no output, no partial file, no
/// process and no Chrome profile left behind.
fn stops_cleanly_on(signal: i32, code: i32) {
    let test = TestDir::new();
    let output = test.path("interrupted.mp4");
    let mut child = spawn_render(
        &test,
        &fixture("moving-box"),
        &output,
        &["--workers", "2", "--fps", "120"],
    );
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    wait_for_frames(&mut stdout, 5);
    // SAFETY: sending a signal to the framecast process this test started.
    unsafe {
        libc::kill(child.id() as i32, signal);
    }
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(code),
        "a render stopped by signal {signal}"
    );
    assert!(!output.exists(), "no output after signal {signal}");
    let leftovers: Vec<_> = std::fs::read_dir(test.dir.path())
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(test.settle_and_list_leftovers(), Vec::<String>::new());
    let profiles: Vec<_> = std::fs::read_dir(test.path("tmp"))
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name())
        .collect();
    assert!(profiles.is_empty(), "temporary files left: {profiles:?}");
}

#[test]
fn a_snapshot_stops_cleanly_on_sigterm() {
    let test = TestDir::new();
    // Never ready, so the snapshot is still waiting when stopped.
    let input = test.composition("stuck", support::NEVER_READY);
    let stills = test.path("stills");
    let tmp = test.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_framecast"))
        .args(["snapshot", input.to_str().unwrap(), "--at", "0.5"])
        .arg("-o")
        .arg(&stills)
        .env("TMPDIR", &tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until Chrome runs (its profile directory appears), then stop.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::read_dir(&tmp).unwrap().next().is_none() {
        assert!(std::time::Instant::now() < deadline, "Chrome never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SAFETY: sending SIGTERM to the framecast process this test started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143), "a snapshot stopped by SIGTERM");
    assert_eq!(test.settle_and_list_leftovers(), Vec::<String>::new());
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name())
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    let written = std::fs::read_dir(&stills).map_or(0, |dir| dir.count());
    assert_eq!(written, 0, "no still was written");
}

/// Peak resident memory of a finished child, from the kernel's accounting (kB).
fn peak_rss_kb(child: std::process::Child) -> (std::process::ExitStatus, i64) {
    use std::os::unix::process::ExitStatusExt;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; status and usage are valid out-pointers.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    (std::process::ExitStatus::from_raw(status), usage.ru_maxrss)
}

#[test]
fn memory_does_not_grow_with_the_length_of_the_video() {
    let test = TestDir::new();
    let composition = |seconds: u32| {
        test.composition(
            &format!("long{seconds}"),
            &format!(
                r##"<html><body style="margin:0;background:#123">
<div id="root" data-composition-id="main" data-width="160" data-height="90" data-duration="{seconds}">
<div id="box" style="position:absolute;width:20px;height:20px;background:#fe0"></div></div>
<script src="gsap.min.js"></script>
<script>
const tl = gsap.timeline({{ paused: true }});
tl.to("#box", {{ x: 140, y: 70, duration: 1, repeat: {repeat}, yoyo: true, ease: "none" }});
window.__timelines = {{ main: tl }};
</script></body></html>"##,
                repeat = seconds - 1
            ),
        )
    };
    let measure = |seconds: u32| {
        let input = composition(seconds);
        let output = test.path(&format!("long{seconds}.mp4"));
        let child = Command::new(env!("CARGO_BIN_EXE_framecast"))
            .args([
                "render",
                input.to_str().unwrap(),
                "-o",
                output.to_str().unwrap(),
            ])
            .args(["--workers", "1", "--quality", "draft", "--fps", "15"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (status, peak) = peak_rss_kb(child);
        assert!(status.success(), "{seconds} s render failed");
        assert_eq!(decode(&output).frames.len() as u32, seconds * 15);
        peak
    };
    let short = measure(6);
    let long = measure(60);
    // Ten times the frames may not cost more than a generous constant: the reorder window, not
    // the video's length, bounds what is held.
    assert!(
        long < short + 40 * 1024,
        "peak RSS grew from {short} kB (6 s) to {long} kB (60 s)"
    );
}
