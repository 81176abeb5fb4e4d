//! HLS output with real FFmpeg: the folder holds a VOD playlist and numbered MPEG-TS segments,
//! each segment starts on a keyframe and only there, segment boundaries fall on the first frame
//! at or after each multiple of the segment length (exact at NTSC rates too), and the playlist
//! decodes back to every frame, with the audio alongside.

use std::path::Path;

use ffmpeg_next as ffmpeg;
use framecast_media::{
    AUDIO_CHANNELS, AUDIO_RATE, AudioTrack, GifLoop, HLS_PLAYLIST, InputFrame, OutputEncoder,
    OutputFormat, OutputSettings, RgbaFrame, VideoCodec, audio_frames_for_video, decode_video_rgb,
};

const WIDTH: u32 = 64;
const HEIGHT: u32 = 32;

fn settings(fps_num: u32, fps_den: u32, seconds: u32) -> OutputSettings {
    OutputSettings {
        format: OutputFormat::Hls,
        codec: VideoCodec::H264,
        alpha: false,
        width: WIDTH,
        height: HEIGHT,
        fps_num,
        fps_den,
        preset: "ultrafast".to_string(),
        crf: 18,
        bitrate: None,
        vp9_cpu_used: None,
        gif_loop: GifLoop::Forever,
        hls_segment_seconds: seconds,
        segment: false,
    }
}

/// Frame `index`'s red level: a ramp that repeats every 100 frames, so every frame differs from
/// its neighbours.
fn red_for(index: u64) -> u8 {
    (20 + (index % 100) * 2) as u8
}

/// Writes `frames` flat frames (red from [`red_for`]) and a 440 Hz tone of the same length.
fn write_hls(folder: &Path, settings: &OutputSettings, frames: u64) {
    let samples = audio_frames_for_video(frames, settings.fps_num, settings.fps_den);
    let tone: Vec<f32> = (0..samples)
        .flat_map(|n| {
            let value = (n as f32 * 440.0 * std::f32::consts::TAU / AUDIO_RATE as f32).sin();
            [value * 0.5; AUDIO_CHANNELS]
        })
        .collect();
    let mut encoder = OutputEncoder::create(folder, settings, Some(AudioTrack::new(tone))).unwrap();
    let mut frame = RgbaFrame::new(WIDTH, HEIGHT);
    for index in 0..frames {
        for pixel in frame.data.chunks_exact_mut(4) {
            pixel.copy_from_slice(&[red_for(index), 90, 160, 255]);
        }
        encoder.push(InputFrame::Rgba(&frame)).unwrap();
    }
    let summary = encoder.finish().unwrap();
    assert_eq!(summary.frames, frames);
    assert!(summary.audio);
}

/// The `#EXTINF` durations of a playlist, and whether it is a finished VOD list.
fn segment_durations(playlist: &str) -> (Vec<f64>, Vec<String>) {
    assert!(playlist.starts_with("#EXTM3U"), "{playlist}");
    assert!(playlist.contains("#EXT-X-PLAYLIST-TYPE:VOD"), "{playlist}");
    assert!(
        playlist.trim_end().ends_with("#EXT-X-ENDLIST"),
        "{playlist}"
    );
    let lines: Vec<&str> = playlist.lines().collect();
    let mut durations = Vec::new();
    let mut uris = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            durations.push(rest.trim_end_matches(',').parse().unwrap());
            uris.push(lines[at + 1].to_string());
        }
    }
    (durations, uris)
}

/// Whether each video packet of `segment`, in order, is a keyframe.
fn keyframe_flags(segment: &Path) -> Vec<bool> {
    ffmpeg::init().unwrap();
    let mut input = ffmpeg::format::input(segment).unwrap();
    let video = input
        .streams()
        .best(ffmpeg::media::Type::Video)
        .unwrap()
        .index();
    input
        .packets()
        .filter(|(stream, _)| stream.index() == video)
        .map(|(_, packet)| packet.is_key())
        .collect()
}

fn has_audio_stream(path: &Path) -> bool {
    let input = ffmpeg::format::input(path).unwrap();
    input.streams().best(ffmpeg::media::Type::Audio).is_some()
}

#[test]
fn segments_start_on_keyframes_and_play_back_every_frame() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("stream");
    // 5 s at 30 fps in 2 s segments: 2 + 2 + 1.
    write_hls(&folder, &settings(30, 1, 2), 150);
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            HLS_PLAYLIST,
            "segment_000.ts",
            "segment_001.ts",
            "segment_002.ts"
        ]
    );
    let playlist = std::fs::read_to_string(folder.join(HLS_PLAYLIST)).unwrap();
    let (durations, uris) = segment_durations(&playlist);
    assert_eq!(uris, ["segment_000.ts", "segment_001.ts", "segment_002.ts"]);
    for (duration, expected) in durations.iter().zip([2.0, 2.0, 1.0]) {
        assert!((duration - expected).abs() < 0.01, "{durations:?}");
    }
    assert!(playlist.contains("#EXT-X-TARGETDURATION:2"), "{playlist}");
    for (uri, frames) in uris.iter().zip([60, 60, 30]) {
        let flags = keyframe_flags(&folder.join(uri));
        assert_eq!(flags.len(), frames, "{uri}");
        assert!(flags[0], "{uri} starts on a keyframe");
        assert!(
            flags[1..].iter().all(|key| !key),
            "{uri} has no other keyframe"
        );
        assert!(has_audio_stream(&folder.join(uri)), "{uri} carries audio");
    }
    let video = decode_video_rgb(&folder.join(HLS_PLAYLIST)).unwrap();
    assert_eq!(video.frames.len(), 150);
    assert_eq!((video.fps_num, video.fps_den), (30, 1));
    for (index, frame) in video.frames.iter().enumerate() {
        let red = red_for(index as u64);
        assert!(
            frame[0].abs_diff(red) <= 3,
            "frame {index}: {} ≠ {red}",
            frame[0]
        );
    }
}

#[test]
fn at_ntsc_rates_segments_cut_on_the_first_frame_past_each_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("stream");
    // 130 frames at 29.97 fps in 2 s segments: the cuts are at frames 60 and 120.
    write_hls(&folder, &settings(30_000, 1001, 2), 130);
    let playlist = std::fs::read_to_string(folder.join(HLS_PLAYLIST)).unwrap();
    let (durations, uris) = segment_durations(&playlist);
    assert_eq!(uris.len(), 3, "{playlist}");
    for (uri, frames) in uris.iter().zip([60, 60, 10]) {
        let flags = keyframe_flags(&folder.join(uri));
        assert_eq!(flags.len(), frames, "{uri}");
        assert!(flags[0] && flags[1..].iter().all(|key| !key), "{uri}");
    }
    let total: f64 = durations.iter().sum();
    assert!(
        (total - 130.0 * 1001.0 / 30_000.0).abs() < 0.01,
        "{durations:?}"
    );
}

#[test]
fn hls_refuses_what_it_cannot_carry() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        OutputSettings {
            alpha: true,
            ..settings(30, 1, 2)
        },
        OutputSettings {
            codec: VideoCodec::H265,
            ..settings(30, 1, 2)
        },
        settings(30, 1, 0),
    ];
    for case in cases {
        let folder = dir.path().join("stream");
        let error = OutputEncoder::create(&folder, &case, None)
            .err()
            .expect("should refuse");
        assert!(error.to_string().contains("HLS"), "{error}");
        assert!(!folder.exists(), "nothing is created for refused settings");
    }
}
