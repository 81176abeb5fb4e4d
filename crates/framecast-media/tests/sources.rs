//! Source media with real FFmpeg files made by the ffmpeg CLI: `<video>` frame extraction onto
//! the render's frame grid (variable frame rate included), the audio mix (trim, delay, gain,
//! tempo without a pitch change, looping), probing, and each output encoder with audio.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use framecast_media::{
    AudioClip, GifLoop, InputFrame, OutputEncoder, OutputFormat, OutputSettings, RgbaFrame,
    VideoCodec, VideoFrameRequest, extract_video_frames, mix_audio, probe_media,
};

fn ffmpeg(args: &[&str]) {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg should run");
    assert!(
        output.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The red level of frame n is 8 + 16 * n (n < 15).
fn red_for(n: u64) -> u8 {
    (8 + 16 * n) as u8
}

#[test]
fn variable_frame_rate_sources_land_on_the_render_grid() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("vfr.mkv");
    // Ten frames at irregular times: 0, 0.1, ..., 0.4, then 0.55, 0.6, ... (a 50 ms gap).
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=black:s=32x32:r=10:d=1,format=rgb24,geq=r='8+16*N':g=0:b=0,settb=1/1000,setpts='(N*0.1+gte(N\\,5)*0.05)/TB'",
        "-fps_mode",
        "vfr",
        "-c:v",
        "ffv1",
        source.to_str().unwrap(),
    ]);
    let probe = probe_media(&source, "<video>").unwrap();
    assert!(probe.has_video && !probe.has_audio);
    let request = VideoFrameRequest {
        element: "<video>".to_string(),
        path: source.clone(),
        media_start: 0.0,
        fps: 20.0,
        frames: (0..24).collect::<BTreeSet<u64>>(),
        directory: dir.path().join("frames"),
        alpha: true,
    };
    assert_eq!(extract_video_frames(&request).unwrap(), 24);
    let source_times = [0.0, 0.1, 0.2, 0.3, 0.4, 0.55, 0.65, 0.75, 0.85, 0.95];
    for k in 0..24u64 {
        let at = k as f64 / 20.0;
        let expected = source_times.iter().rposition(|&t| t <= at + 1e-9).unwrap() as u64;
        let png = std::fs::read(request.directory.join(format!("{k}.png"))).unwrap();
        let frame = framecast_media::decode_png(&png).unwrap();
        let red = frame.pixel(16, 16)[0];
        assert!(
            red.abs_diff(red_for(expected)) <= 2,
            "clip frame {k} (t = {at}): red {red}, expected source frame {expected}"
        );
    }
    // Cached: nothing is decoded again.
    assert_eq!(extract_video_frames(&request).unwrap(), 0);
}

fn tone(dir: &Path, name: &str, frequency: u32, seconds: f64) -> std::path::PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("sine=frequency={frequency}:sample_rate=44100:duration={seconds}"),
        path.to_str().unwrap(),
    ]);
    path
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
    (samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / samples.len().max(1) as f64)
        .sqrt()
}

fn frequency(samples: &[f32]) -> f64 {
    let crossings = samples
        .windows(2)
        .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
        .count();
    crossings as f64 / (samples.len() as f64 / 48_000.0)
}

#[test]
fn audio_is_trimmed_delayed_levelled_stretched_and_looped() {
    let dir = tempfile::tempdir().unwrap();
    let long = tone(dir.path(), "long.wav", 1000, 3.0);
    let short = tone(dir.path(), "short.wav", 500, 0.1);
    let reference = mix_audio(
        &[AudioClip {
            element: "<audio id=reference>".to_string(),
            path: long.clone(),
            start: 0.0,
            media_start: 0.0,
            duration: None,
            volume: 1.0,
            rate: 1.0,
            looped: false,
            envelope: None,
        }],
        48_000,
    )
    .unwrap()
    .unwrap();
    let level = rms(&left(reference.samples(), 0.1, 0.9));
    assert!(level > 0.05);

    let clips = [
        AudioClip {
            element: "<audio id=fast>".to_string(),
            path: long,
            start: 0.25,
            media_start: 0.5,
            duration: Some(0.5),
            volume: 0.5,
            rate: 2.0,
            looped: false,
            envelope: None,
        },
        AudioClip {
            element: "<audio id=loop>".to_string(),
            path: short,
            start: 1.0,
            media_start: 0.0,
            duration: None,
            volume: 1.0,
            rate: 1.0,
            looped: true,
            envelope: None,
        },
    ];
    let mix = mix_audio(&clips, 2 * 48_000).unwrap().unwrap();
    assert_eq!(mix.frames(), 96_000);
    let samples = mix.samples();
    assert!(
        rms(&left(samples, 0.0, 0.24)) < 1e-4,
        "silence before the start"
    );
    let fast = left(samples, 0.3, 0.7);
    assert!(
        (frequency(&fast) - 1000.0).abs() < 5.0,
        "tempo keeps the pitch: {}",
        frequency(&fast)
    );
    assert!(
        (rms(&fast) / level - 0.5).abs() < 0.03,
        "gain {}",
        rms(&fast) / level
    );
    assert!(
        rms(&left(samples, 0.76, 0.99)) < 1e-3,
        "silence after the duration"
    );
    let looped = left(samples, 1.0, 2.0);
    assert!(
        (frequency(&looped) - 500.0).abs() < 10.0,
        "{}",
        frequency(&looped)
    );
    assert!(
        rms(&left(samples, 1.9, 2.0)) > level * 0.8,
        "still looping at the end"
    );
}

/// RMS level in dBFS of one channel (0 left, 1 right) of interleaved stereo, from `from` to `to`
/// seconds.
fn channel_level(samples: &[f32], channel: usize, from: f64, to: f64) -> f64 {
    let (a, b) = ((from * 48_000.0) as usize, (to * 48_000.0) as usize);
    let picked: Vec<f32> = samples[2 * a..2 * b]
        .iter()
        .skip(channel)
        .step_by(2)
        .copied()
        .collect();
    20.0 * rms(&picked).log10()
}

#[test]
fn mono_is_copied_to_both_channels_and_stereo_kept_at_their_levels() {
    let dir = tempfile::tempdir().unwrap();
    // A sine of peak 0.25 has an RMS of 0.25 / sqrt(2): -15.05 dBFS; of peak 0.125, -21.07 dBFS.
    let mono = dir.path().join("mono.wav");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "aevalsrc=0.25*sin(2*PI*440*t):s=44100:d=1",
        mono.to_str().unwrap(),
    ]);
    let stereo = dir.path().join("stereo.wav");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "aevalsrc=0.25*sin(2*PI*440*t)|0.125*sin(2*PI*660*t):s=44100:d=1",
        stereo.to_str().unwrap(),
    ]);
    let full = -15.05;
    let eighth = -21.07;
    for (path, expected) in [(&mono, [full, full]), (&stereo, [full, eighth])] {
        let clip = AudioClip {
            element: "<audio>".to_string(),
            path: path.clone(),
            start: 0.0,
            media_start: 0.0,
            duration: None,
            volume: 1.0,
            rate: 1.0,
            looped: false,
            envelope: None,
        };
        let mix = mix_audio(&[clip], 48_000).unwrap().unwrap();
        for (channel, expected) in expected.into_iter().enumerate() {
            let level = channel_level(mix.samples(), channel, 0.1, 0.9);
            assert!(
                (level - expected).abs() < 0.05,
                "{}: channel {channel} at {level:.2} dBFS, the source at {expected} dBFS",
                path.display()
            );
        }
    }
}

#[test]
fn nothing_audible_is_no_track_and_broken_files_name_their_element() {
    let dir = tempfile::tempdir().unwrap();
    assert!(mix_audio(&[], 48_000).unwrap().is_none());
    let garbage = dir.path().join("garbage.mp3");
    std::fs::write(&garbage, b"not audio at all").unwrap();
    let error = probe_media(&garbage, "<audio id=\"music\">")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("<audio id=\"music\">") && error.contains("garbage.mp3"),
        "{error}"
    );
    let error = probe_media(&dir.path().join("missing.wav"), "<audio>")
        .unwrap_err()
        .to_string();
    assert!(error.contains("does not exist"), "{error}");
}

#[test]
fn every_container_format_takes_rgba_frames_and_audio() {
    let dir = tempfile::tempdir().unwrap();
    let track = mix_audio(
        &[AudioClip {
            element: "<audio>".to_string(),
            path: tone(dir.path(), "tone.wav", 440, 1.0),
            start: 0.0,
            media_start: 0.0,
            duration: None,
            volume: 1.0,
            rate: 1.0,
            looped: false,
            envelope: None,
        }],
        24_000,
    )
    .unwrap();
    for format in [
        OutputFormat::Mp4,
        OutputFormat::Webm,
        OutputFormat::Mov,
        OutputFormat::Gif,
    ] {
        let path = dir
            .path()
            .join(format!("out.{}", format.extension().unwrap()));
        let settings = OutputSettings {
            format,
            codec: VideoCodec::H264,
            alpha: format != OutputFormat::Mp4,
            width: 64,
            height: 32,
            fps_num: 24,
            fps_den: 1,
            preset: "ultrafast".to_string(),
            crf: 18,
            bitrate: None,
            vp9_cpu_used: None,
            gif_loop: GifLoop::Forever,
            hls_segment_seconds: 4,
            segment: false,
        };
        let mut encoder = OutputEncoder::create(&path, &settings, track.clone()).unwrap();
        let mut frame = RgbaFrame::new(64, 32);
        for index in 0..12u8 {
            for pixel in frame.data.chunks_exact_mut(4) {
                pixel.copy_from_slice(&[index * 20, 100, 200, 255]);
            }
            encoder.push(InputFrame::Rgba(&frame)).unwrap();
        }
        let summary = encoder.finish().unwrap();
        assert_eq!(summary.frames, 12);
        assert_eq!(summary.audio, format != OutputFormat::Gif, "{format:?}");
        let frames = framecast_media::decode_frames_rgba(&path).unwrap();
        assert_eq!(frames.len(), 12, "{format:?}");
        let last = frames[11].pixel(32, 16);
        assert!(
            last[0].abs_diff(220) <= 6 && last[1].abs_diff(100) <= 6 && last[2].abs_diff(200) <= 6,
            "{format:?}: {last:?}"
        );
    }
}

#[test]
fn vp9_sources_with_alpha_keep_their_transparency() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("alpha.webm");
    // Left half opaque green, right half fully transparent.
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=0x00ff00:s=64x32:r=10:d=0.5,format=rgba,geq=r=0:g=255:b=0:a='if(lt(X\\,32)\\,255\\,0)'",
        "-c:v",
        "libvpx-vp9",
        "-pix_fmt",
        "yuva420p",
        source.to_str().unwrap(),
    ]);
    let probe = probe_media(&source, "<video>").unwrap();
    assert!(probe.has_alpha);
    let request = VideoFrameRequest {
        element: "<video>".to_string(),
        path: source,
        media_start: 0.0,
        fps: 10.0,
        frames: BTreeSet::from([2]),
        directory: dir.path().join("frames"),
        alpha: true,
    };
    assert_eq!(extract_video_frames(&request).unwrap(), 1);
    let frame =
        framecast_media::decode_png(&std::fs::read(request.directory.join("2.png")).unwrap())
            .unwrap();
    assert!(frame.pixel(8, 16)[3] > 240, "{:?}", frame.pixel(8, 16));
    assert!(frame.pixel(56, 16)[3] < 15, "{:?}", frame.pixel(56, 16));
}
