//! Media and formats end to end: `<video>` frames injected exactly, the audio mix placed and
//! levelled, and every output format checked with ffprobe and by decoding its pixels. All media
//! is generated in the test with FFmpeg's own sources (`geq` colour-coded frame ids, `sine`).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{TestDir, assert_success, decode, near, pixel};

/// Runs the ffmpeg CLI (installed by scripts/setup) and checks it succeeded.
fn ffmpeg(args: &[&str]) {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg should run");
    assert!(
        output.status.success(),
        "ffmpeg {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `ffprobe -show_entries <entries>` as JSON.
fn ffprobe(path: &Path, entries: &str) -> serde_json::Value {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-count_frames",
            "-show_entries",
            entries,
            "-of",
            "json",
        ])
        .arg(path)
        .output()
        .expect("ffprobe should run");
    assert!(
        output.status.success(),
        "ffprobe failed on {}",
        path.display()
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

struct StreamFacts {
    codec: String,
    pixel_format: String,
    frames: u64,
    duration: f64,
    alpha_mode: Option<String>,
}

fn video_facts(path: &Path) -> StreamFacts {
    let json = ffprobe(
        path,
        "stream=codec_name,pix_fmt,nb_read_frames:stream_tags=alpha_mode:format=duration",
    );
    let stream = &json["streams"][0];
    StreamFacts {
        codec: stream["codec_name"].as_str().unwrap().to_string(),
        pixel_format: stream["pix_fmt"].as_str().unwrap_or("").to_string(),
        frames: stream["nb_read_frames"].as_str().unwrap().parse().unwrap(),
        duration: json["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap(),
        alpha_mode: stream["tags"]["alpha_mode"]
            .as_str()
            .or(stream["tags"]["ALPHA_MODE"].as_str())
            .map(str::to_string),
    }
}

/// Codec names of the audio streams.
fn audio_codecs(path: &Path) -> Vec<String> {
    let json = ffprobe(path, "stream=codec_type,codec_name");
    json["streams"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|stream| stream["codec_type"] == "audio")
        .map(|stream| stream["codec_name"].as_str().unwrap().to_string())
        .collect()
}

/// A 320x180, 1 s composition at 30 fps: a red square on a transparent page (no background).
const SQUARE: &str = r#"<!doctype html>
<html><head><style>
  * { margin: 0; padding: 0; }
  html, body { width: 320px; height: 180px; overflow: hidden; background: transparent; }
  #square { position: absolute; left: 40px; top: 40px; width: 80px; height: 80px; background: #ff0000; }
</style></head><body>
  <div id="root" data-composition-id="square" data-width="WIDTH" data-height="HEIGHT" data-duration="1" data-fps="30">
    <div id="square"></div>
  </div>
</body></html>"#;

fn square(test: &TestDir, width: u32, height: u32) -> PathBuf {
    let html = SQUARE
        .replace("WIDTH", &width.to_string())
        .replace("HEIGHT", &height.to_string());
    test.composition("square", &html)
}

#[test]
fn mp4_h264_and_h265_have_their_codec_frames_and_duration() {
    let test = TestDir::new();
    let input = square(&test, 320, 180);
    for (codec, expected) in [("h264", "h264"), ("h265", "hevc")] {
        let output = test.path(&format!("{codec}.mp4"));
        assert_success(&test.render(&input, &output, &["--codec", codec, "--workers", "1"]));
        let facts = video_facts(&output);
        assert_eq!(facts.codec, expected);
        assert_eq!(facts.pixel_format, "yuv420p");
        assert_eq!(facts.frames, 30);
        assert!((facts.duration - 1.0).abs() < 0.01, "{}", facts.duration);
        assert!(audio_codecs(&output).is_empty(), "nothing is audible");
        let video = decode(&output);
        assert!(near(pixel(&video, 10, 80, 80), [255, 0, 0], 16));
    }
}

#[test]
fn webm_keeps_alpha_as_vp9_yuva420p_when_asked() {
    let test = TestDir::new();
    let input = square(&test, 320, 180);
    let output = test.path("alpha.webm");
    assert_success(&test.render(&input, &output, &["--alpha", "true", "--workers", "1"]));
    let facts = video_facts(&output);
    assert_eq!(facts.codec, "vp9");
    assert_eq!(
        facts.alpha_mode.as_deref(),
        Some("1"),
        "VP9 alpha is signalled"
    );
    assert_eq!(facts.frames, 30);
    assert!((facts.duration - 1.0).abs() < 0.01, "{}", facts.duration);
    // libvpx decodes the alpha side channel: the square is opaque, the page around it is not.
    let frame = test.path("frame.png");
    ffmpeg(&[
        "-c:v",
        "libvpx-vp9",
        "-i",
        output.to_str().unwrap(),
        "-frames:v",
        "1",
        "-pix_fmt",
        "rgba",
        frame.to_str().unwrap(),
    ]);
    let rgba = framecast_media::decode_png(&std::fs::read(&frame).unwrap()).unwrap();
    let square = rgba.pixel(80, 80);
    assert!(
        square[3] > 240 && square[0] > 230 && square[1] < 30,
        "{square:?}"
    );
    assert!(rgba.pixel(250, 150)[3] < 15, "{:?}", rgba.pixel(250, 150));
}

/// The first frame of a VP9 webm as RGBA, decoded with libvpx (which reads the alpha channel).
fn first_webm_frame(test: &TestDir, webm: &Path) -> framecast_media::RgbaFrame {
    let frame = test.path("first-frame.png");
    ffmpeg(&[
        "-c:v",
        "libvpx-vp9",
        "-i",
        webm.to_str().unwrap(),
        "-frames:v",
        "1",
        "-pix_fmt",
        "rgba",
        frame.to_str().unwrap(),
    ]);
    framecast_media::decode_png(&std::fs::read(&frame).unwrap()).unwrap()
}

#[test]
fn webm_keeps_alpha_by_itself_only_when_the_page_has_no_background() {
    let test = TestDir::new();
    let clear = square(&test, 320, 180);
    let output = test.path("clear.webm");
    assert_success(&test.render(&clear, &output, &["--workers", "1"]));
    let facts = video_facts(&output);
    assert_eq!(facts.codec, "vp9");
    assert_eq!(
        facts.alpha_mode.as_deref(),
        Some("1"),
        "a clear page keeps alpha"
    );
    assert_eq!(facts.frames, 30);
    let rgba = first_webm_frame(&test, &output);
    assert!(rgba.pixel(80, 80)[3] > 240, "{:?}", rgba.pixel(80, 80));
    assert!(rgba.pixel(250, 150)[3] < 15, "{:?}", rgba.pixel(250, 150));

    // The same page with a background colour: no alpha, and that colour around the square.
    let html = SQUARE
        .replace("WIDTH", "320")
        .replace("HEIGHT", "180")
        .replace("background: transparent", "background: #203040");
    let coloured = test.composition("coloured", &html);
    let output = test.path("coloured.webm");
    assert_success(&test.render(&coloured, &output, &["--workers", "1"]));
    let facts = video_facts(&output);
    assert_eq!(facts.codec, "vp9");
    assert_eq!(
        facts.alpha_mode, None,
        "an opaque page has no alpha channel"
    );
    assert_eq!(facts.pixel_format, "yuv420p");
    let rgba = first_webm_frame(&test, &output);
    let around = rgba.pixel(250, 150);
    assert!(
        near([around[0], around[1], around[2]], [0x20, 0x30, 0x40], 12) && around[3] == 255,
        "{around:?}"
    );
}

#[test]
fn mov_is_prores_4444_with_alpha() {
    let test = TestDir::new();
    let input = square(&test, 320, 180);
    let output = test.path("alpha.mov");
    assert_success(&test.render(&input, &output, &["--workers", "1"]));
    let facts = video_facts(&output);
    assert_eq!(facts.codec, "prores");
    assert!(
        facts.pixel_format.starts_with("yuva444p"),
        "{}",
        facts.pixel_format
    );
    assert_eq!(facts.frames, 30);
    assert!((facts.duration - 1.0).abs() < 0.01, "{}", facts.duration);
    let frames = framecast_media::decode_frames_rgba(&output).unwrap();
    assert_eq!(frames.len(), 30);
    let square = frames[5].pixel(80, 80);
    assert!(
        square[3] > 250 && square[0] > 240 && square[1] < 20,
        "{square:?}"
    );
    assert_eq!(frames[5].pixel(250, 150)[3], 0);
}

#[test]
fn gif_uses_one_palette_dithers_and_loops_as_asked() {
    let test = TestDir::new();
    // GIF takes odd sizes.
    let input = square(&test, 321, 181);
    let output = test.path("square.gif");
    assert_success(&test.render(&input, &output, &["--gif-loop", "2", "--workers", "1"]));
    let facts = video_facts(&output);
    assert_eq!(facts.codec, "gif");
    assert_eq!(facts.frames, 30);
    assert!((facts.duration - 1.0).abs() < 0.05, "{}", facts.duration);
    let frames = framecast_media::decode_frames_rgba(&output).unwrap();
    assert_eq!((frames[0].width, frames[0].height), (321, 181));
    let square = frames[12].pixel(80, 80);
    assert!(
        square[0] > 240 && square[1] < 16 && square[2] < 16,
        "{square:?}"
    );
    // The Netscape loop extension stores the repeat count (2) after "NETSCAPE2.0", 0x03, 0x01.
    let bytes = std::fs::read(&output).unwrap();
    let at = bytes
        .windows(11)
        .position(|window| window == b"NETSCAPE2.0")
        .expect("a looping GIF has the Netscape extension");
    assert_eq!(&bytes[at + 11..at + 15], &[3, 1, 2, 0]);
}

#[test]
fn png_sequence_is_rgba_files_with_the_audio_beside_them() {
    let test = TestDir::new();
    let input = square(&test, 320, 180);
    std::fs::write(
        input.join("index.html"),
        std::fs::read_to_string(input.join("index.html"))
            .unwrap()
            .replace(
                "<div id=\"square\">",
                "<audio src=\"tone.wav\" data-start=\"0\"></audio><div id=\"square\">",
            ),
    )
    .unwrap();
    let tone = input.join("tone.wav");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=2",
        tone.to_str().unwrap(),
    ]);
    let output = test.path("frames");
    assert_success(&test.render(
        &input,
        &output,
        &["--format", "png-sequence", "--workers", "1"],
    ));
    let mut names: Vec<String> = std::fs::read_dir(&output)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 32, "{names:?}");
    assert_eq!(names[0], "audio.wav");
    assert_eq!(names[1], "frame_000000.png");
    assert_eq!(names[30], "frame_000029.png");
    assert_eq!(names[31], framecast_render::SEQUENCE_MANIFEST);
    let frame =
        framecast_media::decode_png(&std::fs::read(output.join("frame_000015.png")).unwrap())
            .unwrap();
    assert_eq!(frame.pixel(80, 80), [255, 0, 0, 255]);
    assert_eq!(
        frame.pixel(250, 150)[3],
        0,
        "the page background stays transparent"
    );
    let samples = decode_audio(&output.join("audio.wav"));
    assert_eq!(
        samples.len(),
        48_000 * 2,
        "exactly as long as the 1 s video"
    );
    // Nothing is left beside the directory.
    assert_eq!(
        std::fs::read_dir(test.dir.path()).unwrap().count(),
        3,
        "square, frames, tmp"
    );
}

#[test]
fn odd_sizes_are_rejected_for_420_formats_with_a_clear_message() {
    let test = TestDir::new();
    let input = square(&test, 321, 180);
    let output = test.path("odd.mp4");
    let result = test.render(&input, &output, &[]);
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("321x180") && stderr.contains("even"),
        "{stderr}"
    );
    assert!(!output.exists());
}

/// Decodes a file's audio to interleaved stereo f32 at 48 kHz.
fn decode_audio(path: &Path) -> Vec<f32> {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "f32le", "-ac", "2", "-ar", "48000", "-"])
        .output()
        .expect("ffmpeg should run");
    assert!(output.status.success());
    output
        .stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// Decodes a mono file's audio at 48 kHz as it is, one channel, with no rematrixing (FFmpeg's
/// `-ac 2` would spread it over two channels at -3 dB each).
fn decode_mono(path: &Path) -> Vec<f32> {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "f32le", "-ac", "1", "-ar", "48000", "-"])
        .output()
        .expect("ffmpeg should run");
    assert!(output.status.success());
    output
        .stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// The RMS level of a mono file's audio from `from` to `to` seconds.
fn mono_level(path: &Path, from: f64, to: f64) -> f64 {
    let samples = decode_mono(path);
    rms(&samples[(from * 48_000.0) as usize..(to * 48_000.0) as usize])
}

/// One channel (0 left, 1 right) of interleaved stereo, from `from` to `to` seconds.
fn channel(samples: &[f32], channel: usize, from: f64, to: f64) -> Vec<f32> {
    let (a, b) = ((from * 48_000.0) as usize, (to * 48_000.0) as usize);
    samples[2 * a..2 * b]
        .iter()
        .skip(channel)
        .step_by(2)
        .copied()
        .collect()
}

fn dbfs(level: f64) -> f64 {
    20.0 * level.log10()
}

fn left(samples: &[f32], from: f64, to: f64) -> Vec<f32> {
    let (a, b) = ((from * 48_000.0) as usize, (to * 48_000.0) as usize);
    samples
        .iter()
        .step_by(2)
        .skip(a)
        .take(b - a)
        .copied()
        .collect()
}

fn rms(samples: &[f32]) -> f64 {
    (samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / samples.len() as f64).sqrt()
}

/// Frequency from upward zero crossings.
fn frequency(samples: &[f32]) -> f64 {
    let crossings = samples
        .windows(2)
        .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
        .count();
    crossings as f64 / (samples.len() as f64 / 48_000.0)
}

#[test]
fn tones_are_placed_levelled_and_as_long_as_the_video() {
    let test = TestDir::new();
    let html = r#"<!doctype html>
<html><head><style>html, body { margin: 0; width: 320px; height: 180px; background: #203040; }</style></head>
<body><div id="root" data-composition-id="tones" data-width="320" data-height="180" data-duration="3" data-fps="30">
  <audio id="low" src="a440.wav" data-start="1.5"></audio>
  <audio id="high" src="a880.wav" data-start="0" data-duration="1" data-volume="0.25"></audio>
  <audio id="silent" src="a440.wav" data-start="0" muted></audio>
</div></body></html>"#;
    let input = test.composition("tones", html);
    for (name, frequency) in [("a440.wav", 440), ("a880.wav", 880)] {
        ffmpeg(&[
            "-f",
            "lavfi",
            "-i",
            &format!("sine=frequency={frequency}:sample_rate=44100:duration=4"),
            input.join(name).to_str().unwrap(),
        ]);
    }
    let source_level = mono_level(&input.join("a440.wav"), 0.5, 1.0);

    for (extension, codec) in [("mp4", "aac"), ("webm", "opus"), ("mov", "aac")] {
        let output = test.path(&format!("tones.{extension}"));
        assert_success(&test.render(&input, &output, &["--workers", "1", "--quality", "draft"]));
        assert_eq!(audio_codecs(&output), [codec], "{extension}");
        let samples = decode_audio(&output);
        // Exactly as long as the video, within one audio codec frame (and Opus's pre-skip).
        let seconds = samples.len() as f64 / 2.0 / 48_000.0;
        assert!(
            (seconds - 3.0).abs() < 0.025,
            "{extension}: {seconds} s of audio"
        );

        let high = left(&samples, 0.2, 0.8);
        assert!(
            (frequency(&high) - 880.0).abs() < 3.0,
            "{extension}: {}",
            frequency(&high)
        );
        let ratio = rms(&high) / source_level;
        assert!(
            (ratio - 0.25).abs() < 0.02,
            "{extension}: 880 Hz at {ratio} of the source level"
        );
        assert!(
            rms(&left(&samples, 1.05, 1.45)) < 0.002,
            "{extension}: silence between the tones"
        );

        let low = left(&samples, 2.0, 2.8);
        assert!(
            (frequency(&low) - 440.0).abs() < 3.0,
            "{extension}: {}",
            frequency(&low)
        );
        assert!(
            ((rms(&low) / source_level) - 1.0).abs() < 0.05,
            "{extension}: unity gain"
        );
        // Onset: the first sample above a tenth of the tone's peak after 1.2 s.
        let peak = source_level * std::f64::consts::SQRT_2;
        let first = samples
            .iter()
            .step_by(2)
            .enumerate()
            .skip(57_600)
            .find(|(_, s)| f64::from(s.abs()) > peak * 0.1)
            .map(|(index, _)| index)
            .unwrap();
        let onset = first as f64 / 48_000.0;
        assert!(
            (onset - 1.5).abs() <= 1024.0 / 48_000.0,
            "{extension}: onset at {onset} s"
        );
    }
}

#[test]
fn mono_is_heard_at_its_level_in_both_channels_and_overlaps_are_summed() {
    let test = TestDir::new();
    // #mono alone from 0 to 1 s, #mono and #other (the same level, another pitch) together from
    // 1 to 2 s, #stereo alone from 2.5 s.
    let html = r#"<!doctype html>
<html><head><style>html, body { margin: 0; width: 320px; height: 180px; background: #000; }</style></head>
<body><div id="root" data-composition-id="levels" data-width="320" data-height="180" data-duration="4" data-fps="30">
  <audio id="mono" src="mono.wav" data-start="0" data-duration="2" data-volume="1"></audio>
  <audio id="other" src="other.wav" data-start="1" data-duration="1" data-volume="1"></audio>
  <audio id="stereo" src="stereo.wav" data-start="2.5" data-volume="1"></audio>
</div></body></html>"#;
    let input = test.composition("levels", html);
    // FFmpeg's sine has a peak of 1/8: an RMS of -21.07 dBFS.
    for (name, frequency) in [("mono.wav", 440), ("other.wav", 660)] {
        ffmpeg(&[
            "-f",
            "lavfi",
            "-i",
            &format!("sine=frequency={frequency}:sample_rate=44100:duration=3"),
            input.join(name).to_str().unwrap(),
        ]);
    }
    // Left at -15.05 dBFS, right at -21.07 dBFS.
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "aevalsrc=0.25*sin(2*PI*440*t)|0.125*sin(2*PI*660*t):s=44100:d=2",
        input.join("stereo.wav").to_str().unwrap(),
    ]);
    let mono = dbfs(mono_level(&input.join("mono.wav"), 0.2, 0.8));
    assert!((mono + 21.07).abs() < 0.05, "the source at {mono:.2} dBFS");
    let output = test.path("levels.mp4");
    render_with_own_cache(&test, &input, &output, "draft");
    let samples = decode_audio(&output);
    let level = |side: usize, from: f64, to: f64| dbfs(rms(&channel(&samples, side, from, to)));
    for side in [0, 1] {
        let alone = level(side, 0.2, 0.8);
        assert!(
            (alone - mono).abs() < 0.2,
            "channel {side}: mono at {alone:.2} dBFS, the source at {mono:.2} dBFS"
        );
        // Two uncorrelated tones at the same level sum to 3 dB more: no normalisation.
        let both = level(side, 1.2, 1.8);
        assert!(
            (both - (mono + 3.01)).abs() < 0.2,
            "channel {side}: two sources at {both:.2} dBFS, one at {mono:.2} dBFS"
        );
    }
    let (left_level, right_level) = (level(0, 2.7, 3.3), level(1, 2.7, 3.3));
    assert!(
        (left_level + 15.05).abs() < 0.2,
        "stereo left at {left_level:.2} dBFS"
    );
    assert!(
        (right_level + 21.07).abs() < 0.2,
        "stereo right at {right_level:.2} dBFS"
    );
}

#[test]
fn audio_plays_from_its_media_start_at_its_rate_and_loops_from_there() {
    let test = TestDir::new();
    // steps.wav is 6 s whose second s is a tone of 200 * (s + 1) Hz, so its pitch tells the
    // source time. #plain plays source 1.3 s to 2.9 s from 0.4 s; #fast source 0.7 s on at 1.5x
    // from 2.5 s; #looped source 4.6 s to its end (1.4 s), twice over, from 4.2 s.
    let html = r#"<!doctype html>
<html><head><style>html, body { margin: 0; width: 320px; height: 180px; background: #000; }</style></head>
<body><div id="root" data-composition-id="steps" data-width="320" data-height="180" data-duration="6" data-fps="30">
  <audio id="plain" src="steps.wav" data-start="0.4" data-media-start="1.3" data-duration="1.6"></audio>
  <audio id="fast" src="steps.wav" data-start="2.5" data-media-start="0.7" data-playback-rate="1.5" data-duration="1.5"></audio>
  <audio id="looped" src="steps.wav" data-start="4.2" data-media-start="4.6" data-duration="1.8" loop></audio>
</div></body></html>"#;
    let input = test.composition("steps", html);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "aevalsrc=0.5*sin(2*PI*200*(floor(t)+1)*t):s=44100:d=6",
        input.join("steps.wav").to_str().unwrap(),
    ]);
    let output = test.path("steps.mp4");
    render_with_own_cache(&test, &input, &output, "draft");
    let samples = decode_audio(&output);
    // (from, to, source second heard): source time = media start + (t - start) * rate.
    let windows = [
        (0.05, 0.35, None),
        (0.45, 1.05, Some(1)),
        (1.15, 1.95, Some(2)),
        (2.05, 2.45, None),
        (2.52, 2.68, Some(0)),
        (2.75, 3.3, Some(1)),
        (3.45, 3.95, Some(2)),
        (4.25, 4.55, Some(4)),
        (4.65, 5.55, Some(5)),
        (5.65, 5.95, Some(4)),
    ];
    for (from, to, second) in windows {
        let heard = left(&samples, from, to);
        match second {
            Some(second) => {
                let expected = 200.0 * (second as f64 + 1.0);
                assert!(
                    (frequency(&heard) - expected).abs() < 10.0,
                    "{from} s to {to} s: {} Hz, expected source second {second} ({expected} Hz)",
                    frequency(&heard)
                );
            }
            None => assert!(rms(&heard) < 0.002, "{from} s to {to} s is silent"),
        }
    }
}

#[test]
fn nothing_audible_means_no_audio_stream_unless_silence_is_asked_for() {
    let test = TestDir::new();
    let input = square(&test, 320, 180);
    let output = test.path("silence.mp4");
    assert_success(&test.render(&input, &output, &["--audio", "silence", "--workers", "1"]));
    assert_eq!(audio_codecs(&output), ["aac"]);
    let samples = decode_audio(&output);
    assert!(samples.iter().all(|s| *s == 0.0));
}

/// A source of `seconds` at 30 fps whose frame n is coloured by its index: r, g, b = 16 + 32 *
/// (the three octal digits of n), so every frame tells its own time, n / 30 s.
fn colour_coded_clip(path: &Path, seconds: u32) {
    let source = format!(
        "color=black:s=64x36:r=30:d={seconds},format=rgb24,geq=r='mod(N\\,8)*32+16':g='mod(floor(N/8)\\,8)*32+16':b='mod(floor(N/64)\\,8)*32+16'"
    );
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &source,
        "-pix_fmt",
        "yuv420p",
        "-c:v",
        "libx264",
        "-crf",
        "8",
        path.to_str().unwrap(),
    ]);
}

fn frame_id(rgb: [u8; 3]) -> i64 {
    let digit = |c: u8| ((f64::from(c) - 16.0) / 32.0).round() as i64;
    digit(rgb[0]) + 8 * digit(rgb[1]) + 64 * digit(rgb[2])
}

const VIDEO: &str = r#"<!doctype html>
<html><head><style>
  * { margin: 0; padding: 0; }
  html, body { width: 320px; height: 180px; overflow: hidden; background: #000; }
  #clip { position: absolute; left: 0; top: 0; width: 320px; height: 180px; object-fit: fill; }
</style></head><body>
  <div id="root" data-composition-id="video" data-width="320" data-height="180" data-duration="4" data-fps="30">
    <video id="clip" class="clip" src="clip.mp4" data-start="1.0" data-media-start="2.0" data-playback-rate="2" loop muted></video>
  </div>
</body></html>"#;

#[test]
fn video_frames_are_injected_exactly_with_start_offset_rate_and_loop() {
    let test = TestDir::new();
    let input = test.composition("video", VIDEO);
    colour_coded_clip(&input.join("clip.mp4"), 4);
    let output = test.path("video.mp4");
    let cache = test.path("cache");
    let result = Command::new(env!("CARGO_BIN_EXE_framecast"))
        .args([
            "render",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ])
        .args(["--quality", "high", "--workers", "2"])
        .arg("--media-cache-dir")
        .arg(&cache)
        .env("TMPDIR", test.path(""))
        .output()
        .unwrap();
    assert_success(&result);
    let video = decode(&output);
    assert_eq!(video.frames.len(), 120);
    // Output frame i is at t = i / 30. From t = 1 s the clip shows source frame
    // 60 + (floor((t - 1) * 2 * 30) mod 60): media start 2 s = frame 60, 2x speed, looping over
    // the 60 frames from there to the source's end.
    for index in [30usize, 31, 44, 59, 60, 61, 75, 89, 90, 119] {
        let t = index as f64 / 30.0;
        let k = ((t - 1.0) * 2.0 * 30.0 + 1e-9).floor() as i64;
        let expected = 60 + k % 60;
        let seen = frame_id(pixel(&video, index, 160, 90));
        assert_eq!(seen, expected, "output frame {index} (t = {t:.3} s)");
    }
    // Before its start the clip is hidden.
    assert!(near(pixel(&video, 10, 160, 90), [0, 0, 0], 8));
    // The second render reuses the cached frames.
    assert!(std::fs::read_dir(&cache).unwrap().count() > 0);
}

#[test]
fn snapshots_and_lint_show_video_frames_as_the_render_does() {
    let test = TestDir::new();
    let input = test.composition("video", VIDEO);
    colour_coded_clip(&input.join("clip.mp4"), 4);
    let stills = test.path("stills");
    let times = [0.5, 1.0, 1.5, 2.2, 3.9];
    let list: Vec<String> = times.iter().map(f64::to_string).collect();
    let snapped = test.framecast(&[
        "snapshot",
        input.to_str().unwrap(),
        "--at",
        &list.join(","),
        "-o",
        stills.to_str().unwrap(),
    ]);
    assert_success(&snapped);
    for t in times {
        let png = stills.join(format!("frame_{t:.3}.png"));
        let rgba = framecast_media::decode_png(&std::fs::read(&png).unwrap()).unwrap();
        let centre = rgba.pixel(160, 90);
        let rgb = [centre[0], centre[1], centre[2]];
        if t < 1.0 {
            assert!(near(rgb, [0, 0, 0], 8), "t = {t}: {rgb:?}");
            continue;
        }
        // As in the render test above: media start 2 s, 2x speed, looping over 60 frames.
        let k = ((t - 1.0) * 2.0 * 30.0 + 1e-9).floor() as i64;
        assert_eq!(frame_id(rgb), 60 + k % 60, "snapshot at t = {t}");
    }
    // lint's in-page pass opens the same page, video frames included, without an error.
    let linted = test.framecast(&["lint", input.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&linted.stdout);
    assert!(linted.status.success(), "{report}");
    assert!(!report.contains("error["), "{report}");
    assert!(test.settle_and_list_leftovers().is_empty());
}

/// Four `<video>` elements of one 5 s source, one per quadrant, with offsets that are not
/// multiples of their loops: (data-start, data-media-start, data-playback-rate, loop,
/// data-duration).
const OFFSET_CLIPS: [(f64, f64, f64, bool, Option<f64>); 4] = [
    (0.4, 1.3, 1.0, false, None),
    (0.4, 2.3, 1.0, true, None),
    (0.7, 2.1, 1.5, true, None),
    (0.5, 2.9, 1.5, false, Some(2.2)),
];

/// The source frame HyperFrames shows at `t` (packages/core/src/runtime/media.ts): source time
/// `media_start + (t - start) * rate`, wrapped into [media_start, end of source) when looping,
/// held at the last frame otherwise; `None` outside the clip's time. Counted in 30 fps source
/// frames (every offset here is on that grid), so no rounding decides a wrap.
fn source_frame_at(t: f64, clip: (f64, f64, f64, bool, Option<f64>), source: f64) -> Option<i64> {
    let (start, media_start, rate, looped, duration) = clip;
    if t < start || duration.is_some_and(|duration| t >= start + duration) {
        return None;
    }
    let first = (media_start * 30.0).round() as i64;
    let last = (source * 30.0).round() as i64 - 1;
    let played = ((t - start) * rate * 30.0 + 1e-6).floor() as i64;
    Some(if looped {
        first + played % (last + 1 - first)
    } else {
        (first + played).min(last)
    })
}

#[test]
fn video_frames_follow_media_start_rate_loop_and_duration_at_any_offset() {
    let test = TestDir::new();
    let videos: String = OFFSET_CLIPS
        .iter()
        .enumerate()
        .map(|(i, (start, media_start, rate, looped, duration))| {
            let (x, y) = (160 * (i % 2), 90 * (i / 2));
            let duration = duration.map_or(String::new(), |d| format!(" data-duration=\"{d}\""));
            let looped = if *looped { " loop" } else { "" };
            format!(
                "<video class=\"clip\" src=\"clip.mp4\" style=\"left: {x}px; top: {y}px\" \
                 data-start=\"{start}\" data-media-start=\"{media_start}\" \
                 data-playback-rate=\"{rate}\"{duration}{looped} muted></video>\n"
            )
        })
        .collect();
    let html = format!(
        r#"<!doctype html>
<html><head><style>
  * {{ margin: 0; padding: 0; }}
  html, body {{ width: 320px; height: 180px; overflow: hidden; background: #000; }}
  video {{ position: absolute; width: 160px; height: 90px; object-fit: fill; }}
</style></head><body>
  <div id="root" data-composition-id="offsets" data-width="320" data-height="180" data-duration="4" data-fps="30">
    {videos}
  </div>
</body></html>"#
    );
    let input = test.composition("offsets", &html);
    colour_coded_clip(&input.join("clip.mp4"), 5);
    let output = test.path("offsets.mp4");
    render_with_own_cache(&test, &input, &output, "high");
    let video = decode(&output);
    assert_eq!(video.frames.len(), 120);
    for index in 0..120 {
        let t = index as f64 / 30.0;
        for (i, clip) in OFFSET_CLIPS.into_iter().enumerate() {
            let (x, y) = (80 + 160 * (i % 2) as u32, 45 + 90 * (i / 2) as u32);
            let seen = pixel(&video, index, x, y);
            match source_frame_at(t, clip, 5.0) {
                Some(expected) => assert_eq!(
                    frame_id(seen),
                    expected,
                    "clip {clip:?} at output frame {index} (t = {t:.3} s): {seen:?}"
                ),
                None => assert!(
                    near(seen, [0, 0, 0], 8),
                    "clip {clip:?} is hidden at output frame {index} (t = {t:.3} s): {seen:?}"
                ),
            }
        }
    }
}

#[test]
fn a_looped_video_wraps_where_its_pictures_end_when_its_audio_runs_on() {
    let test = TestDir::new();
    let html = r#"<!doctype html>
<html><head><style>
  * { margin: 0; padding: 0; }
  html, body { width: 320px; height: 180px; overflow: hidden; background: #000; }
  video { position: absolute; left: 0; top: 0; width: 320px; height: 180px; object-fit: fill; }
</style></head><body>
  <div id="root" data-composition-id="long-audio" data-width="320" data-height="180" data-duration="3" data-fps="30">
    <video class="clip" src="av.mov" data-start="0" data-media-start="0.5" loop muted></video>
  </div>
</body></html>"#;
    let input = test.composition("long-audio", html);
    let pictures = input.join("pictures.mp4");
    colour_coded_clip(&pictures, 2);
    // 2 s of pictures, 3 s of sound: the container lasts 3 s.
    ffmpeg(&[
        "-i",
        pictures.to_str().unwrap(),
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=3",
        "-c:v",
        "copy",
        "-c:a",
        "pcm_s16le",
        input.join("av.mov").to_str().unwrap(),
    ]);
    let output = test.path("long-audio.mp4");
    render_with_own_cache(&test, &input, &output, "high");
    let video = decode(&output);
    // The loop is the 45 frames from 0.5 s to the pictures' end at 2 s, as in HyperFrames.
    for index in [0usize, 20, 44, 45, 46, 60, 89] {
        let expected = 15 + (index % 45) as i64;
        let seen = frame_id(pixel(&video, index, 160, 90));
        assert_eq!(seen, expected, "output frame {index}");
    }
}

#[test]
fn unreadable_media_fails_before_capture_naming_element_and_file() {
    let test = TestDir::new();
    let input = test.composition(
        "broken",
        &VIDEO.replace("src=\"clip.mp4\"", "src=\"broken.mp4\""),
    );
    std::fs::write(input.join("broken.mp4"), b"this is not a video").unwrap();
    let output = test.path("broken.mp4");
    let started = std::time::Instant::now();
    let result = test.render(&input, &output, &[]);
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains(r#"<video id="clip" src="broken.mp4">"#) && stderr.contains("broken.mp4"),
        "{stderr}"
    );
    assert!(!output.exists());
    assert!(
        started.elapsed().as_secs_f64() < 5.0,
        "failed before starting Chrome"
    );

    let missing = test.composition(
        "missing",
        &VIDEO.replace("src=\"clip.mp4\"", "src=\"nowhere.mp4\""),
    );
    let result = test.render(&missing, &test.path("missing.mp4"), &[]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("nowhere.mp4") && stderr.contains("does not exist"),
        "{stderr}"
    );
}

#[test]
fn injected_frames_keep_object_fit_border_radius_and_transforms() {
    let test = TestDir::new();
    let html = r#"<!doctype html>
<html><head><style>
  * { margin: 0; padding: 0; }
  html, body { width: 320px; height: 180px; overflow: hidden; background: #0000ff; }
  #clip { position: absolute; left: 0; top: 0; width: 320px; height: 180px;
          object-fit: contain; transform: translateX(20px); }
  #round { position: absolute; left: 0; top: 100px; width: 80px; height: 80px;
           object-fit: cover; border-radius: 40px; }
</style></head><body>
  <div id="root" data-composition-id="fit" data-width="320" data-height="180" data-duration="0.5" data-fps="30">
    <video id="clip" src="square.mp4" data-start="0" muted></video>
    <video id="round" src="square.mp4" data-start="0" muted></video>
  </div>
</body></html>"#;
    let input = test.composition("fit", html);
    // A square, solid green source: `contain` letterboxes it to 180x180 in the middle of the
    // 320x180 box (x 70..250), then the box moves 20 px right (x 90..270).
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=0x00ff00:s=64x64:r=30:d=1",
        "-pix_fmt",
        "yuv420p",
        "-c:v",
        "libx264",
        input.join("square.mp4").to_str().unwrap(),
    ]);
    let output = test.path("fit.mp4");
    render_with_own_cache(&test, &input, &output, "high");
    let video = decode(&output);
    let green = [0, 255, 0];
    let blue = [0, 0, 255];
    assert!(
        near(pixel(&video, 5, 180, 90), green, 20),
        "{:?}",
        pixel(&video, 5, 180, 90)
    );
    assert!(
        near(pixel(&video, 5, 95, 20), green, 20),
        "left edge moved by the transform"
    );
    assert!(
        near(pixel(&video, 5, 80, 90), blue, 20),
        "letterbox bar shows the page"
    );
    assert!(near(pixel(&video, 5, 275, 90), blue, 20), "right bar");
    // The second video is a circle: its centre shows the frame, its box's corner the page.
    assert!(near(pixel(&video, 5, 40, 140), green, 20));
    assert!(
        near(pixel(&video, 5, 3, 177), blue, 20),
        "{:?}",
        pixel(&video, 5, 3, 177)
    );
}

#[test]
fn animated_gifs_are_frame_exact_and_loop() {
    let test = TestDir::new();
    let html = r#"<!doctype html>
<html><head><style>
  * { margin: 0; padding: 0; }
  html, body { width: 320px; height: 180px; overflow: hidden; background: #0000ff; }
  #spin { position: absolute; left: 0; top: 0; width: 320px; height: 180px; }
</style></head><body>
  <div id="root" data-composition-id="gif" data-width="320" data-height="180" data-duration="1.5" data-fps="30">
    <img src="still.png" alt="">
    <img id="spin" src="spin.gif" alt="">
  </div>
</body></html>"#;
    let input = test.composition("gif", html);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=white:s=8x8:d=0.1",
        "-frames:v",
        "1",
        input.join("still.png").to_str().unwrap(),
    ]);
    // Eight frames at 10 fps; frame n is red 255 * n / 7 (levels of GIF's default palette).
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=black:s=32x18:r=10:d=0.8,format=rgb24,geq=r='255*N/7':g=0:b=0",
        "-pix_fmt",
        "rgb8",
        input.join("spin.gif").to_str().unwrap(),
    ]);
    let output = test.path("gif.mp4");
    render_with_own_cache(&test, &input, &output, "high");
    let video = decode(&output);
    assert_eq!(video.frames.len(), 45);
    for index in [0usize, 2, 3, 8, 20, 23, 24, 26, 30, 44] {
        let gif_frame = (index / 3) % 8;
        let expected = (255.0 * gif_frame as f64 / 7.0).round() as u8;
        let seen = pixel(&video, index, 160, 90);
        assert!(
            seen[0].abs_diff(expected) <= 12 && seen[2] < 20,
            "output frame {index}: {seen:?}, expected GIF frame {gif_frame} (red {expected})"
        );
    }
}

#[test]
fn a_video_is_heard_unless_muted_or_data_has_audio_is_false() {
    let test = TestDir::new();
    let html = r#"<!doctype html>
<html><head><style>html, body { margin: 0; width: 320px; height: 180px; background: #000; }
video { position: absolute; width: 160px; height: 90px; }</style></head>
<body><div id="root" data-composition-id="va" data-width="320" data-height="180" data-duration="2" data-fps="30">
  <video id="heard" src="av.mov" data-start="0.5"></video>
  <video id="said-silent" src="av.mov" data-start="0" data-has-audio="false"></video>
  <video id="muted" src="av.mov" data-start="0" data-has-audio="true" muted></video>
  <video id="no-sound" src="silent.mp4" data-start="0"></video>
</div></body></html>"#;
    let input = test.composition("va", html);
    let source = input.join("av.mov");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=64x36:r=30:d=3",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=660:sample_rate=48000:duration=3",
        "-pix_fmt",
        "yuv420p",
        "-c:v",
        "libx264",
        "-c:a",
        "pcm_s16le",
        "-shortest",
        source.to_str().unwrap(),
    ]);
    // A video with no audio stream and no data-has-audio is simply silent.
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=64x36:r=30:d=3",
        "-pix_fmt",
        "yuv420p",
        "-c:v",
        "libx264",
        input.join("silent.mp4").to_str().unwrap(),
    ]);
    let level = mono_level(&source, 0.5, 1.0);
    let output = test.path("va.mp4");
    render_with_own_cache(&test, &input, &output, "draft");
    let samples = decode_audio(&output);
    assert!(
        rms(&left(&samples, 0.05, 0.45)) < 0.002,
        "only #heard is audible, from 0.5 s"
    );
    let heard = left(&samples, 0.8, 1.8);
    assert!(
        (frequency(&heard) - 660.0).abs() < 3.0,
        "{}",
        frequency(&heard)
    );
    assert!(
        (rms(&heard) / level - 1.0).abs() < 0.05,
        "{}",
        rms(&heard) / level
    );
}

/// Writes `sine` tones of `seconds` at each (file name, frequency) into `folder`.
fn tones(folder: &Path, files: &[(&str, u32)], seconds: u32) {
    for (name, frequency) in files {
        ffmpeg(&[
            "-f",
            "lavfi",
            "-i",
            &format!("sine=frequency={frequency}:sample_rate=48000:duration={seconds}"),
            folder.join(name).to_str().unwrap(),
        ]);
    }
}

#[test]
fn a_gsap_tweened_volume_is_followed_by_the_mix() {
    let test = TestDir::new();
    // #music fades linearly from 1 to 0 between 1 s and 2 s; #late, at data-volume 0, is
    // switched on at 2.5 s by a timeline set.
    let html = r##"<!doctype html>
<html><head><script src="gsap.min.js"></script>
<style>html, body { margin: 0; width: 320px; height: 180px; background: #102030; }</style></head>
<body><div id="root" data-composition-id="fade" data-width="320" data-height="180" data-duration="3" data-fps="30">
  <audio id="music" src="a440.wav" data-start="0"></audio>
  <audio id="late" src="a880.wav" data-start="0" data-volume="0"></audio>
</div>
<script>
  const tl = gsap.timeline({ paused: true });
  tl.to("#music", { volume: 0, duration: 1, ease: "none" }, 1);
  tl.set("#late", { volume: 1 }, 2.5);
  window.__timelines = { fade: tl };
</script></body></html>"##;
    let input = test.composition("fade", html);
    tones(&input, &[("a440.wav", 440), ("a880.wav", 880)], 4);
    let level = mono_level(&input.join("a440.wav"), 0.5, 1.0);

    let output = test.path("fade.mp4");
    assert_success(&test.render(&input, &output, &["--workers", "1", "--quality", "draft"]));
    let samples = decode_audio(&output);
    let ratio = |from: f64, to: f64| rms(&left(&samples, from, to)) / level;
    let full = ratio(0.25, 0.75);
    assert!((full - 1.0).abs() < 0.05, "before the fade: {full}");
    assert!(
        (frequency(&left(&samples, 0.25, 0.75)) - 440.0).abs() < 3.0,
        "the 880 Hz tone is silent until 2.5 s"
    );
    // A linear fade's RMS over [1.25, 1.75] s is sqrt(mean((1 - x)^2), x in [0.25, 0.75]) = 0.52.
    let middle = ratio(1.25, 1.75);
    assert!((middle - 0.52).abs() < 0.05, "during the fade: {middle}");
    assert!(ratio(1.1, 1.2) > ratio(1.8, 1.9) * 4.0, "the level falls");
    let after = ratio(2.05, 2.45);
    assert!(after < 0.01, "after the fade: {after}");
    let late = left(&samples, 2.55, 2.95);
    assert!(
        (frequency(&late) - 880.0).abs() < 3.0,
        "{}",
        frequency(&late)
    );
    assert!(
        (rms(&late) / level - 1.0).abs() < 0.05,
        "the late tone at full level: {}",
        rms(&late) / level
    );
}

#[test]
fn without_volume_tweens_the_audio_is_exactly_the_data_volume_mix() {
    let test = TestDir::new();
    // The same tones with and without a GSAP timeline that animates something else: the
    // timeline must not change a single audio sample.
    let page = |script: &str| {
        format!(
            r##"<!doctype html>
<html><head><script src="gsap.min.js"></script>
<style>html, body {{ margin: 0; width: 320px; height: 180px; background: #102030; }}
#box {{ position: absolute; width: 40px; height: 40px; background: #fff; }}</style></head>
<body><div id="root" data-composition-id="steady" data-width="320" data-height="180" data-duration="2" data-fps="30">
  <div id="box"></div>
  <audio id="music" src="a440.wav" data-start="0.25" data-volume="0.5"></audio>
  <audio id="quiet" src="a880.wav" data-start="0" data-volume="0"></audio>
</div>
<script>{script}</script></body></html>"##
        )
    };
    let animated = test.composition(
        "animated",
        &page(
            r##"window.__timelines = { steady: gsap.timeline({ paused: true }).to("#box", { x: 200, duration: 2 }) };"##,
        ),
    );
    let plain = test.composition("plain", &page(""));
    for folder in [&animated, &plain] {
        tones(folder, &[("a440.wav", 440), ("a880.wav", 880)], 3);
    }
    let mut mixes = Vec::new();
    for (name, input) in [("animated", &animated), ("plain", &plain)] {
        let output = test.path(&format!("{name}.mp4"));
        assert_success(&test.render(input, &output, &["--workers", "1", "--quality", "draft"]));
        mixes.push(decode_audio(&output));
    }
    assert!(
        mixes[0] == mixes[1],
        "a timeline without volume tweens changed the mix"
    );
    let level = rms(&left(&mixes[0], 0.5, 1.5));
    let source = mono_level(&plain.join("a440.wav"), 0.5, 1.5);
    assert!((level / source - 0.5).abs() < 0.02, "{}", level / source);
}

/// Renders `input` with one worker, at `quality`, with a media cache private to the test.
fn render_with_own_cache(test: &TestDir, input: &Path, output: &Path, quality: &str) {
    let cache = test.path("cache");
    assert_success(&test.render(
        input,
        output,
        &[
            "--media-cache-dir",
            cache.to_str().unwrap(),
            "--workers",
            "1",
            "--quality",
            quality,
        ],
    ));
}
