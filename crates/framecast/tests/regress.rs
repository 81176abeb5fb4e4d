//! `framecast regress` end to end: real renders of copied fixtures in a temp dir, goldens
//! written, altered and compared, shards listed, broken metadata reported.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use framecast_media::{EncoderSettings, VideoEncoder, Yuv420Frame, rgb_to_yuv420};
use support::{TestDir, assert_success, decode};

/// Copies `fixtures/<name>` into `<test>/fixtures/<name>`.
fn copy_fixture(test: &TestDir, name: &str) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name);
    let target = test.path("fixtures").join(name);
    copy_dir(&source, &target);
    target
}

fn copy_dir(source: &Path, target: &Path) {
    std::fs::create_dir_all(target).unwrap();
    for entry in std::fs::read_dir(source).unwrap() {
        let entry = entry.unwrap();
        let to = target.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

fn regress(test: &TestDir, extra: &[&str]) -> Output {
    let fixtures = test.path("fixtures");
    let goldens = test.path("goldens");
    let timings = test.path("timings.json");
    let mut args = vec![
        "regress",
        fixtures.to_str().unwrap(),
        "--goldens",
        goldens.to_str().unwrap(),
        "--timings",
        timings.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    test.framecast(&args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Re-encodes `golden` with a white square painted over frame `frame`, nearly losslessly, so
/// that only that frame differs from a correct render.
fn alter_golden(golden: &Path, frame: usize) {
    let video = decode(golden);
    let altered = golden.with_file_name("altered.mp4");
    let settings = EncoderSettings {
        width: video.width,
        height: video.height,
        fps_num: video.fps_num,
        fps_den: video.fps_den,
        preset: "ultrafast".into(),
        crf: 1,
    };
    let mut encoder = VideoEncoder::create(&altered, &settings).unwrap();
    let mut yuv = Yuv420Frame::new(video.width, video.height);
    for (index, rgb) in video.frames.iter().enumerate() {
        let mut rgb = rgb.clone();
        if index == frame {
            let width = video.width as usize;
            for y in 20..160 {
                for x in 20..300 {
                    let at = (y * width + x) * 3;
                    rgb[at..at + 3].copy_from_slice(&[255, 255, 255]);
                }
            }
        }
        rgb_to_yuv420(&rgb, video.width, video.height, &mut yuv);
        encoder.push(&yuv).unwrap();
    }
    encoder.finish().unwrap();
    std::fs::rename(&altered, golden).unwrap();
}

#[test]
fn a_golden_passes_an_altered_golden_fails_at_that_frame_and_update_fixes_it() {
    let test = TestDir::new();
    copy_fixture(&test, "moving-box");
    let golden = test.path("goldens/moving-box/output.mp4");

    let created = regress(&test, &["--update", "--update-timings"]);
    assert_success(&created);
    assert!(
        stdout(&created).contains("1 golden(s) updated"),
        "{}",
        stdout(&created)
    );
    assert_eq!(decode(&golden).frames.len(), 60);
    let timings: serde_json::Value =
        serde_json::from_slice(&std::fs::read(test.path("timings.json")).unwrap()).unwrap();
    assert!(timings["moving-box"].as_f64().unwrap() > 0.0, "{timings}");

    let passed = regress(&test, &[]);
    assert_success(&passed);
    let table = stdout(&passed);
    assert!(table.contains("moving-box  pass"), "{table}");
    assert!(table.contains("regress: 1 passed, 0 failed"), "{table}");
    assert!(
        table.contains("none (skip)"),
        "no audio on either side: {table}"
    );

    alter_golden(&golden, 42);
    let report = test.path("report");
    let failed = regress(&test, &["--report", report.to_str().unwrap()]);
    assert!(!failed.status.success(), "{}", stdout(&failed));
    let table = stdout(&failed);
    assert!(table.contains("moving-box  FAIL"), "{table}");
    assert!(
        table.contains("1 of 60 checked frames are below 30 dB"),
        "{table}"
    );
    assert!(table.contains("frames 42 ("), "{table}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report.join("report.json")).unwrap()).unwrap();
    let failing: Vec<&serde_json::Value> = json["fixtures"][0]["checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|checkpoint| checkpoint["passed"] == false)
        .collect();
    assert_eq!(failing.len(), 1, "{json}");
    assert_eq!(failing[0]["frame"], 42);
    for kind in ["golden", "new", "diff"] {
        let image = report.join(format!("moving-box/frame-000042-{kind}.png"));
        assert!(image.is_file(), "{} is missing", image.display());
    }
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(html.contains("moving-box/frame-000042-diff.png"), "{html}");

    assert_success(&regress(&test, &["--update"]));
    let fixed = regress(&test, &[]);
    assert_success(&fixed);
    assert!(
        stdout(&fixed).contains("regress: 1 passed, 0 failed"),
        "{}",
        stdout(&fixed)
    );
}

#[test]
fn a_missing_golden_fails_the_run_and_says_how_to_create_it() {
    let test = TestDir::new();
    copy_fixture(&test, "moving-box");
    let output = regress(&test, &[]);
    assert!(!output.status.success());
    let table = stdout(&output);
    assert!(table.contains("moving-box  ERROR"), "{table}");
    assert!(
        table.contains("--update --filter '^moving-box$'"),
        "{table}"
    );
}

#[test]
fn shards_list_every_fixture_exactly_once_balanced_by_timings() {
    let test = TestDir::new();
    let names = ["a", "b", "c", "d", "e", "unrecorded"];
    for name in names {
        let folder = test.path("fixtures").join(name);
        std::fs::create_dir_all(folder.join("src")).unwrap();
        std::fs::write(folder.join("src/index.html"), "<html></html>").unwrap();
        std::fs::write(folder.join("meta.json"), format!("{{\"name\":\"{name}\"}}")).unwrap();
    }
    std::fs::write(
        test.path("timings.json"),
        r#"{"a": 10.0, "b": 6.0, "c": 5.0, "d": 4.0, "e": 1.0}"#,
    )
    .unwrap();
    let listed = |shard: &str| -> Vec<String> {
        let output = regress(&test, &["--shard", shard, "--list"]);
        assert_success(&output);
        stdout(&output).lines().map(str::to_string).collect()
    };
    let (first, second) = (listed("1/2"), listed("2/2"));
    // Longest first, each to the lighter shard, the unrecorded one estimated at the median (5 s):
    // a 10 | b 6, c 5 -> 11 | unrecorded -> 15 | d -> 15 | e -> 16: 16 s against 15 s.
    assert_eq!(first, ["a", "e", "unrecorded"]);
    assert_eq!(second, ["b", "c", "d"]);
    let mut all: Vec<String> = first.into_iter().chain(second).collect();
    all.sort();
    assert_eq!(all, names);
}

#[test]
fn a_broken_meta_json_names_the_file_and_the_field() {
    let test = TestDir::new();
    let fixture = copy_fixture(&test, "moving-box");
    std::fs::write(
        fixture.join("meta.json"),
        r#"{"name": "moving-box", "minPsnr": "thirty", "renderConfig": {"fps": 30}}"#,
    )
    .unwrap();
    let output = regress(&test, &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("moving-box/meta.json"), "{stderr}");
    assert!(stderr.contains("`minPsnr` must be a number"), "{stderr}");
}

#[test]
fn a_png_sequence_must_match_byte_for_byte() {
    let test = TestDir::new();
    let fixture = copy_fixture(&test, "moving-box");
    let meta = std::fs::read_to_string(fixture.join("meta.json")).unwrap();
    let meta = meta.replace("\"format\": \"mp4\"", "\"format\": \"png-sequence\"");
    assert!(meta.contains("png-sequence"), "{meta}");
    std::fs::write(fixture.join("meta.json"), meta).unwrap();
    let frames = test.path("goldens/moving-box/frames");

    assert_success(&regress(&test, &["--update"]));
    // 60 frames and the sequence's manifest.
    assert_eq!(std::fs::read_dir(&frames).unwrap().count(), 61);
    let passed = regress(&test, &[]);
    assert_success(&passed);
    assert!(
        stdout(&passed).contains("regress: 1 passed"),
        "{}",
        stdout(&passed)
    );

    // Frame 7 with one pixel changed by one level: invisible, but not byte-exact.
    let frame = frames.join("frame_000007.png");
    let mut image = framecast_media::decode_png(&std::fs::read(&frame).unwrap()).unwrap();
    image.data[0] ^= 1;
    std::fs::write(&frame, framecast_media::encode_png(&image).unwrap()).unwrap();
    let failed = regress(&test, &[]);
    assert!(!failed.status.success());
    let table = stdout(&failed);
    assert!(table.contains("moving-box  FAIL"), "{table}");
    assert!(
        table.contains("1 of 60 checked frames are not byte-identical"),
        "{table}"
    );
    assert!(table.contains("frames 7 ("), "{table}");
}

/// Writes a 2 s mono 16-bit 48 kHz WAV of a 440 Hz tone, loud in `bursts` (seconds) and quiet
/// elsewhere.
fn write_tone(path: &Path, bursts: &[(f64, f64)]) {
    const RATE: u32 = 48_000;
    let samples: Vec<i16> = (0..2 * RATE)
        .map(|i| {
            let t = f64::from(i) / f64::from(RATE);
            let loud = bursts
                .iter()
                .any(|(start, end)| (*start..*end).contains(&t));
            let amplitude = if loud { 0.8 } else { 0.05 };
            (amplitude * (2.0 * std::f64::consts::PI * 440.0 * t).sin() * 32767.0) as i16
        })
        .collect();
    let data_len = (samples.len() * 2) as u32;
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + data_len).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    for field in [
        16u32.to_le_bytes().as_slice(),
        &1u16.to_le_bytes(),
        &1u16.to_le_bytes(),
    ] {
        bytes.extend_from_slice(field);
    }
    bytes.extend_from_slice(&RATE.to_le_bytes());
    bytes.extend_from_slice(&(RATE * 2).to_le_bytes());
    bytes.extend_from_slice(&2u16.to_le_bytes());
    bytes.extend_from_slice(&16u16.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data_len.to_le_bytes());
    for sample in samples {
        bytes.extend_from_slice(&sample.to_le_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn audio_is_judged_by_its_envelope() {
    let test = TestDir::new();
    let folder = test.path("fixtures/tone");
    std::fs::create_dir_all(folder.join("src")).unwrap();
    std::fs::write(
        folder.join("meta.json"),
        r#"{"name": "tone", "minPsnr": 30, "maxFrameFailures": 0, "minAudioCorrelation": 0.9,
            "maxAudioLagWindows": 2, "renderConfig": {"fps": 30, "workers": 1}}"#,
    )
    .unwrap();
    std::fs::write(
        folder.join("src/index.html"),
        r#"<!doctype html><html><head><style>html, body { margin: 0; width: 320px;
        height: 180px; background: #000 }</style></head><body>
        <div id="root" data-composition-id="tone" data-width="320" data-height="180"
             data-duration="2" data-fps="30">
          <audio src="tone.wav" data-start="0" data-duration="2"></audio>
        </div></body></html>"#,
    )
    .unwrap();
    let wav = folder.join("src/tone.wav");
    write_tone(&wav, &[(0.2, 0.5), (1.2, 1.4)]);

    assert_success(&regress(&test, &["--update"]));
    let passed = regress(&test, &[]);
    assert_success(&passed);
    let table = stdout(&passed);
    assert!(
        table.contains("r=1.000") || table.contains("r=0.99"),
        "{table}"
    );

    // The same frames with the loud parts elsewhere: pixels pass, the audio does not.
    write_tone(&wav, &[(0.7, 0.9), (1.5, 1.9)]);
    let failed = regress(&test, &[]);
    assert!(!failed.status.success());
    let table = stdout(&failed);
    assert!(table.contains("tone     FAIL"), "{table}");
    assert!(table.contains("the audio envelope correlates"), "{table}");
    assert!(table.contains("below minAudioCorrelation 0.9"), "{table}");
}

#[test]
fn a_hyperframes_baseline_in_the_fixture_folder_is_used_when_there_is_no_golden() {
    let test = TestDir::new();
    let fixture = copy_fixture(&test, "moving-box");
    assert_success(&regress(&test, &["--update"]));
    std::fs::create_dir_all(fixture.join("output")).unwrap();
    std::fs::rename(
        test.path("goldens/moving-box/output.mp4"),
        fixture.join("output/output.mp4"),
    )
    .unwrap();
    let passed = regress(&test, &[]);
    assert_success(&passed);
    assert!(
        stdout(&passed).contains("moving-box  pass"),
        "{}",
        stdout(&passed)
    );
}
