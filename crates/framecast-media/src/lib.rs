//! framecast-media owns everything FFmpeg and JPEG: decoding Chrome's JPEG captures into the
//! encoder's I420 frames, converting RGB(A) to I420, encoding H.264 in-process with FFmpeg's
//! libraries, and decoding finished videos back to RGB for tests and the regression harness.
//!
//! It is plain synchronous code: no async, no threads of its own beyond rayon's pool for
//! row-parallel pixel work (and the threads libx264 and FFmpeg's decoders start internally).
//! Pixel math is fixed-point integer, so the same input gives the same bytes on every machine.
//! The frame format everywhere is limited-range BT.709 I420, see [`Yuv420Frame`], except for the
//! alpha-keeping outputs, which take straight-alpha [`RgbaFrame`]s. It also writes every output
//! format ([`OutputEncoder`]: MP4, WebM, MOV, GIF, PNG sequences), mixes the soundtrack
//! ([`mix_audio`]), and extracts the frames of `<video>` sources ([`extract_video_frames`]).

mod audio;
mod color;
mod container;
mod decode;
mod encode;
mod error;
mod ffmpeg_setup;
mod frame;
mod gif;
mod jpeg;
mod output;
mod rgb;
mod rgba;
mod source_video;

pub use decode::{DecodedVideo, decode_video_rgb};
pub use encode::{EncodeSummary, EncoderSettings, VideoEncoder};
pub use error::MediaError;
pub use frame::Yuv420Frame;
pub use jpeg::{decode_jpeg_to_rgba, decode_jpeg_to_yuv420};
pub use rgb::{rgb_to_yuv420, rgba_to_yuv420};

pub use audio::{
    AUDIO_CHANNELS, AUDIO_RATE, AudioClip, AudioTrack, VolumeEnvelope, audio_frames_for_video,
    mix_audio, silent_track, write_wav,
};
pub use container::{PNG_SEQUENCE_AUDIO, PNG_SEQUENCE_PATTERN};
pub use gif::decode_frames_rgba;
pub use output::{
    GifLoop, InputFrame, OutputEncoder, OutputFormat, OutputSettings, OutputSummary, VideoCodec,
};
pub use rgba::{RgbaFrame, decode_png, decode_png_to_rgba, encode_png};
pub use source_video::{
    MediaProbe, VideoFrameRequest, clip_frame_count, extract_video_frames, probe_media,
};
