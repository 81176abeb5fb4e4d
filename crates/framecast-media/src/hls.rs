//! What HLS output adds to the muxed writer: the names of the files in its folder, the options
//! of FFmpeg's `hls` muxer, and which frames start a segment. FFmpeg's muxer cuts a segment at
//! the first keyframe at or after each multiple of the segment length, so the encoder is made
//! to put a keyframe on exactly that frame and nowhere else; every segment then starts on a
//! keyframe and lasts exactly the asked length (the last one excepted).

use std::path::Path;

use ffmpeg_next::Dictionary;

/// The VOD playlist in an HLS folder.
pub const HLS_PLAYLIST: &str = "index.m3u8";
/// The name of each MPEG-TS segment in an HLS folder, numbered from 0.
pub const HLS_SEGMENT_PATTERN: &str = "segment_%03d.ts";

/// The options of FFmpeg's `hls` muxer writing into `folder`: a complete VOD playlist (every
/// segment listed, `#EXT-X-ENDLIST` at the end) of `seconds`-long segments.
pub(crate) fn muxer_options(folder: &Path, seconds: u32) -> Dictionary<'static> {
    let mut options = Dictionary::new();
    options.set("hls_time", &seconds.to_string());
    options.set("hls_playlist_type", "vod");
    options.set("hls_list_size", "0");
    options.set("start_number", "0");
    options.set("hls_flags", "independent_segments");
    options.set(
        "hls_segment_filename",
        &folder.join(HLS_SEGMENT_PATTERN).to_string_lossy(),
    );
    options
}

/// Which frames start an HLS segment, for a frame rate of `fps_num / fps_den` and segments of
/// `seconds`: frame 0, and the first frame at or after each multiple of `seconds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SegmentClock {
    /// Frames per segment as a fraction: `seconds * fps_num / fps_den`.
    frames_num: u64,
    frames_den: u64,
}

impl SegmentClock {
    pub(crate) fn new(seconds: u32, fps_num: u32, fps_den: u32) -> SegmentClock {
        SegmentClock {
            frames_num: u64::from(seconds) * u64::from(fps_num),
            frames_den: u64::from(fps_den),
        }
    }

    /// Whether `frame` is the first of a segment. Segment `k` starts at frame
    /// `ceil(k * frames_per_segment)`; a frame starts one exactly when a multiple of the
    /// segment length falls in `(frame - 1, frame]` of frame time.
    pub(crate) fn starts_segment(self, frame: u64) -> bool {
        let segments_before = |frame: u64| {
            u128::from(frame) * u128::from(self.frames_den) / u128::from(self.frames_num)
        };
        frame == 0 || segments_before(frame) > segments_before(frame - 1)
    }

    /// The most frames a segment can have, for the encoder's maximum keyframe interval.
    pub(crate) fn max_segment_frames(self) -> u64 {
        self.frames_num.div_ceil(self.frames_den)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(clock: SegmentClock, frames: u64) -> Vec<u64> {
        (0..frames).filter(|&f| clock.starts_segment(f)).collect()
    }

    #[test]
    fn segments_start_every_n_seconds_of_frames() {
        let clock = SegmentClock::new(2, 30, 1);
        assert_eq!(starts(clock, 150), [0, 60, 120]);
        assert_eq!(clock.max_segment_frames(), 60);
        assert_eq!(starts(SegmentClock::new(1, 25, 1), 60), [0, 25, 50]);
    }

    #[test]
    fn at_ntsc_rates_a_segment_starts_on_the_first_frame_past_each_boundary() {
        // 2 s at 29.97 fps is 59.94 frames: boundaries at 59.94, 119.88, 179.82 frame times.
        let clock = SegmentClock::new(2, 30_000, 1001);
        assert_eq!(starts(clock, 200), [0, 60, 120, 180]);
        assert_eq!(clock.max_segment_frames(), 60);
        for frame in starts(clock, 20_000) {
            let time = frame as f64 * 1001.0 / 30_000.0;
            let previous = (frame.max(1) - 1) as f64 * 1001.0 / 30_000.0;
            let boundary = (time / 2.0).floor() * 2.0;
            assert!(
                time >= boundary && (frame == 0 || previous < boundary),
                "{frame}"
            );
        }
    }

    #[test]
    fn the_muxer_writes_a_vod_playlist_of_numbered_segments_in_the_folder() {
        let options = muxer_options(Path::new("/out/stream"), 6);
        assert_eq!(options.get("hls_time"), Some("6"));
        assert_eq!(options.get("hls_playlist_type"), Some("vod"));
        assert_eq!(options.get("hls_list_size"), Some("0"));
        assert_eq!(
            options.get("hls_segment_filename"),
            Some("/out/stream/segment_%03d.ts")
        );
    }
}
