//! The in-process H.264 encoder: I420 frames in index order to an mp4 (or another container
//! FFmpeg picks from the file extension).

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::ptr;

use ffmpeg_next::{self as ffmpeg, Dictionary, Packet, Rational, codec, color, ffi, format, frame};

use crate::error::MediaError;
use crate::ffmpeg_setup::{init_ffmpeg, unusable_path_reason};
use crate::frame::Yuv420Frame;

/// What to encode: the frame size and exact rational frame rate of the render, and the x264
/// quality knobs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncoderSettings {
    pub width: u32,
    pub height: u32,
    pub fps_num: u32,
    pub fps_den: u32,
    /// An x264 preset: "ultrafast" … "medium" … "veryslow".
    pub preset: String,
    /// x264 constant rate factor, 0 (lossless) to 51.
    pub crf: u8,
}

/// What [`VideoEncoder::finish`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodeSummary {
    pub frames: u64,
}

/// An H.264 (libx264) encoder writing one video stream to a file.
///
/// Frames are pushed in index order; frame `i` gets presentation time `i * fps_den / fps_num`
/// seconds. The stream and the H.264 VUI are tagged BT.709 (primaries, transfer, matrix) and
/// limited range. Dropping the encoder without calling [`finish`](Self::finish) leaves a
/// truncated file behind and does not panic; the caller's publish step removes it.
pub struct VideoEncoder {
    path: PathBuf,
    width: u32,
    height: u32,
    encoder: ffmpeg::encoder::Video,
    output: format::context::Output,
    stream_index: usize,
    encoder_time_base: Rational,
    stream_time_base: Rational,
    /// Reused for every frame, so pushing allocates nothing once the encoder is warm.
    frame: frame::Video,
    packet: Packet,
    frames: u64,
}

impl VideoEncoder {
    /// Creates the file at `path` and writes its header. The container comes from the extension,
    /// so temporary paths should keep it (`out.tmp.mp4`, not `out.mp4.tmp`).
    pub fn create(path: &Path, settings: &EncoderSettings) -> Result<Self, MediaError> {
        init_ffmpeg();
        let fps = validate(path, settings)?;
        let encoder_time_base = fps.invert();
        let encode_error = |what| {
            let path = path.to_path_buf();
            move |source| MediaError::Encode { path, what, source }
        };

        let mut output = open_output(path)?;
        let codec = ffmpeg::encoder::find_by_name("libx264").ok_or(MediaError::MissingEncoder)?;
        let global_header = output
            .format()
            .flags()
            .contains(format::Flags::GLOBAL_HEADER);

        let mut config = codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()
            .map_err(encode_error("setting up libx264"))?;
        config.set_width(settings.width);
        config.set_height(settings.height);
        config.set_format(format::Pixel::YUV420P);
        config.set_time_base(encoder_time_base);
        config.set_frame_rate(Some(fps));
        config.set_colorspace(color::Space::BT709);
        config.set_color_range(color::Range::MPEG);
        // SAFETY: `config` owns a live, not yet opened AVCodecContext; these are plain enum
        // fields that ffmpeg-next has no setter for. libx264 copies them into the H.264 VUI.
        unsafe {
            let context = config.as_mut_ptr();
            (*context).color_primaries = ffi::AVColorPrimaries::AVCOL_PRI_BT709;
            (*context).color_trc = ffi::AVColorTransferCharacteristic::AVCOL_TRC_BT709;
        }
        if global_header {
            config.set_flags(codec::Flags::GLOBAL_HEADER);
        }

        let mut options = Dictionary::new();
        options.set("preset", &settings.preset);
        options.set("crf", &settings.crf.to_string());
        options.set("threads", "auto");
        let encoder = config
            .open_with(options)
            .map_err(encode_error("opening libx264 (check the preset name)"))?;

        let stream_index = {
            let mut stream = output
                .add_stream(codec)
                .map_err(encode_error("adding the video stream"))?;
            stream.set_parameters(&encoder);
            stream.set_time_base(encoder_time_base);
            stream.set_avg_frame_rate(fps);
            stream.set_rate(fps);
            stream.index()
        };

        let mut muxer_options = Dictionary::new();
        if is_mov_family(&output) {
            // Put the index before the media so players can start before the download ends.
            muxer_options.set("movflags", "+faststart");
        }
        output
            .write_header_with(muxer_options)
            .map_err(encode_error("writing the container header"))?;
        // The muxer may pick its own time base for the stream while writing the header.
        let stream_time_base = output
            .stream(stream_index)
            .expect("should have the stream that was just added")
            .time_base();

        Ok(Self {
            path: path.to_path_buf(),
            width: settings.width,
            height: settings.height,
            encoder,
            output,
            stream_index,
            encoder_time_base,
            stream_time_base,
            frame: frame::Video::new(format::Pixel::YUV420P, settings.width, settings.height),
            packet: Packet::empty(),
            frames: 0,
        })
    }

    /// Encodes the next frame. Its index is the number of frames pushed before it.
    pub fn push(&mut self, frame: &Yuv420Frame) -> Result<(), MediaError> {
        if (frame.width, frame.height) != (self.width, self.height) {
            return Err(MediaError::FrameSize {
                path: self.path.clone(),
                index: self.frames,
                width: frame.width,
                height: frame.height,
                expected_width: self.width,
                expected_height: self.height,
            });
        }
        assert_eq!(
            frame.data.len(),
            frame.luma_len() + 2 * frame.chroma_len(),
            "Yuv420Frame data length must match its dimensions"
        );
        // The encoder may still hold a reference to the buffer we filled last time; this gives
        // us a fresh one in that case instead of overwriting a frame it has not read yet.
        // SAFETY: `self.frame` is a live AVFrame with its format and size set.
        let status = unsafe { ffi::av_frame_make_writable(self.frame.as_mut_ptr()) };
        if status < 0 {
            return Err(self.encode_error("allocating a frame buffer", status.into()));
        }
        let plane_widths = [
            self.width as usize,
            self.width as usize / 2,
            self.width as usize / 2,
        ];
        for (index, (source, row_width)) in [frame.y(), frame.u(), frame.v()]
            .into_iter()
            .zip(plane_widths)
            .enumerate()
        {
            let stride = self.frame.stride(index);
            let target = self.frame.data_mut(index);
            for (source_row, target_row) in source
                .chunks_exact(row_width)
                .zip(target.chunks_mut(stride))
            {
                target_row[..row_width].copy_from_slice(source_row);
            }
        }
        let pts = i64::try_from(self.frames).expect("should count fewer than 2^63 frames");
        self.frame.set_pts(Some(pts));
        self.encoder
            .send_frame(&self.frame)
            .map_err(|source| self.encode_error("sending a frame to libx264", source))?;
        self.frames += 1;
        self.write_ready_packets()
    }

    /// Flushes the encoder, writes the container trailer (and, for mp4, moves the index to the
    /// front), and closes the file.
    pub fn finish(mut self) -> Result<EncodeSummary, MediaError> {
        self.encoder
            .send_eof()
            .map_err(|source| self.encode_error("flushing libx264", source))?;
        self.write_ready_packets()?;
        self.output
            .write_trailer()
            .map_err(|source| self.encode_error("writing the container trailer", source))?;
        // Close the file here rather than on drop, where ffmpeg-next discards the result: the
        // final flush is where a full disk shows up.
        // SAFETY: the output context is live and owns `pb`; avio_closep nulls it, so the drop
        // that follows sees no file to close.
        let status = unsafe { ffi::avio_closep(&mut (*self.output.as_mut_ptr()).pb) };
        if status < 0 {
            return Err(self.encode_error("closing the file", status.into()));
        }
        Ok(EncodeSummary {
            frames: self.frames,
        })
    }

    /// Moves every packet the encoder has ready into the muxer.
    fn write_ready_packets(&mut self) -> Result<(), MediaError> {
        loop {
            match self.encoder.receive_packet(&mut self.packet) {
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => {
                    return Ok(());
                }
                Err(source) => {
                    return Err(self.encode_error("receiving a packet from libx264", source));
                }
            }
            // Every frame lasts exactly one tick of the encoder time base. Saying so keeps the
            // last frame's duration, and with it the file's duration, exact.
            if self.packet.duration() == 0 {
                self.packet.set_duration(1);
            }
            self.packet.set_stream(self.stream_index);
            self.packet
                .rescale_ts(self.encoder_time_base, self.stream_time_base);
            self.packet
                .write_interleaved(&mut self.output)
                .map_err(|source| self.encode_error("writing a packet", source))?;
        }
    }

    fn encode_error(&self, what: &'static str, source: ffmpeg::Error) -> MediaError {
        MediaError::Encode {
            path: self.path.clone(),
            what,
            source,
        }
    }
}

/// Checks the settings and returns the frame rate as a rational.
fn validate(path: &Path, settings: &EncoderSettings) -> Result<Rational, MediaError> {
    let invalid = |reason: String| MediaError::InvalidSettings {
        path: path.to_path_buf(),
        reason,
    };
    if let Some(reason) = unusable_path_reason(path) {
        return Err(invalid(reason.to_owned()));
    }
    let EncoderSettings {
        width,
        height,
        fps_num,
        fps_den,
        ..
    } = *settings;
    if width == 0 || height == 0 || width % 2 != 0 || height % 2 != 0 {
        return Err(invalid(format!(
            "frame size {width}x{height}: H.264 4:2:0 needs even, non-zero dimensions"
        )));
    }
    let fps_num = i32::try_from(fps_num).ok().filter(|&n| n > 0);
    let fps_den = i32::try_from(fps_den).ok().filter(|&d| d > 0);
    let (Some(num), Some(den)) = (fps_num, fps_den) else {
        return Err(invalid(format!(
            "frame rate {}/{} must have a positive numerator and denominator below 2^31",
            settings.fps_num, settings.fps_den
        )));
    };
    if settings.crf > 51 {
        return Err(invalid(format!(
            "crf {} is above x264's maximum of 51",
            settings.crf
        )));
    }
    Ok(Rational::new(num, den))
}

/// Opens the output file, choosing the container from the extension.
fn open_output(path: &Path) -> Result<format::context::Output, MediaError> {
    let c_path = CString::new(path.to_str().expect("should be checked by `validate`"))
        .expect("should be checked by `validate`");
    // SAFETY: `c_path` is a valid C string; the other arguments may be null.
    let guessed = unsafe { ffi::av_guess_format(ptr::null(), c_path.as_ptr(), ptr::null()) };
    if guessed.is_null() {
        return Err(MediaError::UnknownContainer {
            path: path.to_path_buf(),
        });
    }
    format::output(path).map_err(|source| MediaError::Encode {
        path: path.to_path_buf(),
        what: "creating the file",
        source,
    })
}

/// Whether the muxer is the QuickTime/ISO BMFF one, which takes `movflags`.
fn is_mov_family(output: &format::context::Output) -> bool {
    let format = output.format();
    format
        .name()
        .split(',')
        .any(|n| matches!(n, "mp4" | "mov" | "ipod" | "ismv" | "3gp" | "3g2"))
}

#[cfg(test)]
mod tests;
