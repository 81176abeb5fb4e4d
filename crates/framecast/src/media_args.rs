//! `framecast render`'s output-format and media options.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use framecast_media::{GifLoop, OutputFormat, VideoCodec};
use framecast_render::{AudioMode, FrameCache, RenderOptions};

#[derive(Debug, Args)]
pub struct MediaArgs {
    /// Output format; inferred from the output name when omitted (.mp4, .webm, .mov, .gif, or a
    /// name without extension for a PNG sequence), never from what exists on disk.
    #[arg(long, value_enum, help_heading = "Output")]
    format: Option<FormatArg>,

    /// Video codec for mp4.
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

impl MediaArgs {
    /// The extension of the default output's name for `--format` (mp4 when not given); empty
    /// for the formats written as a folder.
    pub fn extension(&self) -> &'static str {
        match self.format {
            None | Some(FormatArg::Mp4) => ".mp4",
            Some(FormatArg::Webm) => ".webm",
            Some(FormatArg::Mov) => ".mov",
            Some(FormatArg::Gif) => ".gif",
            Some(FormatArg::PngSequence) => "",
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
        });
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
