//! The muxed outputs (MP4, WebM, MOV, PNG sequences through FFmpeg's image2 muxer, HLS through
//! its hls muxer): one video stream and an optional audio stream, interleaved as frames arrive.

use std::path::{Path, PathBuf};

use ffmpeg_next::{
    self as ffmpeg, ChannelLayout, Dictionary, Packet, Rational, codec, color, ffi, format, frame,
    picture, software::scaling,
};

use crate::audio::{AUDIO_CHANNELS, AUDIO_RATE, AudioTrack, write_wav};
use crate::error::MediaError;
use crate::ffmpeg_setup::{init_ffmpeg, unusable_path_reason};
use crate::frame::{InputFrame, Yuv420Frame};
use crate::hls::{HLS_PLAYLIST, SegmentClock};
use crate::rgb::rgba_to_yuv420;
use crate::scale::{bt709_scaler, copy_rows_in};
use crate::settings::{OutputFormat, OutputSettings, OutputSummary, VideoCodec};

/// The encoder threads of a chunk of a chunked render, whatever the machine's cores.
const SEGMENT_THREADS: &str = "4";

/// The name of each frame in a PNG sequence directory.
pub const PNG_SEQUENCE_PATTERN: &str = "frame_%06d.png";
/// The audio file written beside a PNG sequence.
pub const PNG_SEQUENCE_AUDIO: &str = "audio.wav";

pub(crate) struct ContainerWriter {
    path: PathBuf,
    format: OutputFormat,
    width: u32,
    height: u32,
    output: format::context::Output,
    video: EncodedStream<ffmpeg::encoder::Video>,
    audio: Option<AudioStream>,
    /// A PNG sequence's audio is written as a WAV file at the end instead.
    wav_audio: Option<AudioTrack>,
    fps: Rational,
    frame: frame::Video,
    scratch_yuv: Yuv420Frame,
    scaler: Option<scaling::Context>,
    /// HLS: the frames that start a segment, which are made keyframes.
    segments: Option<SegmentClock>,
    frames: u64,
}

struct EncodedStream<E> {
    encoder: E,
    index: usize,
    encoder_time_base: Rational,
    stream_time_base: Rational,
}

pub(crate) struct AudioStream {
    stream: EncodedStream<ffmpeg::encoder::Audio>,
    track: AudioTrack,
    /// Stereo sample frames sent to the encoder so far.
    sent: usize,
    frame_size: usize,
    sample_format: format::Sample,
}

impl ContainerWriter {
    pub(crate) fn create(
        path: &Path,
        settings: &OutputSettings,
        audio: Option<AudioTrack>,
    ) -> Result<Self, MediaError> {
        init_ffmpeg();
        if let Some(reason) = unusable_path_reason(path) {
            return Err(MediaError::UnusablePath {
                path: path.to_path_buf(),
                reason,
            });
        }
        let fps = Rational::new(
            i32::try_from(settings.fps_num).unwrap_or(i32::MAX),
            i32::try_from(settings.fps_den).unwrap_or(i32::MAX),
        );
        let encode_error = |what| {
            let path = path.to_path_buf();
            move |source| MediaError::Encode { path, what, source }
        };
        let mut output = open_output(path, settings.format)?;
        let video = add_video_stream(&mut output, path, settings, fps)?;
        let (audio, wav_audio) = match (audio, settings.format) {
            (None, _) => (None, None),
            (Some(track), OutputFormat::PngSequence) => (None, Some(track)),
            (Some(track), format) => (
                Some(add_audio_stream(&mut output, path, format, track)?),
                None,
            ),
        };

        output
            .write_header_with(muxer_options(path, settings))
            .map_err(encode_error("writing the container header"))?;
        let mut video = video;
        video.stream_time_base = stream_time_base(&output, video.index);
        let audio = audio.map(|mut audio| {
            audio.stream.stream_time_base = stream_time_base(&output, audio.stream.index);
            audio
        });
        let frame = encoder_frame(video.encoder.format(), settings.width, settings.height);
        Ok(ContainerWriter {
            path: path.to_path_buf(),
            format: settings.format,
            width: settings.width,
            height: settings.height,
            output,
            video,
            audio,
            wav_audio,
            fps,
            frame,
            scratch_yuv: Yuv420Frame {
                width: 0,
                height: 0,
                data: Vec::new(),
            },
            scaler: None,
            segments: (settings.format == OutputFormat::Hls).then(|| segment_clock(settings)),
            frames: 0,
        })
    }

    pub(crate) fn push(&mut self, input: InputFrame<'_>) -> Result<(), MediaError> {
        let (width, height) = input.size();
        if (width, height) != (self.width, self.height) {
            return Err(MediaError::FrameSize {
                path: self.path.clone(),
                index: self.frames,
                width,
                height,
                expected_width: self.width,
                expected_height: self.height,
            });
        }
        // SAFETY: `self.frame` is a live AVFrame with its format and size set; this gives a fresh
        // buffer if the encoder still references the previous one.
        let status = unsafe { ffi::av_frame_make_writable(self.frame.as_mut_ptr()) };
        if status < 0 {
            return Err(self.error("allocating a frame buffer", status.into()));
        }
        self.fill_frame(input)
            .map_err(|source| self.error("converting a frame", source))?;
        let pts = i64::try_from(self.frames).expect("should count fewer than 2^63 frames");
        self.frame.set_pts(Some(pts));
        if let Some(segments) = self.segments {
            // The frame is reused, so its type is set on every frame, not only on keyframes.
            self.frame
                .set_kind(if segments.starts_segment(self.frames) {
                    picture::Type::I
                } else {
                    picture::Type::None
                });
        }
        self.video
            .encoder
            .send_frame(&self.frame)
            .map_err(|source| self.error("sending a frame to the video encoder", source))?;
        self.frames += 1;
        drain_packets(&mut self.video, &mut self.output, 1).map_err(|source| {
            MediaError::Encode {
                path: self.path.clone(),
                what: "writing a video packet",
                source,
            }
        })?;
        // Audio follows the video frame by frame, so the muxer interleaves as it goes.
        let fps = self.fps;
        let frames = self.frames;
        if let Some(audio) = &mut self.audio {
            let due = samples_at(frames, fps).min(audio.track.frames());
            audio
                .send_until(due, false, &mut self.output)
                .map_err(|source| MediaError::Encode {
                    path: self.path.clone(),
                    what: "encoding audio",
                    source,
                })?;
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<OutputSummary, MediaError> {
        let path = self.path.clone();
        let encode_error = |what| {
            let path = path.clone();
            move |source| MediaError::Encode { path, what, source }
        };
        self.video
            .encoder
            .send_eof()
            .map_err(encode_error("flushing the video encoder"))?;
        drain_packets(&mut self.video, &mut self.output, 1)
            .map_err(encode_error("writing a video packet"))?;
        let has_audio = self.audio.is_some() || self.wav_audio.is_some();
        if let Some(audio) = &mut self.audio {
            let all = audio.track.frames();
            audio
                .send_until(all, true, &mut self.output)
                .map_err(encode_error("encoding audio"))?;
        }
        self.output
            .write_trailer()
            .map_err(encode_error("writing the container trailer"))?;
        if !self.format.writes_folder() {
            // SAFETY: the output context is live and owns `pb`; avio_closep nulls it, so the
            // drop that follows sees no file to close.
            let status = unsafe { ffi::avio_closep(&mut (*self.output.as_mut_ptr()).pb) };
            if status < 0 {
                return Err(encode_error("closing the file")(status.into()));
            }
        }
        if let Some(track) = &self.wav_audio {
            let wav = self.path.join(PNG_SEQUENCE_AUDIO);
            write_wav(&wav, track).map_err(|source| MediaError::Io { path: wav, source })?;
        }
        Ok(OutputSummary {
            frames: self.frames,
            audio: has_audio,
            path: self.path.clone(),
        })
    }

    /// Converts the input into the encoder's pixel format in `self.frame`.
    fn fill_frame(&mut self, input: InputFrame<'_>) -> Result<(), ffmpeg::Error> {
        let (w, h) = (self.width as usize, self.height as usize);
        let target = self.frame.format();
        match (input, target) {
            (InputFrame::Yuv420(yuv), format::Pixel::YUV420P | format::Pixel::YUVA420P) => {
                copy_yuv(yuv, &mut self.frame);
                if target == format::Pixel::YUVA420P {
                    fill_plane(&mut self.frame, 3, w, h, 255);
                }
            }
            (InputFrame::Rgba(rgba), format::Pixel::YUV420P | format::Pixel::YUVA420P) => {
                rgba_to_yuv420(&rgba.data, rgba.width, rgba.height, &mut self.scratch_yuv);
                copy_yuv(&self.scratch_yuv, &mut self.frame);
                if target == format::Pixel::YUVA420P {
                    let stride = self.frame.stride(3);
                    let plane = self.frame.data_mut(3);
                    for (row, pixels) in rgba.data.chunks_exact(w * 4).enumerate() {
                        let out = &mut plane[row * stride..row * stride + w];
                        for (alpha, pixel) in out.iter_mut().zip(pixels.chunks_exact(4)) {
                            *alpha = pixel[3];
                        }
                    }
                }
            }
            (InputFrame::Rgba(rgba), format::Pixel::RGBA) => {
                copy_rows_in(&rgba.data, w * 4, &mut self.frame, 0);
            }
            (input, _) => {
                // Everything else (ProRes 4444's 10-bit 4:4:4, RGBA from I420) goes through
                // swscale with explicit BT.709 matrices.
                let source = source_frame(input);
                let scaler = match &mut self.scaler {
                    Some(scaler) => scaler,
                    slot => slot.insert(bt709_scaler(source.format(), target, w, h)?),
                };
                scaler.run(&source, &mut self.frame)?;
            }
        }
        Ok(())
    }

    fn error(&self, what: &'static str, source: ffmpeg::Error) -> MediaError {
        MediaError::Encode {
            path: self.path.clone(),
            what,
            source,
        }
    }
}

/// Opens the muxer for `format` at `path` (for a PNG sequence or HLS, the directory it
/// creates).
pub(crate) fn open_output(
    path: &Path,
    format: OutputFormat,
) -> Result<format::context::Output, MediaError> {
    if format.writes_folder() {
        std::fs::create_dir_all(path).map_err(|source| MediaError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    }
    let output = match format {
        OutputFormat::PngSequence => format::output_as(&path.join(PNG_SEQUENCE_PATTERN), "image2"),
        OutputFormat::Hls => format::output_as(&path.join(HLS_PLAYLIST), "hls"),
        OutputFormat::Mp4 => format::output_as(&path, "mp4"),
        OutputFormat::Webm => format::output_as(&path, "webm"),
        OutputFormat::Mov => format::output_as(&path, "mov"),
        OutputFormat::Gif => unreachable!("GIF has its own writer"),
    };
    let mut output = output.map_err(|source| MediaError::Encode {
        path: path.to_path_buf(),
        what: "creating the output",
        source,
    })?;
    let own_files = match format {
        OutputFormat::PngSequence => Some(PNG_SEQUENCE_PATTERN),
        OutputFormat::Hls => Some(HLS_PLAYLIST),
        _ => None,
    };
    if let Some(name) = own_files {
        // image2 and hls open each file they write themselves; ffmpeg-next opened the name it
        // was given as a file anyway, which is closed and removed here.
        // SAFETY: the output context is live and owns `pb`; avio_closep nulls it.
        unsafe { ffi::avio_closep(&mut (*output.as_mut_ptr()).pb) };
        let _ = std::fs::remove_file(path.join(name));
    }
    Ok(output)
}

/// The muxer options of each format: MP4 and MOV put their index at the front, a PNG sequence
/// numbers its files from 0, HLS writes a VOD playlist and its segments into the folder.
pub(crate) fn muxer_options(path: &Path, settings: &OutputSettings) -> Dictionary<'static> {
    let mut options = Dictionary::new();
    match settings.format {
        OutputFormat::Mp4 | OutputFormat::Mov => options.set("movflags", "+faststart"),
        OutputFormat::PngSequence => options.set("start_number", "0"),
        OutputFormat::Hls => return crate::hls::muxer_options(path, settings.hls_segment_seconds),
        _ => {}
    }
    options
}

fn segment_clock(settings: &OutputSettings) -> SegmentClock {
    SegmentClock::new(
        settings.hls_segment_seconds,
        settings.fps_num,
        settings.fps_den,
    )
}

/// The frame the encoder is fed, reused for every frame; YUV frames carry the BT.709 tags.
fn encoder_frame(pixel: format::Pixel, width: u32, height: u32) -> frame::Video {
    let mut frame = frame::Video::new(pixel, width, height);
    if pixel != format::Pixel::RGBA {
        // ProRes copies the colour description from each frame into its frame header.
        frame.set_color_space(color::Space::BT709);
        frame.set_color_range(color::Range::MPEG);
        frame.set_color_primaries(color::Primaries::BT709);
        frame.set_color_transfer_characteristic(color::TransferCharacteristic::BT709);
    }
    frame
}

/// Audio sample frames that belong before video frame `frames` (exact integer arithmetic).
pub(crate) fn samples_at(frames: u64, fps: Rational) -> usize {
    let numerator = u128::from(frames) * u128::from(AUDIO_RATE) * fps.denominator() as u128;
    (numerator / fps.numerator() as u128) as usize
}

pub(crate) fn stream_time_base(output: &format::context::Output, index: usize) -> Rational {
    output
        .stream(index)
        .expect("should have the stream that was added")
        .time_base()
}

fn copy_yuv(yuv: &Yuv420Frame, frame: &mut frame::Video) {
    let (w, h) = (yuv.width as usize, yuv.height as usize);
    copy_rows_in(yuv.y(), w, frame, 0);
    copy_rows_in(yuv.u(), w / 2, frame, 1);
    copy_rows_in(yuv.v(), w / 2, frame, 2);
    debug_assert_eq!(yuv.y().len(), w * h);
}

fn fill_plane(frame: &mut frame::Video, plane: usize, width: usize, height: usize, value: u8) {
    let stride = frame.stride(plane);
    for row in frame.data_mut(plane).chunks_mut(stride).take(height) {
        row[..width].fill(value);
    }
}

/// An FFmpeg frame holding `input` (RGBA, or limited-range BT.709 I420).
fn source_frame(input: InputFrame<'_>) -> frame::Video {
    match input {
        InputFrame::Rgba(rgba) => {
            let mut frame = frame::Video::new(format::Pixel::RGBA, rgba.width, rgba.height);
            copy_rows_in(&rgba.data, rgba.width as usize * 4, &mut frame, 0);
            frame
        }
        InputFrame::Yuv420(yuv) => {
            let mut frame = frame::Video::new(format::Pixel::YUV420P, yuv.width, yuv.height);
            copy_yuv(yuv, &mut frame);
            frame
        }
    }
}

fn add_video_stream(
    output: &mut format::context::Output,
    path: &Path,
    settings: &OutputSettings,
    fps: Rational,
) -> Result<EncodedStream<ffmpeg::encoder::Video>, MediaError> {
    let encode_error = |what| {
        let path = path.to_path_buf();
        move |source| MediaError::Encode { path, what, source }
    };
    let (name, pixel) = video_encoder_choice(settings);
    let codec = ffmpeg::encoder::find_by_name(name).ok_or(MediaError::MissingCodec { name })?;
    let global_header = output
        .format()
        .flags()
        .contains(format::Flags::GLOBAL_HEADER);
    let mut config = codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(encode_error("setting up the video encoder"))?;
    config.set_width(settings.width);
    config.set_height(settings.height);
    config.set_format(pixel);
    config.set_time_base(fps.invert());
    config.set_frame_rate(Some(fps));
    if pixel != format::Pixel::RGBA {
        tag_bt709_limited(&mut config);
    }
    if global_header {
        config.set_flags(codec::Flags::GLOBAL_HEADER);
    }
    if let Some(bitrate) = settings.bitrate {
        // With a bit rate and no CRF the encoders run one pass at an average rate. Plain
        // one-pass ABR overshoots short videos by 14–26 % (measured on 4 s of noise at
        // 800 kb/s); a rate-control buffer of two seconds at that rate, starting half full
        // (x264, x265), or constant rate (libvpx) keeps it within a few percent.
        let bitrate = usize::try_from(bitrate).unwrap_or(usize::MAX);
        config.set_bit_rate(bitrate);
        config.set_max_bit_rate(bitrate);
        let buffer = i32::try_from(bitrate.saturating_mul(2)).unwrap_or(i32::MAX);
        // SAFETY: `config` owns a live, not yet opened AVCodecContext; plain integer fields
        // that ffmpeg-next has no setter for.
        unsafe {
            let context = config.as_mut_ptr();
            (*context).rc_buffer_size = buffer;
            (*context).rc_initial_buffer_occupancy = buffer / 2;
            if name == "libvpx-vp9" {
                (*context).rc_min_rate = i64::try_from(bitrate).unwrap_or(i64::MAX);
            }
        }
    }
    let encoder = config
        .open_with(video_encoder_options(name, settings))
        .map_err(encode_error("opening the video encoder"))?;
    let index = {
        let mut stream = output
            .add_stream(codec)
            .map_err(encode_error("adding the video stream"))?;
        stream.set_parameters(&encoder);
        stream.set_time_base(fps.invert());
        stream.set_avg_frame_rate(fps);
        stream.set_rate(fps);
        if name == "libx265" {
            // Apple players only accept HEVC in MP4 tagged `hvc1` (FFmpeg's default is `hev1`).
            // SAFETY: the stream's codec parameters are live and owned by the output context.
            unsafe {
                (*(*stream.as_mut_ptr()).codecpar).codec_tag = u32::from_le_bytes(*b"hvc1");
            }
        }
        stream.index()
    };
    Ok(EncodedStream {
        encoder,
        index,
        encoder_time_base: fps.invert(),
        stream_time_base: fps.invert(),
    })
}

/// The FFmpeg encoder and the pixel format it is fed, per output format and codec.
fn video_encoder_choice(settings: &OutputSettings) -> (&'static str, format::Pixel) {
    match (settings.format, settings.codec) {
        (OutputFormat::Mp4 | OutputFormat::Hls, VideoCodec::H264) => {
            ("libx264", format::Pixel::YUV420P)
        }
        (OutputFormat::Mp4, VideoCodec::H265) => ("libx265", format::Pixel::YUV420P),
        (OutputFormat::Hls, VideoCodec::H265) => unreachable!("HLS output is H.264 only"),
        (OutputFormat::Webm, _) if settings.alpha => ("libvpx-vp9", format::Pixel::YUVA420P),
        (OutputFormat::Webm, _) => ("libvpx-vp9", format::Pixel::YUV420P),
        (OutputFormat::Mov, _) => ("prores_ks", format::Pixel::YUVA444P10LE),
        (OutputFormat::PngSequence, _) => ("png", format::Pixel::RGBA),
        (OutputFormat::Gif, _) => unreachable!("GIF has its own writer"),
    }
}

/// Tags the encoder's output as limited-range BT.709 (primaries, transfer and matrix), so the
/// H.264 VUI and the container say what the frames are.
fn tag_bt709_limited(config: &mut ffmpeg::encoder::video::Video) {
    config.set_colorspace(color::Space::BT709);
    config.set_color_range(color::Range::MPEG);
    // SAFETY: `config` owns a live, not yet opened AVCodecContext; plain enum fields that
    // ffmpeg-next has no setter for.
    unsafe {
        let context = config.as_mut_ptr();
        (*context).color_primaries = ffi::AVColorPrimaries::AVCOL_PRI_BT709;
        (*context).color_trc = ffi::AVColorTransferCharacteristic::AVCOL_TRC_BT709;
    }
}

/// The private options of encoder `name`: the x264-style preset and CRF, mapped to each
/// encoder's own knobs.
fn video_encoder_options(name: &str, settings: &OutputSettings) -> Dictionary<'static> {
    let mut options = Dictionary::new();
    // A chunk's bytes must not depend on the node it ran on: x264's and x265's frame threads
    // and libvpx's tiles follow the thread count, so a chunk is encoded with a fixed one.
    options.set(
        "threads",
        if settings.segment {
            SEGMENT_THREADS
        } else {
            "auto"
        },
    );
    match name {
        "libx264" => {
            options.set("preset", &settings.preset);
            if settings.bitrate.is_none() {
                options.set("crf", &settings.crf.to_string());
            }
            // HyperFrames' tuning (the engine's chunkEncoder): variance AQ biased to dark,
            // flat areas, which gradients and text on plain backgrounds are full of.
            let mut tuning = if settings.preset == "ultrafast" {
                "aq-mode=3".to_string()
            } else {
                "aq-mode=3:aq-strength=0.8:deblock=1,1".to_string()
            };
            if settings.format == OutputFormat::Hls {
                // Keyframes only where a segment starts: those frames are forced (as IDR), and
                // x264 places none of its own (no scene cuts, an interval of a whole segment).
                let keyint = segment_clock(settings).max_segment_frames();
                tuning.push_str(&format!(":scenecut=0:keyint={keyint}:min-keyint={keyint}"));
                options.set("forced-idr", "1");
            }
            if settings.segment {
                // Closed GOPs only (x264's default, stated so it stays true): every frame of a
                // chunk refers only to frames of the same chunk, and the first is an IDR.
                tuning.push_str(":open-gop=0");
            }
            options.set("x264-params", &tuning);
        }
        "libx265" => {
            options.set("preset", &settings.preset);
            if settings.bitrate.is_none() {
                options.set("crf", &settings.crf.to_string());
            }
            // x265 opens its GOPs by default (CRA keyframes whose leading pictures refer back);
            // a chunk must be decodable from its first frame, and concatenated, alone.
            let params = if settings.segment {
                "log-level=error:open-gop=0"
            } else {
                "log-level=error"
            };
            options.set("x265-params", params);
        }
        "libvpx-vp9" => {
            // VP9's CRF scale runs to 63; x264's 18 looks about like VP9's 31.
            if settings.bitrate.is_none() {
                let crf = (u32::from(settings.crf) * 63 / 51 + 9).min(63);
                options.set("crf", &crf.to_string());
                options.set("b", "0");
            }
            options.set("row-mt", "1");
            options.set("deadline", "good");
            let speed = match settings.vp9_cpu_used {
                Some(cpu_used) => cpu_used,
                None if settings.preset == "ultrafast" => 8,
                None => 5,
            };
            options.set("cpu-used", &speed.to_string());
            if settings.alpha {
                options.set("auto-alt-ref", "0");
            }
        }
        "prores_ks" => {
            options.set("profile", "4444");
            options.set("vendor", "apl0");
        }
        _ => {}
    }
    options
}

pub(crate) fn add_audio_stream(
    output: &mut format::context::Output,
    path: &Path,
    format: OutputFormat,
    track: AudioTrack,
) -> Result<AudioStream, MediaError> {
    let encode_error = |what| {
        let path = path.to_path_buf();
        move |source| MediaError::Encode { path, what, source }
    };
    let (name, sample_format, bit_rate) = match format {
        OutputFormat::Webm => (
            "libopus",
            format::Sample::F32(format::sample::Type::Packed),
            160_000,
        ),
        _ => (
            "aac",
            format::Sample::F32(format::sample::Type::Planar),
            192_000,
        ),
    };
    let codec = ffmpeg::encoder::find_by_name(name).ok_or(MediaError::MissingCodec { name })?;
    let global_header = output
        .format()
        .flags()
        .contains(format::Flags::GLOBAL_HEADER);
    let mut config = codec::context::Context::new_with_codec(codec)
        .encoder()
        .audio()
        .map_err(encode_error("setting up the audio encoder"))?;
    let time_base = Rational::new(1, AUDIO_RATE as i32);
    config.set_rate(AUDIO_RATE as i32);
    config.set_format(sample_format);
    config.set_channel_layout(ChannelLayout::STEREO);
    config.set_bit_rate(bit_rate);
    config.set_time_base(time_base);
    if global_header {
        config.set_flags(codec::Flags::GLOBAL_HEADER);
    }
    let encoder = config
        .open_with(Dictionary::new())
        .map_err(encode_error("opening the audio encoder"))?;
    let frame_size = match encoder.frame_size() {
        0 => 1024,
        size => size as usize,
    };
    let index = {
        let mut stream = output
            .add_stream(codec)
            .map_err(encode_error("adding the audio stream"))?;
        stream.set_parameters(&encoder);
        stream.set_time_base(time_base);
        stream.index()
    };
    Ok(AudioStream {
        stream: EncodedStream {
            encoder,
            index,
            encoder_time_base: time_base,
            stream_time_base: time_base,
        },
        track,
        sent: 0,
        frame_size,
        sample_format,
    })
}

impl AudioStream {
    /// Takes the time base the muxer chose for the stream when it wrote the header.
    pub(crate) fn after_header(&mut self, output: &format::context::Output) {
        self.stream.stream_time_base = stream_time_base(output, self.stream.index);
    }

    /// Stereo sample frames in the whole track.
    pub(crate) fn track_frames(&self) -> usize {
        self.track.frames()
    }

    /// Encodes whole encoder frames up to sample frame `due`; with `last`, also the final
    /// partial frame, then flushes the encoder.
    pub(crate) fn send_until(
        &mut self,
        due: usize,
        last: bool,
        output: &mut format::context::Output,
    ) -> Result<(), ffmpeg::Error> {
        while self.sent < due && (last || self.sent + self.frame_size <= due) {
            let count = self.frame_size.min(due - self.sent);
            let mut frame = frame::Audio::new(self.sample_format, count, ChannelLayout::STEREO);
            frame.set_rate(AUDIO_RATE);
            let samples = &self.track.samples()
                [self.sent * AUDIO_CHANNELS..(self.sent + count) * AUDIO_CHANNELS];
            if frame.is_planar() {
                for channel in 0..AUDIO_CHANNELS {
                    let plane = frame.plane_mut::<f32>(channel);
                    for (out, pair) in plane.iter_mut().zip(samples.chunks_exact(AUDIO_CHANNELS)) {
                        *out = pair[channel];
                    }
                }
            } else {
                let plane = frame.plane_mut::<(f32, f32)>(0);
                for (out, pair) in plane.iter_mut().zip(samples.chunks_exact(AUDIO_CHANNELS)) {
                    *out = (pair[0], pair[1]);
                }
            }
            frame.set_pts(Some(self.sent as i64));
            self.stream.encoder.send_frame(&frame)?;
            self.sent += count;
            drain_packets(&mut self.stream, output, 0)?;
        }
        if last {
            self.stream.encoder.send_eof()?;
            drain_packets(&mut self.stream, output, 0)?;
        }
        Ok(())
    }
}

/// Moves every packet the encoder has ready into the muxer. `default_duration` fills in a
/// missing packet duration (one tick of the video time base keeps the last frame's length).
fn drain_packets<E>(
    stream: &mut EncodedStream<E>,
    output: &mut format::context::Output,
    default_duration: i64,
) -> Result<(), ffmpeg::Error>
where
    E: std::ops::DerefMut,
    E::Target: std::ops::DerefMut<Target = ffmpeg::codec::encoder::Encoder>,
{
    let mut packet = Packet::empty();
    loop {
        match stream.encoder.receive_packet(&mut packet) {
            Ok(()) => {}
            Err(ffmpeg::Error::Eof) => return Ok(()),
            Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => return Ok(()),
            Err(error) => return Err(error),
        }
        if packet.duration() == 0 {
            packet.set_duration(default_duration);
        }
        packet.set_stream(stream.index);
        packet.rescale_ts(stream.encoder_time_base, stream.stream_time_base);
        packet.write_interleaved(output)?;
    }
}
