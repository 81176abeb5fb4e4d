//! Whole-file video decode, for tests and the regression harness: every frame to RGB24
//! ([`decode_video_rgb`]) or RGBA ([`decode_frames_rgba`]), and a look at a video's stream
//! without decoding it ([`probe_video`]).
//!
//! The decodes hold every frame in memory, so they are meant for short clips (test outputs,
//! regression fixtures), not for source media of arbitrary length; [`probe_video`] says how
//! much a decode would take before it starts.

use std::path::Path;

use ffmpeg_next::{
    self as ffmpeg, Packet, Rational, codec, color, decoder, ffi, format, frame, media,
    software::scaling::{self, Flags},
};

use crate::error::MediaError;
use crate::ffmpeg_setup::{init_ffmpeg, unusable_path_reason};
use crate::frame::RgbaFrame;
use crate::scale::video_frame_to_rgba;

/// Every frame of a file's best video stream, as full-range RGB24, with the stream facts tests
/// assert on.
#[derive(Clone, Debug)]
pub struct DecodedVideo {
    pub width: u32,
    pub height: u32,
    /// The stream's average frame rate (its nominal rate when the average is unknown).
    pub fps_num: u32,
    pub fps_den: u32,
    /// The container's duration in seconds, as `ffprobe -show_entries format=duration` reports
    /// (the stream's duration if the container has none, 0 if neither is known).
    pub duration_secs: f64,
    /// Tightly packed RGB24, `width * height * 3` bytes per frame, in presentation order.
    pub frames: Vec<Vec<u8>>,
    /// Presentation time of each frame in seconds; NaN for a frame without a timestamp.
    pub pts_secs: Vec<f64>,
    /// FFmpeg's decoder name, e.g. "h264".
    pub codec_name: String,
    /// FFmpeg's pixel format name, e.g. "yuv420p".
    pub pixel_format: String,
    /// FFmpeg's colour matrix name, e.g. "bt709", or "unknown" when the stream does not say.
    pub color_space: String,
}

/// What a file's best video stream says about itself, read without decoding a frame.
#[derive(Clone, Debug, PartialEq)]
pub struct VideoProbe {
    pub width: u32,
    pub height: u32,
    /// The stream's average frame rate (its nominal rate when the average is unknown).
    pub fps_num: u32,
    pub fps_den: u32,
    /// The container's duration in seconds (the stream's if the container has none, 0 if
    /// neither is known).
    pub duration_secs: f64,
    /// The stream's frame count as the container records it, or its duration times its frame
    /// rate, rounded up, when the container does not say.
    pub frames: u64,
}

impl VideoProbe {
    /// The bytes [`decode_video_rgb`] would hold for this video: three per pixel per frame.
    pub fn decoded_rgb_bytes(&self) -> u64 {
        self.frames * u64::from(self.width) * u64::from(self.height) * 3
    }
}

/// Reads the size, frame rate, duration and frame count of the best video stream in `path`.
pub fn probe_video(path: &Path) -> Result<VideoProbe, MediaError> {
    let (_input, stream) = open_video(path)?;
    let decoder = codec::context::Context::from_parameters(stream.parameters)
        .and_then(|context| context.decoder().video())
        .map_err(decode_error(path, "opening the decoder"))?;
    let frames = match u64::try_from(stream.frame_count) {
        Ok(frames) if frames > 0 => frames,
        _ => (stream.duration_secs * f64::from(stream.frame_rate)).ceil() as u64,
    };
    Ok(VideoProbe {
        width: decoder.width(),
        height: decoder.height(),
        fps_num: u32::try_from(stream.frame_rate.numerator()).unwrap_or(0),
        fps_den: u32::try_from(stream.frame_rate.denominator()).unwrap_or(0),
        duration_secs: stream.duration_secs,
        frames,
    })
}

/// Decodes every video frame of the file at `path` to RGB24.
///
/// The YUV to RGB matrix and range follow the stream's tags (swscale would otherwise assume
/// BT.601); an untagged stream is taken as BT.709 from 720 lines up and BT.601 below, the
/// convention players follow.
pub fn decode_video_rgb(path: &Path) -> Result<DecodedVideo, MediaError> {
    let (mut input, stream) = open_video(path)?;
    let mut context = codec::context::Context::from_parameters(stream.parameters)
        .map_err(decode_error(path, "reading the stream parameters"))?;
    context.set_threading(codec::threading::Config {
        kind: codec::threading::Type::Frame,
        count: 0,
        ..Default::default()
    });
    let mut decoder = context
        .decoder()
        .video()
        .map_err(decode_error(path, "opening the decoder"))?;
    let mut video = DecodedVideo {
        width: decoder.width(),
        height: decoder.height(),
        fps_num: u32::try_from(stream.frame_rate.numerator()).unwrap_or(0),
        fps_den: u32::try_from(stream.frame_rate.denominator()).unwrap_or(0),
        duration_secs: stream.duration_secs,
        frames: Vec::new(),
        pts_secs: Vec::new(),
        codec_name: decoder
            .codec()
            .map(|c| c.name().to_owned())
            .unwrap_or_default(),
        pixel_format: pixel_format_name(decoder.format()),
        color_space: decoder.color_space().name().unwrap_or("unknown").to_owned(),
    };
    let mut sink = FrameSink {
        converter: RgbConverter::new(),
        decoded: frame::Video::empty(),
        time_base: f64::from(stream.time_base),
    };
    let mut packet = Packet::empty();
    loop {
        match packet.read(&mut input) {
            Ok(()) => {}
            Err(ffmpeg::Error::Eof) => break,
            Err(source) => return Err(decode_error(path, "reading a packet")(source)),
        }
        if packet.stream() != stream.index {
            continue;
        }
        decoder
            .send_packet(&packet)
            .map_err(decode_error(path, "decoding a packet"))?;
        sink.receive(&mut decoder, &mut video)
            .map_err(decode_error(path, "receiving a frame"))?;
    }
    decoder
        .send_eof()
        .map_err(decode_error(path, "flushing the decoder"))?;
    sink.receive(&mut decoder, &mut video)
        .map_err(decode_error(path, "receiving a frame"))?;
    Ok(video)
}

/// Decodes a GIF (or any video FFmpeg reads) to RGBA frames, for tests.
pub fn decode_frames_rgba(path: &Path) -> Result<Vec<RgbaFrame>, MediaError> {
    let (mut input, stream) = open_video(path)?;
    let mut decoder = codec::context::Context::from_parameters(stream.parameters)
        .and_then(|context| context.decoder().video())
        .map_err(decode_error(path, "opening the decoder"))?;
    let mut frames = Vec::new();
    let mut decoded = frame::Video::empty();
    let mut collect = |decoder: &mut ffmpeg::decoder::Video,
                       frames: &mut Vec<RgbaFrame>|
     -> Result<(), ffmpeg::Error> {
        while decoder.receive_frame(&mut decoded).is_ok() {
            frames.push(video_frame_to_rgba(&decoded)?);
        }
        Ok(())
    };
    for (packet_stream, packet) in input.packets() {
        if packet_stream.index() == stream.index {
            decoder
                .send_packet(&packet)
                .map_err(decode_error(path, "decoding a packet"))?;
            collect(&mut decoder, &mut frames).map_err(decode_error(path, "converting a frame"))?;
        }
    }
    decoder
        .send_eof()
        .map_err(decode_error(path, "flushing the decoder"))?;
    collect(&mut decoder, &mut frames).map_err(decode_error(path, "converting a frame"))?;
    Ok(frames)
}

/// The facts of a file's best video stream that every decode here starts from.
struct VideoStream {
    index: usize,
    time_base: Rational,
    /// The average frame rate, or the nominal one when the average is unknown.
    frame_rate: Rational,
    parameters: codec::Parameters,
    /// The container's duration, else the stream's, else 0.
    duration_secs: f64,
    /// The container's frame count for the stream (0 or less when it does not know).
    frame_count: i64,
}

/// Opens `path` and finds its best video stream.
fn open_video(path: &Path) -> Result<(format::context::Input, VideoStream), MediaError> {
    init_ffmpeg();
    if let Some(reason) = unusable_path_reason(path) {
        return Err(MediaError::UnusablePath {
            path: path.to_path_buf(),
            reason,
        });
    }
    let input = format::input(path).map_err(decode_error(path, "opening the file"))?;
    let stream =
        input
            .streams()
            .best(media::Type::Video)
            .ok_or_else(|| MediaError::NoVideoStream {
                path: path.to_path_buf(),
            })?;
    let average = stream.avg_frame_rate();
    let frame_rate = if average.numerator() > 0 {
        average
    } else {
        stream.rate()
    };
    let stream_duration = match stream.duration() {
        ffi::AV_NOPTS_VALUE => 0.0,
        ticks => ticks as f64 * f64::from(stream.time_base()),
    };
    let duration_secs = match input.duration() {
        ffi::AV_NOPTS_VALUE => stream_duration,
        container => container as f64 / f64::from(ffi::AV_TIME_BASE),
    };
    let facts = VideoStream {
        index: stream.index(),
        time_base: stream.time_base(),
        frame_rate,
        parameters: stream.parameters(),
        duration_secs,
        frame_count: stream.frames(),
    };
    Ok((input, facts))
}

/// Turns an FFmpeg error while decoding `path` into the crate's error.
fn decode_error(path: &Path, what: &'static str) -> impl Fn(ffmpeg::Error) -> MediaError {
    move |source| MediaError::Decode {
        path: path.to_path_buf(),
        what,
        source,
    }
}

fn pixel_format_name(pixel: format::Pixel) -> String {
    pixel
        .descriptor()
        .map_or_else(|| format!("{pixel:?}"), |d| d.name().to_owned())
}

/// Pulls decoded frames and appends them, converted, to the result.
struct FrameSink {
    converter: RgbConverter,
    decoded: frame::Video,
    time_base: f64,
}

impl FrameSink {
    fn receive(
        &mut self,
        decoder: &mut decoder::Video,
        video: &mut DecodedVideo,
    ) -> Result<(), ffmpeg::Error> {
        loop {
            match decoder.receive_frame(&mut self.decoded) {
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => {
                    return Ok(());
                }
                Err(error) => return Err(error),
            }
            let pts = self.decoded.timestamp();
            video
                .pts_secs
                .push(pts.map_or(f64::NAN, |pts| pts as f64 * self.time_base));
            video.frames.push(self.converter.convert(&self.decoded)?);
        }
    }
}

/// A swscale context for YUV (or anything) to full-range RGB24, rebuilt when the input changes.
struct RgbConverter {
    scaler: Option<(ScalerKey, scaling::Context)>,
    rgb: frame::Video,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct ScalerKey {
    format: format::Pixel,
    width: u32,
    height: u32,
    space: color::Space,
    range: color::Range,
}

impl RgbConverter {
    fn new() -> Self {
        Self {
            scaler: None,
            rgb: frame::Video::empty(),
        }
    }

    fn convert(&mut self, input: &frame::Video) -> Result<Vec<u8>, ffmpeg::Error> {
        let key = ScalerKey {
            format: input.format(),
            width: input.width(),
            height: input.height(),
            space: input.color_space(),
            range: input.color_range(),
        };
        if self
            .scaler
            .as_ref()
            .is_none_or(|(current, _)| *current != key)
        {
            self.scaler = Some((key, rgb_scaler(key)?));
            self.rgb = frame::Video::empty();
        }
        let (_, scaler) = self.scaler.as_mut().expect("should have been built above");
        scaler.run(input, &mut self.rgb)?;

        let row_len = key.width as usize * 3;
        let stride = self.rgb.stride(0);
        let mut packed = Vec::with_capacity(row_len * key.height as usize);
        for row in self.rgb.data(0).chunks(stride).take(key.height as usize) {
            packed.extend_from_slice(&row[..row_len]);
        }
        Ok(packed)
    }
}

fn rgb_scaler(key: ScalerKey) -> Result<scaling::Context, ffmpeg::Error> {
    // Accurate rounding and full horizontal chroma interpolation: the fast paths trade a few
    // levels of error for speed, which tests comparing pixels cannot afford.
    let flags = Flags::BILINEAR | Flags::ACCURATE_RND | Flags::FULL_CHR_H_INT | Flags::BITEXACT;
    let (width, height) = (key.width, key.height);
    let mut scaler = scaling::Context::get(
        key.format,
        width,
        height,
        format::Pixel::RGB24,
        width,
        height,
        flags,
    )?;
    let Some(descriptor) = key.format.descriptor() else {
        return Ok(scaler);
    };
    // SAFETY: `descriptor` points at FFmpeg's static table entry for this pixel format.
    let is_rgb = unsafe { (*descriptor.as_ptr()).flags } & ffi::AV_PIX_FMT_FLAG_RGB as u64 != 0;
    if is_rgb {
        return Ok(scaler);
    }
    let matrix = match key.space {
        color::Space::BT709 => ffi::SWS_CS_ITU709,
        color::Space::FCC => ffi::SWS_CS_FCC,
        color::Space::SMPTE240M => ffi::SWS_CS_SMPTE240M,
        color::Space::BT2020NCL | color::Space::BT2020CL => ffi::SWS_CS_BT2020,
        color::Space::BT470BG | color::Space::SMPTE170M => ffi::SWS_CS_ITU601,
        _ if height >= 720 => ffi::SWS_CS_ITU709,
        _ => ffi::SWS_CS_ITU601,
    };
    let full_range_formats = [
        format::Pixel::YUVJ420P,
        format::Pixel::YUVJ422P,
        format::Pixel::YUVJ444P,
        format::Pixel::YUVJ440P,
        format::Pixel::YUVJ411P,
    ];
    let source_full_range =
        key.range == color::Range::JPEG || full_range_formats.contains(&key.format);
    // SAFETY: the scaler is live; sws_getCoefficients returns a pointer to a static table.
    let status = unsafe {
        let coefficients = ffi::sws_getCoefficients(matrix);
        ffi::sws_setColorspaceDetails(
            scaler.as_mut_ptr(),
            coefficients,
            i32::from(source_full_range),
            coefficients,
            1,
            0,
            1 << 16,
            1 << 16,
        )
    };
    if status < 0 {
        return Err(ffmpeg::Error::from(status));
    }
    Ok(scaler)
}

#[cfg(test)]
mod tests;
