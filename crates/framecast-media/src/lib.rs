//! framecast-media owns everything FFmpeg and JPEG: decoding Chrome's JPEG captures into the
//! encoder's I420 frames, converting RGB(A) to I420, encoding H.264 in-process with FFmpeg's
//! libraries, and decoding finished videos back to RGB for tests and the regression harness.
//!
//! It is plain synchronous code: no async, no threads of its own beyond rayon's pool for
//! row-parallel pixel work (and the threads libx264 and FFmpeg's decoders start internally).
//! Pixel math is fixed-point integer, so the same input gives the same bytes on every machine.
//! The frame format everywhere is limited-range BT.709 I420, see [`Yuv420Frame`].

mod color;
mod decode;
mod encode;
mod error;
mod ffmpeg_setup;
mod frame;
mod jpeg;
mod rgb;

pub use decode::{DecodedVideo, decode_video_rgb};
pub use encode::{EncodeSummary, EncoderSettings, VideoEncoder};
pub use error::MediaError;
pub use frame::Yuv420Frame;
pub use jpeg::decode_jpeg_to_yuv420;
pub use rgb::{rgb_to_yuv420, rgba_to_yuv420};
