//! The frames of a composition's `<video>` sources, decoded by FFmpeg (Chrome's decoder never
//! supplies pixels) and resampled to the render's constant frame rate.
//!
//! Clip frame `k` of a source is what the source shows at media time `media_start + k / fps`:
//! the last decoded frame whose timestamp is at or before it, so variable-frame-rate sources
//! land on the render's grid exactly as a player would show them. Each needed clip frame is
//! written as `<k>.jpg` (`<k>.png` for sources with alpha) into a directory the page loads them
//! from. JPEG and PNG encoding runs on the rayon pool while decoding continues.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ffmpeg_next::{self as ffmpeg, codec, format, frame, media};
use rayon::prelude::*;

use crate::error::MediaError;
use crate::ffmpeg_setup::{init_ffmpeg, unusable_path_reason};
use crate::frame::RgbaFrame;
use crate::png::encode_png;
use crate::scale::video_frame_to_rgba;

/// What probing a media file found.
#[derive(Clone, Debug, PartialEq)]
pub struct MediaProbe {
    /// Seconds, from the container (0 when unknown).
    pub duration: f64,
    /// Seconds of the video stream, which ends before the container when the audio runs on;
    /// the container's duration when the stream does not say (or there is no video).
    pub video_duration: f64,
    pub has_video: bool,
    pub has_audio: bool,
    pub width: u32,
    pub height: u32,
    /// Whether the video stream's pixel format carries alpha.
    pub has_alpha: bool,
}

/// Opens `path` and checks that FFmpeg can decode its streams, naming `element` in the error.
pub fn probe_media(path: &Path, element: &str) -> Result<MediaProbe, MediaError> {
    init_ffmpeg();
    let source_error = |reason: String| MediaError::Source {
        element: element.to_string(),
        path: path.to_path_buf(),
        reason,
    };
    if let Some(reason) = unusable_path_reason(path) {
        return Err(source_error(reason.to_string()));
    }
    if !path.is_file() {
        return Err(source_error(
            "the file does not exist; check the src attribute".to_string(),
        ));
    }
    let input = format::input(&path)
        .map_err(|error| source_error(format!("FFmpeg cannot read it: {error}")))?;
    let duration = match input.duration() {
        ffmpeg::ffi::AV_NOPTS_VALUE => 0.0,
        value => value as f64 / f64::from(ffmpeg::ffi::AV_TIME_BASE),
    };
    let mut probe = MediaProbe {
        duration,
        video_duration: duration,
        has_video: false,
        has_audio: false,
        width: 0,
        height: 0,
        has_alpha: false,
    };
    for stream in input.streams() {
        let parameters = stream.parameters();
        let kind = parameters.medium();
        if kind != media::Type::Video && kind != media::Type::Audio {
            continue;
        }
        let id = parameters.id();
        if ffmpeg::decoder::find(id).is_none() {
            return Err(source_error(format!(
                "its {kind:?} codec {id:?} is not supported by this FFmpeg"
            )));
        }
        let context = codec::context::Context::from_parameters(parameters)
            .map_err(|error| source_error(format!("cannot read its stream: {error}")))?;
        if kind == media::Type::Video && !probe.has_video {
            let decoder = context
                .decoder()
                .video()
                .map_err(|error| source_error(format!("cannot open its decoder: {error}")))?;
            // Attached pictures (cover art) are not video.
            if stream
                .disposition()
                .contains(format::stream::Disposition::ATTACHED_PIC)
            {
                continue;
            }
            probe.has_video = true;
            if stream.duration() > 0 {
                probe.video_duration = stream.duration() as f64 * f64::from(stream.time_base());
            }
            probe.width = decoder.width();
            probe.height = decoder.height();
            probe.has_alpha = decoder.format().descriptor().is_some_and(|descriptor| {
                // SAFETY: the descriptor points at FFmpeg's static table entry.
                (unsafe { (*descriptor.as_ptr()).flags }
                    & ffmpeg::ffi::AV_PIX_FMT_FLAG_ALPHA as u64)
                    != 0
            }) || alpha_mode_tag(&stream);
        } else if kind == media::Type::Audio {
            probe.has_audio = true;
        }
    }
    if !probe.has_video && !probe.has_audio {
        return Err(source_error("it has no audio or video stream".to_string()));
    }
    Ok(probe)
}

/// VP8/VP9 in WebM carry alpha in a side channel and say so with an `alpha_mode` tag.
fn alpha_mode_tag(stream: &format::stream::Stream<'_>) -> bool {
    stream
        .metadata()
        .iter()
        .any(|(key, value)| key.eq_ignore_ascii_case("alpha_mode") && value == "1")
}

/// Which clip frames of one source to extract.
#[derive(Clone, Debug, PartialEq)]
pub struct VideoFrameRequest {
    pub element: String,
    pub path: PathBuf,
    pub media_start: f64,
    /// The render's frame rate as a number (clip frame k is at `media_start + k / fps`).
    pub fps: f64,
    /// Sorted clip frame indices to write.
    pub frames: BTreeSet<u64>,
    /// Where to write `<k>.jpg` / `<k>.png`.
    pub directory: PathBuf,
    /// Write PNG with alpha instead of JPEG.
    pub alpha: bool,
}

/// Clip frames per source second: how many clip frames exist from `media_start` to the end of a
/// source of `duration` seconds at `fps` (at least one, so a still source holds its frame).
pub fn clip_frame_count(duration: f64, media_start: f64, fps: f64) -> u64 {
    let seconds = (duration - media_start).max(0.0);
    ((seconds * fps - 1e-9).ceil() as u64).max(1)
}

/// Decodes the source once, in order, and writes every requested clip frame that is not in the
/// directory yet. Returns how many files were written.
pub fn extract_video_frames(request: &VideoFrameRequest) -> Result<usize, MediaError> {
    init_ffmpeg();
    let extension = if request.alpha { "png" } else { "jpg" };
    let missing: Vec<u64> = request
        .frames
        .iter()
        .copied()
        .filter(|k| !request.directory.join(format!("{k}.{extension}")).is_file())
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    std::fs::create_dir_all(&request.directory).map_err(|source| MediaError::Io {
        path: request.directory.clone(),
        source,
    })?;
    let source_error = |reason: String| MediaError::Source {
        element: request.element.clone(),
        path: request.path.clone(),
        reason,
    };
    let SourceDecoder {
        mut input,
        stream_index,
        time_base,
        mut decoder,
    } = SourceDecoder::open(request).map_err(source_error)?;

    let mut cursor = FrameCursor {
        wanted: missing,
        next: 0,
        previous: None,
        pending: Vec::new(),
        request,
        extension,
        written: 0,
    };
    let mut decoded = frame::Video::empty();
    let mut first_pts = None;
    let mut receive = |decoder: &mut ffmpeg::decoder::Video,
                       cursor: &mut FrameCursor<'_>|
     -> Result<(), MediaError> {
        while decoder.receive_frame(&mut decoded).is_ok() {
            let pts = decoded
                .timestamp()
                .map_or(f64::NAN, |pts| pts as f64 * time_base);
            // A source whose first timestamp is not zero (an MPEG-TS, an edited MP4) is timed
            // from its first frame, as browsers do.
            let origin = *first_pts.get_or_insert(if pts.is_finite() { pts } else { 0.0 });
            let time = if pts.is_finite() {
                pts - origin
            } else {
                f64::NAN
            };
            let rgba = video_frame_to_rgba(&decoded)
                .map_err(|error| source_error(format!("cannot convert a frame: {error}")))?;
            cursor.arrive(time, rgba)?;
            if cursor.done() {
                break;
            }
        }
        Ok(())
    };
    for (stream, packet) in input.packets() {
        if stream.index() != stream_index {
            continue;
        }
        if decoder.send_packet(&packet).is_err() {
            continue;
        }
        receive(&mut decoder, &mut cursor)?;
        if cursor.done() {
            break;
        }
    }
    if !cursor.done() {
        let _ = decoder.send_eof();
        receive(&mut decoder, &mut cursor)?;
    }
    cursor.finish()?;
    Ok(cursor.written)
}

/// A `<video>` source opened for decoding its best video stream.
struct SourceDecoder {
    input: format::context::Input,
    stream_index: usize,
    /// Seconds per tick of the stream's timestamps.
    time_base: f64,
    decoder: ffmpeg::decoder::Video,
}

impl SourceDecoder {
    /// Opens the source with frame threading, and with libvpx's decoder for VP8/VP9 that keep
    /// alpha in a side channel (only libvpx reads it). The error is the reason, said of the file.
    fn open(request: &VideoFrameRequest) -> Result<SourceDecoder, String> {
        let input =
            format::input(&request.path).map_err(|error| format!("cannot open it: {error}"))?;
        let (stream_index, time_base, parameters, side_alpha) = {
            let stream = input
                .streams()
                .best(media::Type::Video)
                .ok_or_else(|| "it has no video stream".to_string())?;
            (
                stream.index(),
                f64::from(stream.time_base()),
                stream.parameters(),
                alpha_mode_tag(&stream),
            )
        };
        let libvpx = match parameters.id() {
            codec::Id::VP9 if side_alpha => ffmpeg::decoder::find_by_name("libvpx-vp9"),
            codec::Id::VP8 if side_alpha => ffmpeg::decoder::find_by_name("libvpx"),
            _ => None,
        };
        let mut context = codec::context::Context::from_parameters(parameters)
            .map_err(|error| format!("cannot read its video stream: {error}"))?;
        context.set_threading(codec::threading::Config {
            kind: codec::threading::Type::Frame,
            count: 0,
            ..Default::default()
        });
        let opened = match libvpx {
            Some(codec) => context
                .decoder()
                .open_as(codec)
                .and_then(|opened| opened.video()),
            None => context.decoder().video(),
        };
        let decoder = opened.map_err(|error| format!("cannot open its video decoder: {error}"))?;
        Ok(SourceDecoder {
            input,
            stream_index,
            time_base,
            decoder,
        })
    }
}

/// Walks the wanted clip frames as decoded frames arrive in presentation order.
struct FrameCursor<'a> {
    wanted: Vec<u64>,
    next: usize,
    previous: Option<RgbaFrame>,
    /// Frames chosen but not yet encoded, written in batches on the rayon pool.
    pending: Vec<(u64, std::sync::Arc<RgbaFrame>)>,
    request: &'a VideoFrameRequest,
    extension: &'a str,
    written: usize,
}

const BATCH: usize = 16;

impl FrameCursor<'_> {
    fn done(&self) -> bool {
        self.next >= self.wanted.len()
    }

    /// A frame shown from `time` on: every wanted clip frame before it gets the previous frame.
    fn arrive(&mut self, time: f64, frame: RgbaFrame) -> Result<(), MediaError> {
        if let Some(previous) = self.previous.take() {
            let previous = std::sync::Arc::new(previous);
            while let Some(&k) = self.wanted.get(self.next) {
                let at = self.request.media_start + k as f64 / self.request.fps;
                if time.is_finite() && at + 1e-9 >= time {
                    break;
                }
                self.pending.push((k, std::sync::Arc::clone(&previous)));
                self.next += 1;
            }
            if self.pending.len() >= BATCH {
                self.flush()?;
            }
        }
        self.previous = Some(frame);
        Ok(())
    }

    /// Past the end: the last frame holds for every remaining wanted clip frame.
    fn finish(&mut self) -> Result<(), MediaError> {
        if let Some(last) = self.previous.take() {
            let last = std::sync::Arc::new(last);
            while let Some(&k) = self.wanted.get(self.next) {
                self.pending.push((k, std::sync::Arc::clone(&last)));
                self.next += 1;
            }
        }
        self.flush()
    }

    fn flush(&mut self) -> Result<(), MediaError> {
        let batch = std::mem::take(&mut self.pending);
        let directory = &self.request.directory;
        let extension = self.extension;
        let results: Vec<Result<(), MediaError>> = batch
            .par_iter()
            .map(|(k, frame)| {
                let bytes = if extension == "png" {
                    encode_png(frame)?
                } else {
                    encode_jpeg(frame)?
                };
                let target = directory.join(format!("{k}.{extension}"));
                // Written under a temporary name and renamed, so a cache directory never holds a
                // half-written frame that a later render would take as complete.
                let temporary = directory.join(format!(".{k}.{}.partial", std::process::id()));
                std::fs::write(&temporary, &bytes)
                    .and_then(|()| std::fs::rename(&temporary, &target))
                    .map_err(|source| MediaError::Io {
                        path: target,
                        source,
                    })
            })
            .collect();
        for result in results {
            result?;
            self.written += 1;
        }
        Ok(())
    }
}

fn encode_jpeg(frame: &RgbaFrame) -> Result<Vec<u8>, MediaError> {
    let image = turbojpeg::Image {
        pixels: frame.data.as_slice(),
        width: frame.width as usize,
        pitch: frame.width as usize * 4,
        height: frame.height as usize,
        format: turbojpeg::PixelFormat::RGBA,
    };
    turbojpeg::compress(image, 92, turbojpeg::Subsamp::Sub2x2)
        .map(|data| data.to_vec())
        .map_err(|source| MediaError::Jpeg { source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_frames_cover_the_source_after_its_media_start() {
        assert_eq!(clip_frame_count(4.0, 0.0, 30.0), 120);
        assert_eq!(clip_frame_count(4.0, 2.0, 30.0), 60);
        assert_eq!(clip_frame_count(4.01, 2.0, 30.0), 61);
        assert_eq!(clip_frame_count(1.0, 2.0, 30.0), 1);
    }
}
