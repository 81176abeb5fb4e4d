//! `--format hls` end to end with real Chrome and FFmpeg: a folder with a VOD playlist and
//! MPEG-TS segments, each starting on a keyframe, that plays back to the frames and the audio an
//! MP4 render of the same composition has; the folder follows the output rule (never written
//! into, replaced only when framecast wrote it and `--overwrite` is given, nothing left by a
//! failed render); flags HLS cannot take fail before Chrome starts, naming the flags.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use support::{TestDir, assert_success, decode, pixel};

/// 320x180 at 30 fps for 5 s: a white box moving right at 56 px/s over a background turning
/// from dark red to light blue, with a 440 Hz tone the whole time.
const COMPOSITION: &str = r##"<!doctype html>
<html><head><script src="gsap.min.js"></script><style>
  * { margin: 0; padding: 0; }
  html, body { width: 320px; height: 180px; overflow: hidden; background: #000; }
  #root { position: relative; width: 320px; height: 180px; overflow: hidden; background: rgb(120, 0, 0); }
  #box { position: absolute; top: 70px; left: 0; width: 40px; height: 40px; background: #fff; }
</style></head><body>
<div id="root" data-composition-id="hls" data-width="320" data-height="180" data-duration="5" data-fps="30">
  <div id="box"></div>
  <audio src="tone.wav" data-start="0"></audio>
</div>
<script>
  window.__timelines = window.__timelines || {};
  const tl = gsap.timeline({ paused: true });
  tl.fromTo("#box", { x: 0 }, { x: 280, duration: 5, ease: "none" }, 0);
  tl.fromTo("#root", { backgroundColor: "rgb(120, 0, 0)" }, { backgroundColor: "rgb(0, 160, 240)", duration: 5, ease: "none" }, 0);
  window.__timelines["hls"] = tl;
</script></body></html>"##;

/// Three frames at 10 fps: cheap, for the output rule.
const SHORT: &str = r#"<!doctype html>
<html><body style="margin:0">
<div id="root" data-composition-id="short" data-width="64" data-height="36" data-duration="0.3" data-fps="10"
     style="width:64px;height:36px;background:#0a0"></div>
</body></html>"#;

/// Throws from its timeline past 1 s of its 3 s, after segments have been written.
const FAILS_HALFWAY: &str = r##"<!doctype html>
<html><head><script src="gsap.min.js"></script></head><body style="margin:0">
<div id="root" data-composition-id="fails" data-width="64" data-height="36" data-duration="3" data-fps="10"
     style="width:64px;height:36px;background:#0a0"><div id="box"></div></div>
<script>
  window.__timelines = window.__timelines || {};
  const tl = gsap.timeline({ paused: true, onUpdate() { if (tl.time() > 1) notDefinedAnywhere(); } });
  tl.to("#box", { x: 10, duration: 3 });
  window.__timelines["fails"] = tl;
</script></body></html>"##;

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("the command should run");
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// One ffprobe entry per line, without keys (`-of csv=p=0`).
fn ffprobe_lines(path: &Path, args: &[&str]) -> Vec<String> {
    let output = run(Command::new("ffprobe")
        .args(["-v", "error"])
        .args(args)
        .args(["-of", "csv=p=0"])
        .arg(path));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.trim().trim_end_matches(',').to_string())
        .filter(|line| !line.is_empty())
        .collect()
}

/// The `#EXTINF` duration and URI of each segment; asserts the playlist is a finished VOD list.
fn playlist_segments(playlist: &str) -> Vec<(f64, String)> {
    assert!(playlist.starts_with("#EXTM3U"), "{playlist}");
    assert!(playlist.contains("#EXT-X-PLAYLIST-TYPE:VOD"), "{playlist}");
    assert!(
        playlist.trim_end().ends_with("#EXT-X-ENDLIST"),
        "{playlist}"
    );
    let lines: Vec<&str> = playlist.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter_map(|(at, line)| {
            let duration = line.strip_prefix("#EXTINF:")?.trim_end_matches(',');
            Some((duration.parse().unwrap(), lines[at + 1].to_string()))
        })
        .collect()
}

/// The entries of a folder, sorted.
fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A file's audio as interleaved stereo f32 at 48 kHz.
fn decode_audio(path: &Path) -> Vec<f32> {
    let output = run(Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-vn", "-f", "f32le", "-ac", "2", "-ar", "48000", "-"]));
    output
        .stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// Frequency of the left channel from upward zero crossings.
fn frequency(samples: &[f32]) -> f64 {
    let left: Vec<f32> = samples.iter().step_by(2).copied().collect();
    let crossings = left
        .windows(2)
        .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
        .count();
    crossings as f64 / (left.len() as f64 / 48_000.0)
}

fn mean_abs_difference(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let sum: u64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.len() as f64
}

/// The composition with its tone, generated by the ffmpeg CLI.
fn composition_with_tone(test: &TestDir) -> PathBuf {
    let input = test.composition("comp", COMPOSITION);
    run(Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg("sine=frequency=440:sample_rate=48000:duration=5")
        .arg(input.join("tone.wav")));
    input
}

fn timed_render(test: &TestDir, input: &Path, output: &Path, extra: &[&str]) -> f64 {
    let start = Instant::now();
    assert_success(&test.render(input, output, extra));
    start.elapsed().as_secs_f64()
}

#[test]
fn segments_start_on_keyframes_and_play_back_the_frames_and_audio_of_an_mp4() {
    let test = TestDir::new();
    let input = composition_with_tone(&test);
    let stream = test.path("renders/stream");
    let mp4 = test.path("renders/same.mp4");
    let common = ["--workers", "2"];
    let hls_seconds = timed_render(
        &test,
        &input,
        &stream,
        &[
            &common[..],
            &["--format", "hls", "--hls-segment-seconds", "2"],
        ]
        .concat(),
    );
    let mp4_seconds = timed_render(&test, &input, &mp4, &common);
    eprintln!("150 frames at 320x180: hls {hls_seconds:.2} s, mp4 {mp4_seconds:.2} s");

    assert_eq!(
        names(&stream),
        [
            "framecast-hls.json",
            "index.m3u8",
            "segment_000.ts",
            "segment_001.ts",
            "segment_002.ts"
        ]
    );
    let playlist = std::fs::read_to_string(stream.join("index.m3u8")).unwrap();
    let segments = playlist_segments(&playlist);
    let uris: Vec<&str> = segments.iter().map(|(_, uri)| uri.as_str()).collect();
    assert_eq!(uris, ["segment_000.ts", "segment_001.ts", "segment_002.ts"]);
    for ((duration, uri), expected) in segments.iter().zip([2.0, 2.0, 1.0]) {
        assert!((duration - expected).abs() < 0.01, "{uri}: {duration}");
    }
    let total: f64 = segments.iter().map(|(duration, _)| duration).sum();
    assert!((total - 5.0).abs() < 0.01, "{total}");

    // Each segment: H.264 whose first video packet is a keyframe, and the only one.
    for ((_, uri), frames) in segments.iter().zip([60, 60, 30]) {
        let segment = stream.join(uri);
        let flags = ffprobe_lines(
            &segment,
            &["-select_streams", "v:0", "-show_entries", "packet=flags"],
        );
        assert_eq!(flags.len(), frames, "{uri}: {flags:?}");
        assert!(flags[0].starts_with('K'), "{uri} starts with {}", flags[0]);
        assert_eq!(
            flags.iter().filter(|flag| flag.starts_with('K')).count(),
            1,
            "{uri}"
        );
        // MPEG-TS lists its streams under its program too, so each is named twice.
        let mut codecs = ffprobe_lines(&segment, &["-show_entries", "stream=index,codec_name"]);
        codecs.sort();
        codecs.dedup();
        assert_eq!(codecs, ["0,h264", "1,aac"], "{uri}");
    }

    // Played back through the playlist: the MP4's frames, one for one.
    let played = decode(&stream.join("index.m3u8"));
    let reference = decode(&mp4);
    assert_eq!((played.width, played.height), (320, 180));
    assert_eq!(played.frames.len(), 150);
    assert_eq!(reference.frames.len(), 150);
    let mut worst = 0.0f64;
    for (index, (a, b)) in played.frames.iter().zip(&reference.frames).enumerate() {
        let difference = mean_abs_difference(a, b);
        worst = worst.max(difference);
        assert!(
            difference < 2.0,
            "frame {index}: mean difference {difference}"
        );
    }
    eprintln!("worst mean difference from the mp4: {worst:.3}");
    for frame in [0usize, 59, 60, 61, 119, 120, 149] {
        // The box's left edge is at 56 px/s; the background's red falls as its blue rises.
        let edge = (280.0 * frame as f64 / 150.0) as u32;
        assert!(
            pixel(&played, frame, edge + 20, 90)[1] > 220,
            "frame {frame}: the box is at x = {edge}"
        );
        let background = pixel(&played, frame, 300, 20);
        let t = frame as f64 / 150.0;
        let expected = [120.0 * (1.0 - t), 160.0 * t, 240.0 * t];
        for (channel, (got, want)) in background.iter().zip(expected).enumerate() {
            assert!(
                (f64::from(*got) - want).abs() < 10.0,
                "frame {frame} channel {channel}: {got} vs {want:.0}"
            );
        }
    }

    // The tone is there, as long as the video.
    let audio = decode_audio(&stream.join("index.m3u8"));
    let seconds = audio.len() as f64 / 2.0 / 48_000.0;
    assert!((seconds - 5.0).abs() < 0.05, "{seconds} s of audio");
    let tone = &audio[2 * 48_000..4 * 48_000];
    assert!((frequency(tone) - 440.0).abs() < 3.0, "{}", frequency(tone));
}

/// A folder with files in it, as a user's own.
fn users_folder(test: &TestDir, name: &str) -> PathBuf {
    let folder = test.path(name);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("notes.txt"), b"my notes").unwrap();
    std::fs::write(folder.join("index.m3u8"), b"#EXTM3U\nmine").unwrap();
    folder
}

fn contents(folder: &Path) -> Vec<(String, Vec<u8>)> {
    names(folder)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(folder.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

/// Renders with a Chrome that does not exist: anything refused must be refused before Chrome.
fn render_without_chrome(test: &TestDir, input: &Path, output: &Path, extra: &[&str]) -> String {
    let run = test.render(
        input,
        output,
        &[&["--chrome", "/nonexistent/chrome"][..], extra].concat(),
    );
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(!run.status.success(), "should fail:\n{stderr}");
    assert!(
        !stderr.contains("Chrome was not found"),
        "before Chrome: {stderr}"
    );
    stderr
}

#[test]
fn an_existing_folder_is_never_written_and_only_framecasts_hls_is_replaced() {
    let test = TestDir::new();
    let input = test.composition("short", SHORT);
    let mine = users_folder(&test, "mine");
    let before = contents(&mine);
    for extra in [
        &["--format", "hls"][..],
        &["--format", "hls", "--overwrite"],
    ] {
        let stderr = render_without_chrome(&test, &input, &mine, extra);
        assert!(
            stderr.contains("refusing to write") && stderr.contains("not empty"),
            "{stderr}"
        );
        assert_eq!(contents(&mine), before, "{extra:?}");
    }

    let stream = test.path("renders/stream");
    let hls = ["--format", "hls", "--workers", "1"];
    assert_success(&test.render(&input, &stream, &hls));
    let first = contents(&stream);
    assert!(names(&stream).contains(&"framecast-hls.json".to_string()));
    let stderr = render_without_chrome(&test, &input, &stream, &["--format", "hls"]);
    assert!(stderr.contains("--overwrite"), "{stderr}");
    assert_eq!(contents(&stream), first);
    // A PNG sequence does not replace it, even with --overwrite.
    let stderr = render_without_chrome(&test, &input, &stream, &["--overwrite"]);
    assert!(stderr.contains("holds an HLS playlist"), "{stderr}");
    assert_eq!(contents(&stream), first);

    assert_success(&test.render(&input, &stream, &[&hls[..], &["--overwrite"]].concat()));
    assert_eq!(names(&stream), names_of(&first));
    assert_eq!(
        names(&test.path("renders")),
        ["stream"],
        "no temporary or previous folder beside it"
    );
    // A file the user added makes it not framecast's any more.
    std::fs::write(stream.join("keep.txt"), b"mine").unwrap();
    let with_mine = contents(&stream);
    let stderr = render_without_chrome(&test, &input, &stream, &["--format", "hls", "--overwrite"]);
    assert!(stderr.contains("keep.txt"), "{stderr}");
    assert_eq!(contents(&stream), with_mine);
}

fn names_of(contents: &[(String, Vec<u8>)]) -> Vec<String> {
    contents.iter().map(|(name, _)| name.clone()).collect()
}

#[test]
fn a_render_failing_halfway_leaves_nothing() {
    let test = TestDir::new();
    let input = test.composition("fails", FAILS_HALFWAY);
    let stream = test.path("renders/stream");
    let run = test.render(
        &input,
        &stream,
        &[
            "--format",
            "hls",
            "--hls-segment-seconds",
            "1",
            "--workers",
            "1",
        ],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "should fail:\n{stderr}");
    assert!(stderr.contains("notDefinedAnywhere"), "{stderr}");
    assert!(!stream.exists());
    assert!(!test.path("renders").exists(), "nor the folder made for it");
    assert_eq!(test.settle_and_list_leftovers(), Vec::<String>::new());
}

#[test]
fn flags_hls_cannot_take_fail_before_chrome_naming_them() {
    let test = TestDir::new();
    let input = test.composition("short", SHORT);
    let stream = test.path("stream");
    let cases: [(&Path, &[&str], &[&str]); 4] = [
        (
            &stream,
            &["--format", "hls", "--alpha", "true"],
            &["--alpha", "hls"],
        ),
        (
            &stream,
            &["--format", "hls", "--codec", "h265"],
            &["--codec", "hls"],
        ),
        (
            &test.path("out.mp4"),
            &["--hls-segment-seconds", "2"],
            &["--hls-segment-seconds", "--format hls"],
        ),
        (
            &stream,
            &["--format", "png-sequence", "--hls-segment-seconds", "2"],
            &["--hls-segment-seconds", "--format png-sequence"],
        ),
    ];
    for (output, extra, says) in cases {
        let stderr = render_without_chrome(&test, &input, output, extra);
        for text in says {
            assert!(stderr.contains(text), "{extra:?} names {text}: {stderr}");
        }
        assert!(!output.exists(), "{extra:?}");
    }
    for value in ["0", "61", "2.5"] {
        let run = test.render(
            &input,
            &stream,
            &["--format", "hls", "--hls-segment-seconds", value],
        );
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{value}: {stderr}");
        assert!(
            stderr.contains("--hls-segment-seconds"),
            "{value}: {stderr}"
        );
    }
}
