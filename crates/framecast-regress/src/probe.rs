//! A look at a video's size before decoding it whole: `decode_video_rgb` holds every frame in
//! memory, which is fine for the short fixtures goldens are made of and must be refused, with a
//! clear message, for anything longer.

use std::path::Path;

use framecast_media::{MediaError, probe_video};

/// The most decoded RGB a single video may take: 2 GiB, about 6 minutes of 320x180 or 12 s of
/// 1080p. Golden and render are decoded together, so a comparison takes at most twice this.
pub const MAX_DECODED_BYTES: u64 = 2 << 30;

/// How many bytes decoding every frame of `path` to RGB24 would take, from the container's
/// frame count (or duration times frame rate when it has none).
pub fn decoded_size(path: &Path) -> Result<u64, MediaError> {
    probe_video(path).map(|probe| probe.decoded_rgb_bytes())
}

/// Refuses a video too long or too large to compare whole.
pub fn check_decodable(path: &Path, what: &str) -> Result<(), String> {
    let bytes = decoded_size(path).map_err(|error| format!("cannot read the {what}: {error}"))?;
    if bytes > MAX_DECODED_BYTES {
        return Err(format!(
            "the {what} would take {} MB decoded, over the harness's {} MB: regression fixtures \
             must be short (1-3 s at 320x180 or 640x360)",
            bytes >> 20,
            MAX_DECODED_BYTES >> 20
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use framecast_media::{EncoderSettings, VideoEncoder, Yuv420Frame};

    #[test]
    fn the_decoded_size_is_frames_times_pixels_times_three() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grey.mp4");
        let settings = EncoderSettings {
            width: 64,
            height: 36,
            fps_num: 30,
            fps_den: 1,
            preset: "ultrafast".into(),
            crf: 23,
        };
        let mut encoder = VideoEncoder::create(&path, &settings).unwrap();
        let mut frame = Yuv420Frame::new(64, 36);
        frame.fill_black();
        for _ in 0..10 {
            encoder.push(&frame).unwrap();
        }
        encoder.finish().unwrap();
        assert_eq!(decoded_size(&path).unwrap(), 10 * 64 * 36 * 3);
        assert!(check_decodable(&path, "golden").is_ok());
        let missing = check_decodable(&dir.path().join("none.mp4"), "golden").unwrap_err();
        assert!(missing.contains("cannot read the golden"), "{missing}");
    }
}
