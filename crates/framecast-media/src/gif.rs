//! GIF output: one palette for the whole video (libavfilter's `palettegen` over every frame),
//! then Floyd-Steinberg dithering against it (`paletteuse`), encoded with FFmpeg's GIF encoder.
//!
//! The palette needs every frame before the first can be encoded, so frames are spilled to a
//! raw RGBA file beside the output while they arrive and read back twice at the end: memory
//! stays at a frame or two whatever the length of the video.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use ffmpeg_next::{self as ffmpeg, Dictionary, Packet, Rational, codec, filter, format, frame};

use crate::error::MediaError;
use crate::ffmpeg_setup::{init_ffmpeg, unusable_path_reason};
use crate::frame::InputFrame;
use crate::scale::{copy_rows_in, video_frame_to_rgba};
use crate::settings::{GifLoop, OutputSettings, OutputSummary};

pub(crate) struct GifWriter {
    path: PathBuf,
    spill_path: PathBuf,
    spill: Option<BufWriter<File>>,
    width: u32,
    height: u32,
    fps: Rational,
    gif_loop: GifLoop,
    frames: u64,
}

impl GifWriter {
    pub(crate) fn create(path: &Path, settings: &OutputSettings) -> Result<Self, MediaError> {
        init_ffmpeg();
        if let Some(reason) = unusable_path_reason(path) {
            return Err(MediaError::UnusablePath {
                path: path.to_path_buf(),
                reason,
            });
        }
        let spill_path = path.with_extension("frames.partial");
        let spill = File::create(&spill_path).map_err(|source| MediaError::Io {
            path: spill_path.clone(),
            source,
        })?;
        Ok(GifWriter {
            path: path.to_path_buf(),
            spill_path,
            spill: Some(BufWriter::new(spill)),
            width: settings.width,
            height: settings.height,
            fps: Rational::new(settings.fps_num as i32, settings.fps_den as i32),
            gif_loop: settings.gif_loop,
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
        let converted;
        let rgba = match input {
            InputFrame::Rgba(rgba) => &rgba.data,
            InputFrame::Yuv420(yuv) => {
                let mut source = frame::Video::new(format::Pixel::YUV420P, width, height);
                copy_rows_in(yuv.y(), width as usize, &mut source, 0);
                copy_rows_in(yuv.u(), width as usize / 2, &mut source, 1);
                copy_rows_in(yuv.v(), width as usize / 2, &mut source, 2);
                converted = video_frame_to_rgba(&source).map_err(|source| MediaError::Encode {
                    path: self.path.clone(),
                    what: "converting a frame",
                    source,
                })?;
                &converted.data
            }
        };
        let spill = self.spill.as_mut().expect("should be open until finish");
        spill.write_all(rgba).map_err(|source| MediaError::Io {
            path: self.spill_path.clone(),
            source,
        })?;
        self.frames += 1;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<OutputSummary, MediaError> {
        let spill = self.spill.take().expect("should be open until finish");
        spill
            .into_inner()
            .map_err(|error| error.into_error())
            .map_err(|source| MediaError::Io {
                path: self.spill_path.clone(),
                source,
            })?;
        let encode_error = |what| {
            let path = self.path.clone();
            move |source| MediaError::Encode { path, what, source }
        };
        let palette = self
            .build_palette()
            .map_err(encode_error("building the GIF palette"))?;
        self.encode_with(&palette)
            .map_err(encode_error("encoding the GIF"))?;
        Ok(OutputSummary {
            frames: self.frames,
            audio: false,
            path: self.path.clone(),
        })
    }

    fn buffer_arguments(&self) -> String {
        format!(
            "video_size={}x{}:pix_fmt=rgba:time_base={}/{}:pixel_aspect=1/1",
            self.width,
            self.height,
            self.fps.denominator(),
            self.fps.numerator()
        )
    }

    /// Runs every spilled frame through `palettegen` and returns its 16x16 palette image.
    fn build_palette(&self) -> Result<frame::Video, ffmpeg::Error> {
        let mut graph = filter::Graph::new();
        graph.add(&find("buffer"), "in", &self.buffer_arguments())?;
        graph.add(&find("buffersink"), "out", "")?;
        graph
            .output("in", 0)?
            .input("out", 0)?
            .parse("palettegen=stats_mode=full:reserve_transparent=0")?;
        graph.validate()?;
        self.for_each_frame(|frame| graph.get("in").expect("added").source().add(frame))?;
        graph.get("in").expect("added").source().flush()?;
        let mut palette = frame::Video::empty();
        graph
            .get("out")
            .expect("added")
            .sink()
            .frame(&mut palette)?;
        Ok(palette)
    }

    /// Dithers every spilled frame against the palette and writes the GIF.
    fn encode_with(&self, palette: &frame::Video) -> Result<(), ffmpeg::Error> {
        let mut graph = self.dither_graph(palette)?;
        let mut gif = self.open_gif_output()?;

        let mut palette_frame = palette.clone();
        palette_frame.set_pts(Some(0));
        graph
            .get("palette")
            .expect("added")
            .source()
            .add(&palette_frame)?;
        graph.get("palette").expect("added").source().flush()?;

        let mut indexed = frame::Video::empty();
        let mut write =
            |graph: &mut filter::Graph, gif: &mut GifOutput| -> Result<(), ffmpeg::Error> {
                while graph
                    .get("out")
                    .expect("added")
                    .sink()
                    .frame(&mut indexed)
                    .is_ok()
                {
                    gif.encoder.send_frame(&indexed)?;
                    gif.receive()?;
                }
                Ok(())
            };
        self.for_each_frame(|frame| {
            graph.get("in").expect("added").source().add(frame)?;
            write(&mut graph, &mut gif)
        })?;
        graph.get("in").expect("added").source().flush()?;
        write(&mut graph, &mut gif)?;
        gif.encoder.send_eof()?;
        gif.receive()?;
        gif.output.write_trailer()?;
        Ok(())
    }

    /// The `paletteuse` graph: spilled frames into `in`, the palette image into `palette`,
    /// indexed frames out of `out`.
    fn dither_graph(&self, palette: &frame::Video) -> Result<filter::Graph, ffmpeg::Error> {
        let mut graph = filter::Graph::new();
        graph.add(&find("buffer"), "in", &self.buffer_arguments())?;
        let palette_format = palette
            .format()
            .descriptor()
            .map(|descriptor| descriptor.name())
            .unwrap_or("bgra");
        graph.add(
            &find("buffer"),
            "palette",
            &format!(
                "video_size={}x{}:pix_fmt={palette_format}:time_base={}/{}:pixel_aspect=1/1",
                palette.width(),
                palette.height(),
                self.fps.denominator(),
                self.fps.numerator()
            ),
        )?;
        graph.add(&find("buffersink"), "out", "")?;
        graph
            .output("in", 0)?
            .output("palette", 0)?
            .input("out", 0)?
            .parse("[in][palette]paletteuse=dither=floyd_steinberg")?;
        graph.validate()?;
        Ok(graph)
    }

    /// Opens the GIF muxer and encoder and writes the header with the loop count.
    fn open_gif_output(&self) -> Result<GifOutput, ffmpeg::Error> {
        let mut output = format::output_as(&self.path, "gif")?;
        let codec = ffmpeg::encoder::find(codec::Id::GIF).ok_or(ffmpeg::Error::EncoderNotFound)?;
        let mut config = codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()?;
        config.set_width(self.width);
        config.set_height(self.height);
        config.set_format(format::Pixel::PAL8);
        config.set_time_base(self.fps.invert());
        let encoder = config.open_with(Dictionary::new())?;
        let index = {
            let mut stream = output.add_stream(codec)?;
            stream.set_parameters(&encoder);
            stream.set_time_base(self.fps.invert());
            stream.index()
        };
        let mut options = Dictionary::new();
        let repeats = match self.gif_loop {
            GifLoop::Forever => 0,
            GifLoop::Repeat(0) => -1,
            GifLoop::Repeat(count) => i32::from(count),
        };
        options.set("loop", &repeats.to_string());
        output.write_header_with(options)?;
        let stream_time_base = output.stream(index).expect("added").time_base();
        Ok(GifOutput {
            output,
            encoder,
            packet: Packet::empty(),
            index,
            time_base: self.fps.invert(),
            stream_time_base,
        })
    }

    /// Reads the spilled frames back in order, as RGBA frames with their index as pts.
    fn for_each_frame(
        &self,
        mut each: impl FnMut(&frame::Video) -> Result<(), ffmpeg::Error>,
    ) -> Result<(), ffmpeg::Error> {
        let file = File::open(&self.spill_path)
            .map_err(|error| ffmpeg::Error::from(-error.raw_os_error().unwrap_or(libc_eio())))?;
        let mut reader = BufReader::new(file);
        let row = self.width as usize * 4;
        let mut buffer = vec![0u8; row * self.height as usize];
        for index in 0..self.frames {
            // The buffer source takes the frame's buffers, so each frame needs its own.
            let mut frame = frame::Video::new(format::Pixel::RGBA, self.width, self.height);
            reader.read_exact(&mut buffer).map_err(|error| {
                ffmpeg::Error::from(-error.raw_os_error().unwrap_or(libc_eio()))
            })?;
            copy_rows_in(&buffer, row, &mut frame, 0);
            frame.set_pts(Some(index as i64));
            each(&frame)?;
        }
        Ok(())
    }
}

impl Drop for GifWriter {
    fn drop(&mut self) {
        self.spill.take();
        let _ = std::fs::remove_file(&self.spill_path);
    }
}

fn libc_eio() -> i32 {
    5
}

fn find(name: &str) -> filter::Filter {
    filter::find(name).unwrap_or_else(|| panic!("FFmpeg's libavfilter should have {name}"))
}

/// The GIF muxer and encoder while frames are written.
struct GifOutput {
    output: format::context::Output,
    encoder: ffmpeg::encoder::Video,
    packet: Packet,
    index: usize,
    time_base: Rational,
    stream_time_base: Rational,
}

impl GifOutput {
    /// Moves every packet the encoder has ready into the muxer.
    fn receive(&mut self) -> Result<(), ffmpeg::Error> {
        let packet = &mut self.packet;
        loop {
            match self.encoder.receive_packet(packet) {
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => {
                    return Ok(());
                }
                Err(error) => return Err(error),
            }
            if packet.duration() == 0 {
                packet.set_duration(1);
            }
            packet.set_stream(self.index);
            packet.rescale_ts(self.time_base, self.stream_time_base);
            packet.write_interleaved(&mut self.output)?;
        }
    }
}
