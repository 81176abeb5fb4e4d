//! framecast-media owns everything FFmpeg and JPEG: decoding Chrome's JPEG captures into the
//! encoder's I420 frames, converting RGB(A) to I420, encoding H.264 in-process with FFmpeg's
//! libraries, and probing finished videos and decoding them back (RGB frames, audio samples) for
//! tests and the regression harness, which reach FFmpeg only through this crate.
//!
//! It is plain synchronous code: no async, no threads of its own beyond rayon's pool for
//! row-parallel pixel work (and the threads libx264 and FFmpeg's decoders start internally).
//! Pixel math is fixed-point integer, so the same input gives the same bytes on every machine.
//! The frame format everywhere is limited-range BT.709 I420, see [`Yuv420Frame`], except for the
//! alpha-keeping outputs, which take straight-alpha [`RgbaFrame`]s. It also writes every output
//! format ([`OutputEncoder`]: MP4, WebM, MOV, GIF, PNG sequences, HLS), mixes the soundtrack
//! ([`mix_audio`]), and extracts the frames of `<video>` sources ([`extract_video_frames`]).
//!
//! Modules depend on each other in one direction only; each line uses only modules on the lines
//! above it (and `error` and `ffmpeg_setup`, which use nothing):
//!
//! ```text
//! frame, settings, color          plain data and colour constants, no FFmpeg
//! rgb, jpeg, scale, audio_decode  RGB to I420, JPEG, swscale and planes, the audio decode loop
//! png, decode, audio, hls         PNG codec, whole-file decode and probe, the soundtrack mix,
//!                                 HLS file names, muxer options and segment keyframes
//! container, gif, source_video    the muxed writers, the GIF writer, <video> frame extraction
//! output, concat                  OutputEncoder: one front over container and gif; chunks
//!                                 joined by stream copy
//! encode                          VideoEncoder: the plain MP4 front over output
//! ```

mod audio;
mod audio_decode;
mod capabilities;
mod color;
mod concat;
mod container;
mod decode;
mod encode;
mod error;
mod ffmpeg_setup;
mod frame;
mod gif;
mod hls;
mod jpeg;
mod output;
mod png;
mod rgb;
mod scale;
mod settings;
mod source_video;

pub use decode::{DecodedVideo, VideoProbe, decode_frames_rgba, decode_video_rgb, probe_video};
pub use encode::{EncodeSummary, EncoderSettings, VideoEncoder};
pub use error::MediaError;
pub use frame::{InputFrame, RgbaFrame, Yuv420Frame};
pub use jpeg::{decode_jpeg_to_rgba, decode_jpeg_to_yuv420};
pub use rgb::{rgb_to_yuv420, rgba_to_yuv420};

pub use audio::{
    AUDIO_CHANNELS, AUDIO_RATE, AudioClip, AudioTrack, VolumeEnvelope, audio_frames_for_video,
    mix_audio, silent_track, write_wav,
};
pub use audio_decode::{AudioStreamReader, SampleLayout};
pub use capabilities::{ENCODERS, EncoderUse, has_encoder, library_versions};
pub use concat::{ConcatSegment, concat_segments};
pub use container::{PNG_SEQUENCE_AUDIO, PNG_SEQUENCE_PATTERN};
pub use hls::{HLS_PLAYLIST, HLS_SEGMENT_PATTERN};
pub use output::OutputEncoder;
pub use png::{decode_png, decode_png_to_rgba, encode_png};
pub use settings::{
    DEFAULT_HLS_SEGMENT_SECONDS, GifLoop, OutputFormat, OutputSettings, OutputSummary, VideoCodec,
};
pub use source_video::{
    MediaProbe, VideoFrameRequest, clip_frame_count, extract_video_frames, probe_media,
};
