//! `framecast render`'s output-format and media options.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use framecast_media::{GifLoop, OutputFormat, VideoCodec};
use framecast_render::{AudioMode, FrameCache, RenderOptions};

#[derive(Debug, Args)]
pub struct MediaArgs {
    /// Output format; inferred from the output name when omitted (.mp4, .webm, .mov, .gif, or a
    /// name without extension for a PNG sequence), never from what exists on disk. hls writes a
    /// folder holding a VOD playlist (index.m3u8) and MPEG-TS segments (segment_000.ts, …;
    /// H.264 video, AAC audio), each starting on a keyframe.
    #[arg(long, value_enum, help_heading = "Output")]
    format: Option<FormatArg>,

    /// With --format hls: the length of each segment in whole seconds (1–60; default 4), the
    /// last one excepted; a keyframe starts every segment.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=60), help_heading = "Output")]
    hls_segment_seconds: Option<u32>,

    /// Video codec for mp4 (hls is always h264).
    #[arg(long, value_enum, default_value_t = CodecArg::H264, help_heading = "Output")]
    codec: CodecArg,

    /// Keep transparency (capture over a transparent page background): webm (VP9 yuva420p; by
    /// default when <html>, <body> and the root paint no background), mov (ProRes 4444, on by
    /// default) and png-sequence (on by default).
    #[arg(long, help_heading = "Output")]
    alpha: Option<bool>,

    /// GIF loop count, as HyperFrames counts it: 0 loops forever (the default), N repeats N
    /// times after the first play (0–65535); "forever" is 0, "once" plays it once.
    #[arg(long, default_value = "0", help_heading = "Output")]
    gif_loop: String,

    /// Audio: auto (mix every audible element; no audio stream when none is), silence (a
    /// silent track when none is audible), or off.
    #[arg(long, value_enum, default_value_t = AudioArg::Auto, help_heading = "Output")]
    audio: AudioArg,

    /// Decode <video> frames afresh instead of reusing the frame cache.
    #[arg(long, help_heading = "Performance")]
    no_media_cache: bool,

    /// Where decoded <video> frames are cached (default: $XDG_CACHE_HOME/framecast).
    #[arg(long, help_heading = "Performance")]
    media_cache_dir: Option<PathBuf>,

    /// The frame cache's size cap in megabytes; the least recently written sources go first.
    #[arg(long, default_value_t = 2048, help_heading = "Performance")]
    media_cache_mb: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Mp4,
    Webm,
    Mov,
    Gif,
    PngSequence,
    Hls,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CodecArg {
    H264,
    H265,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AudioArg {
    Auto,
    Silence,
    Off,
}

/// The `--format` value as typed.
fn format_name(format: FormatArg) -> String {
    format
        .to_possible_value()
        .expect("should have no skipped formats")
        .get_name()
        .to_string()
}

impl MediaArgs {
    /// The extension of the default output's name for `--format` (mp4 when not given); empty
    /// for the formats written as a folder.
    pub fn extension(&self) -> &'static str {
        match self.format {
            None | Some(FormatArg::Mp4) => ".mp4",
            Some(FormatArg::Webm) => ".webm",
            Some(FormatArg::Mov) => ".mov",
            Some(FormatArg::Gif) => ".gif",
            Some(FormatArg::PngSequence | FormatArg::Hls) => "",
        }
    }

    /// Copies these options into `options.media`.
    pub fn apply(&self, options: &mut RenderOptions) -> anyhow::Result<()> {
        let media = &mut options.media;
        media.format = self.format.map(|format| match format {
            FormatArg::Mp4 => OutputFormat::Mp4,
            FormatArg::Webm => OutputFormat::Webm,
            FormatArg::Mov => OutputFormat::Mov,
            FormatArg::Gif => OutputFormat::Gif,
            FormatArg::PngSequence => OutputFormat::PngSequence,
            FormatArg::Hls => OutputFormat::Hls,
        });
        let hls = matches!(self.format, Some(FormatArg::Hls));
        if let (Some(seconds), false) = (self.hls_segment_seconds, hls) {
            let format = match self.format {
                Some(format) => format!("--format {}", format_name(format)),
                None => "the format the output name implies".to_string(),
            };
            anyhow::bail!(
                "--hls-segment-seconds {seconds} applies only to --format hls, not to {format}; add --format hls, or drop --hls-segment-seconds"
            );
        }
        media.hls_segment_seconds = self.hls_segment_seconds;
        media.codec = match self.codec {
            CodecArg::H264 => VideoCodec::H264,
            CodecArg::H265 => VideoCodec::H265,
        };
        media.alpha = self.alpha;
        media.gif_loop = match self.gif_loop.trim() {
            "0" | "forever" | "infinite" => GifLoop::Forever,
            "once" => GifLoop::Repeat(0),
            count => GifLoop::Repeat(count.parse().ok().filter(|&n: &u16| n > 0).ok_or_else(|| {
                anyhow::anyhow!(
                    "invalid --gif-loop {count:?}: use 0 (forever), a number of repeats from 1 to 65535, or once"
                )
            })?),
        };
        media.audio = match self.audio {
            AudioArg::Auto => AudioMode::Auto,
            AudioArg::Silence => AudioMode::Silence,
            AudioArg::Off => AudioMode::Off,
        };
        media.frame_cache = if self.no_media_cache {
            FrameCache::Off
        } else {
            let FrameCache::Directory { path, .. } = FrameCache::default() else {
                unreachable!("the default cache is a directory")
            };
            FrameCache::Directory {
                path: self.media_cache_dir.clone().unwrap_or(path),
                max_bytes: self.media_cache_mb.saturating_mul(1 << 20),
            }
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        media: MediaArgs,
    }

    fn parse(args: &[&str]) -> Result<MediaArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("render").chain(args.iter().copied()))
            .map(|cli| cli.media)
    }

    #[test]
    fn hls_is_a_folder_with_segments_of_the_asked_length() {
        let media = parse(&["--format", "hls", "--hls-segment-seconds", "6"]).unwrap();
        assert_eq!(media.extension(), "", "the default output is a folder");
        let mut options = RenderOptions::new("comp", "stream");
        media.apply(&mut options).unwrap();
        assert_eq!(options.media.format, Some(OutputFormat::Hls));
        assert_eq!(options.media.hls_segment_seconds, Some(6));
        let media = parse(&["--format", "hls"]).unwrap();
        media.apply(&mut options).unwrap();
        assert_eq!(options.media.hls_segment_seconds, None, "the job's default");
    }

    #[test]
    fn segment_seconds_are_whole_seconds_from_1_to_60_and_only_for_hls() {
        for bad in ["0", "61", "1.5", "four"] {
            let error = parse(&["--format", "hls", "--hls-segment-seconds", bad]).unwrap_err();
            assert!(
                error.to_string().contains("--hls-segment-seconds"),
                "{error}"
            );
        }
        assert!(parse(&["--format", "hls", "--hls-segment-seconds", "60"]).is_ok());
        for (args, names) in [
            (
                &["--hls-segment-seconds", "2"][..],
                "the format the output name implies",
            ),
            (
                &["--format", "webm", "--hls-segment-seconds", "2"],
                "--format webm",
            ),
        ] {
            let error = parse(args)
                .unwrap()
                .apply(&mut RenderOptions::new("comp", "out.mp4"))
                .unwrap_err()
                .to_string();
            assert!(
                error.contains("--hls-segment-seconds 2") && error.contains("--format hls"),
                "{error}"
            );
            assert!(error.contains(names), "{error}");
        }
    }
}
