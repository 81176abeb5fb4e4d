//! What the FFmpeg libraries framecast is linked with can do: their versions, and whether each
//! encoder framecast uses is there (`framecast doctor` reports both). An FFmpeg built without
//! libx265 or libvpx still renders MP4 with x264; the check says which outputs are affected.

use ffmpeg_next as ffmpeg;

use crate::ffmpeg_setup::init_ffmpeg;

/// One encoder framecast may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncoderUse {
    /// FFmpeg's name for it.
    pub name: &'static str,
    /// What framecast uses it for.
    pub used_for: &'static str,
    /// Whether the default render (MP4, H.264, AAC) needs it.
    pub default_output: bool,
}

/// Every encoder `container.rs` opens by name.
pub const ENCODERS: &[EncoderUse] = &[
    EncoderUse {
        name: "libx264",
        used_for: "H.264 video (MP4, the default)",
        default_output: true,
    },
    EncoderUse {
        name: "libx265",
        used_for: "H.265 video (MP4 with --codec h265)",
        default_output: false,
    },
    EncoderUse {
        name: "libvpx-vp9",
        used_for: "VP9 video (WebM)",
        default_output: false,
    },
    EncoderUse {
        name: "prores_ks",
        used_for: "ProRes 4444 video (MOV)",
        default_output: false,
    },
    EncoderUse {
        name: "aac",
        used_for: "AAC audio (MP4, MOV)",
        default_output: true,
    },
    EncoderUse {
        name: "libopus",
        used_for: "Opus audio (WebM)",
        default_output: false,
    },
];

/// Whether the linked FFmpeg has the encoder `name`.
pub fn has_encoder(name: &str) -> bool {
    init_ffmpeg();
    ffmpeg::encoder::find_by_name(name).is_some()
}

/// The linked libav* libraries and their versions (`avcodec 61.19.101`).
pub fn library_versions() -> Vec<(&'static str, String)> {
    init_ffmpeg();
    let version = |packed: u32| {
        format!(
            "{}.{}.{}",
            packed >> 16,
            (packed >> 8) & 0xff,
            packed & 0xff
        )
    };
    vec![
        ("avcodec", version(ffmpeg::codec::version())),
        ("avformat", version(ffmpeg::format::version())),
        ("avutil", version(ffmpeg::util::version())),
        ("swscale", version(ffmpeg::software::scaling::version())),
        (
            "swresample",
            version(ffmpeg::software::resampling::version()),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_encoders_are_linked_and_versions_are_read() {
        for encoder in ENCODERS.iter().filter(|encoder| encoder.default_output) {
            assert!(
                has_encoder(encoder.name),
                "{} should be linked",
                encoder.name
            );
        }
        assert!(!has_encoder("no-such-encoder"));
        let versions = library_versions();
        assert_eq!(versions.len(), 5);
        assert!(
            versions
                .iter()
                .all(|(_, version)| !version.starts_with("0.0")),
            "{versions:?}"
        );
    }
}
