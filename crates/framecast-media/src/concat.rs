//! Joins the chunks of a chunked render into one output by stream copy: each chunk's video
//! packets are moved into the output unchanged, their timestamps moved by the chunk's first
//! frame, and the soundtrack (mixed once for the whole render) is encoded alongside. Nothing is
//! decoded or re-encoded, so the joined video is exactly the chunks' frames.

use std::path::{Path, PathBuf};

use ffmpeg_next::{self as ffmpeg, Rational, Rescale, format, media};

use crate::audio::AudioTrack;
use crate::container::{
    add_audio_stream, muxer_options, open_output, samples_at, stream_time_base,
};
use crate::error::MediaError;
use crate::ffmpeg_setup::init_ffmpeg;
use crate::settings::{OutputFormat, OutputSettings, OutputSummary};

/// One chunk to join: its file and the index of its first frame in the whole video.
#[derive(Debug, Clone)]
pub struct ConcatSegment {
    pub path: PathBuf,
    pub first_frame: u64,
    /// The frames the chunk must hold.
    pub frames: u64,
}

/// Writes `segments` (each encoded by the same settings, in frame order, with no gaps) to
/// `path` as one `settings.format` file, with `audio` encoded beside the video. Only the format
/// and frame rate of `settings` are read. Fails, naming the chunk, when a chunk's stream differs
/// from the first's or holds another number of frames than it should.
pub fn concat_segments(
    path: &Path,
    settings: &OutputSettings,
    segments: &[ConcatSegment],
    audio: Option<AudioTrack>,
) -> Result<OutputSummary, MediaError> {
    init_ffmpeg();
    let fps = Rational::new(
        i32::try_from(settings.fps_num).unwrap_or(i32::MAX),
        i32::try_from(settings.fps_den).unwrap_or(i32::MAX),
    );
    let frame_base = fps.invert();
    let encode_error = |what| {
        let path = path.to_path_buf();
        move |source| MediaError::Encode { path, what, source }
    };
    let first = segments
        .first()
        .ok_or_else(|| MediaError::InvalidSettings {
            path: path.to_path_buf(),
            reason: "there are no chunks to join".to_string(),
        })?;
    let mut output = open_output(path, settings.format)?;
    let video_index = {
        let input = open_segment(&first.path)?;
        let stream = video_stream(&input, &first.path)?;
        let mut added = output
            .add_stream(ffmpeg::encoder::find(ffmpeg::codec::Id::None))
            .map_err(encode_error("adding the video stream"))?;
        added.set_parameters(stream.parameters());
        added.set_time_base(frame_base);
        added.set_avg_frame_rate(fps);
        added.set_rate(fps);
        added.index()
    };
    let mut audio = match audio {
        Some(track) if settings.format != OutputFormat::PngSequence => {
            Some(add_audio_stream(&mut output, path, settings.format, track)?)
        }
        _ => None,
    };
    output
        .write_header_with(muxer_options(path, settings))
        .map_err(encode_error("writing the container header"))?;
    let out_base = stream_time_base(&output, video_index);
    if let Some(audio) = &mut audio {
        audio.after_header(&output);
    }
    let mut written = 0u64;
    for segment in segments {
        let copied = copy_segment(&mut output, segment, (video_index, out_base, frame_base))?;
        written += copied;
        if let Some(audio) = &mut audio {
            let due = samples_at(written, fps).min(audio.track_frames());
            audio
                .send_until(due, false, &mut output)
                .map_err(encode_error("encoding audio"))?;
        }
    }
    let has_audio = audio.is_some();
    if let Some(audio) = &mut audio {
        let all = audio.track_frames();
        audio
            .send_until(all, true, &mut output)
            .map_err(encode_error("encoding audio"))?;
    }
    output
        .write_trailer()
        .map_err(encode_error("writing the container trailer"))?;
    Ok(OutputSummary {
        frames: written,
        audio: has_audio,
        path: path.to_path_buf(),
    })
}

fn open_segment(path: &Path) -> Result<format::context::Input, MediaError> {
    format::input(&path).map_err(|source| MediaError::Decode {
        path: path.to_path_buf(),
        what: "opening the chunk",
        source,
    })
}

fn video_stream<'a>(
    input: &'a format::context::Input,
    path: &Path,
) -> Result<ffmpeg::format::stream::Stream<'a>, MediaError> {
    input
        .streams()
        .best(media::Type::Video)
        .ok_or_else(|| MediaError::InvalidSettings {
            path: path.to_path_buf(),
            reason: "the chunk has no video stream".to_string(),
        })
}

/// Copies one chunk's video packets into `output`, each moved to its frame's place in the
/// whole video; returns the frames copied.
fn copy_segment(
    output: &mut format::context::Output,
    segment: &ConcatSegment,
    (video_index, out_base, frame_base): (usize, Rational, Rational),
) -> Result<u64, MediaError> {
    let path = &segment.path;
    let mut input = open_segment(path)?;
    let (index, in_base) = {
        let stream = video_stream(&input, path)?;
        let expected = output
            .stream(video_index)
            .expect("should have the video stream that was added")
            .parameters();
        // SAFETY: both codec parameters are live for the duration of this block; plain fields.
        let same = unsafe {
            let (a, b) = (&*stream.parameters().as_ptr(), &*expected.as_ptr());
            a.codec_id == b.codec_id && a.width == b.width && a.height == b.height
        };
        if !same {
            return Err(MediaError::InvalidSettings {
                path: path.clone(),
                reason: "the chunk's video stream differs from the first chunk's (codec or size); render every chunk from the same plan".to_string(),
            });
        }
        (stream.index(), stream.time_base())
    };
    // Timestamps are carried in frames: a chunk's frame k becomes the video's frame
    // first_frame + k, rescaled once, so no rounding accumulates across chunks.
    let shift = |ts: Option<i64>| {
        ts.map(|ts| {
            let frames = ts.rescale(in_base, frame_base);
            (frames + segment.first_frame as i64).rescale(frame_base, out_base)
        })
    };
    let mut frames = 0u64;
    for (stream, mut packet) in input.packets() {
        if stream.index() != index {
            continue;
        }
        packet.set_pts(shift(packet.pts()));
        packet.set_dts(shift(packet.dts()));
        let duration = packet.duration().rescale(in_base, frame_base).max(1);
        packet.set_duration(duration.rescale(frame_base, out_base));
        packet.set_stream(video_index);
        packet.set_position(-1);
        packet
            .write_interleaved(output)
            .map_err(|source| MediaError::Encode {
                path: path.clone(),
                what: "copying a video packet",
                source,
            })?;
        frames += 1;
    }
    if frames != segment.frames {
        return Err(MediaError::InvalidSettings {
            path: path.clone(),
            reason: format!(
                "the chunk holds {frames} frames, but its part of the plan is {} (frames {} to {}); render it again",
                segment.frames,
                segment.first_frame,
                segment.first_frame + segment.frames - 1
            ),
        });
    }
    Ok(frames)
}
