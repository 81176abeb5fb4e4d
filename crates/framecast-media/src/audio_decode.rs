//! The one audio decode loop in framecast: a file's best audio stream, decoded and run through a
//! libavfilter chain that ends in packed f32 samples. The soundtrack mix gives it a chain that
//! trims, time-stretches and resamples a clip to 48 kHz stereo; [`AudioStreamReader`] gives it
//! one that only mixes down, for callers that judge a finished file's audio (the regression
//! harness).

use std::path::Path;

use ffmpeg_next::{self as ffmpeg, ChannelLayout, Rational, codec, filter, format, frame, media};

use crate::error::MediaError;
use crate::ffmpeg_setup::{init_ffmpeg, unusable_path_reason};

/// The channels [`AudioStreamReader`] delivers, interleaved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleLayout {
    Mono,
    Stereo,
}

impl SampleLayout {
    fn channels(self) -> usize {
        match self {
            SampleLayout::Mono => 1,
            SampleLayout::Stereo => 2,
        }
    }

    fn name(self) -> &'static str {
        match self {
            SampleLayout::Mono => "mono",
            SampleLayout::Stereo => "stereo",
        }
    }
}

/// A file's best audio stream, open and ready to be read as packed f32 samples at the stream's
/// own sample rate, mixed to a [`SampleLayout`] by FFmpeg's resampler.
pub struct AudioStreamReader {
    decode: FilteredAudio,
    path: std::path::PathBuf,
    sample_rate: u32,
}

impl AudioStreamReader {
    /// Opens `path`; `None` when it has no audio stream.
    pub fn open(path: &Path, layout: SampleLayout) -> Result<Option<Self>, MediaError> {
        let chain =
            |_source_channels| format!("aformat=sample_fmts=flt:channel_layouts={}", layout.name());
        let opened = FilteredAudio::open(path, chain, layout.channels())
            .map_err(|failure| failure.into_media_error(path))?;
        Ok(opened.map(|decode| AudioStreamReader {
            sample_rate: decode.source_rate,
            decode,
            path: path.to_path_buf(),
        }))
    }

    /// Samples per second per channel.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Decodes the whole stream, handing each run of interleaved samples to `each` in order.
    pub fn read_all(self, each: impl FnMut(&[f32])) -> Result<(), MediaError> {
        let path = self.path;
        self.decode
            .run(each)
            .map_err(|failure| failure.into_media_error(&path))
    }
}

/// Why decoding a file's audio failed, before the caller says whose file it was.
#[derive(Debug)]
pub(crate) enum AudioFailure {
    UnusablePath(&'static str),
    Open(ffmpeg::Error),
    Decoder(ffmpeg::Error),
    Filter(ffmpeg::Error),
}

impl AudioFailure {
    /// What went wrong, said of a media element's source file ("cannot open it: ...").
    pub(crate) fn reason(&self) -> String {
        match self {
            AudioFailure::UnusablePath(reason) => reason.to_string(),
            AudioFailure::Open(error) => format!("cannot open it: {error}"),
            AudioFailure::Decoder(error) => format!("cannot decode its audio: {error}"),
            AudioFailure::Filter(error) => format!("cannot filter its audio: {error}"),
        }
    }

    fn into_media_error(self, path: &Path) -> MediaError {
        let decode = |what, source| MediaError::Decode {
            path: path.to_path_buf(),
            what,
            source,
        };
        match self {
            AudioFailure::UnusablePath(reason) => MediaError::UnusablePath {
                path: path.to_path_buf(),
                reason,
            },
            AudioFailure::Open(source) => decode("opening the file", source),
            AudioFailure::Decoder(source) => decode("opening the audio decoder", source),
            AudioFailure::Filter(source) => decode("decoding the audio", source),
        }
    }
}

/// The best audio stream of a file, its decoder and the filter graph its frames go through.
pub(crate) struct FilteredAudio {
    input: format::context::Input,
    stream_index: usize,
    decoder: ffmpeg::decoder::Audio,
    /// The layout given to frames that do not say (the decoder's, or the default for its
    /// channel count).
    layout: ChannelLayout,
    graph: filter::Graph,
    /// Interleaved channels of the chain's output.
    channels: usize,
    /// The stream's own sample rate (the chain may change it).
    pub(crate) source_rate: u32,
}

impl FilteredAudio {
    /// Opens the best audio stream of `path` and builds the filter chain `chain` writes for the
    /// stream's channel count, which must end in packed f32 with `channels` channels; `None`
    /// when the file has no audio stream.
    pub(crate) fn open(
        path: &Path,
        chain: impl FnOnce(usize) -> String,
        channels: usize,
    ) -> Result<Option<Self>, AudioFailure> {
        init_ffmpeg();
        if let Some(reason) = unusable_path_reason(path) {
            return Err(AudioFailure::UnusablePath(reason));
        }
        let input = format::input(path).map_err(AudioFailure::Open)?;
        let Some((stream_index, time_base, parameters)) = input
            .streams()
            .best(media::Type::Audio)
            .map(|stream| (stream.index(), stream.time_base(), stream.parameters()))
        else {
            return Ok(None);
        };
        let decoder = codec::context::Context::from_parameters(parameters)
            .and_then(|context| context.decoder().audio())
            .map_err(AudioFailure::Decoder)?;
        let layout = match decoder.channel_layout() {
            layout if layout.bits() != 0 => layout,
            _ => ChannelLayout::default(i32::from(decoder.channels())),
        };
        let chain = chain(usize::from(decoder.channels()));
        let graph =
            filter_graph(&decoder, layout, time_base, &chain).map_err(AudioFailure::Filter)?;
        Ok(Some(FilteredAudio {
            input,
            stream_index,
            source_rate: decoder.rate(),
            decoder,
            layout,
            graph,
            channels,
        }))
    }

    /// Decodes every packet of the stream through the chain, handing each filtered frame's
    /// samples to `each`. A damaged packet is skipped (it loses a few milliseconds, as a
    /// browser would) rather than failing the whole file.
    pub(crate) fn run(mut self, mut each: impl FnMut(&[f32])) -> Result<(), AudioFailure> {
        let mut pump = Pump {
            decoded: frame::Audio::empty(),
            filtered: frame::Audio::empty(),
            samples: Vec::new(),
            layout: self.layout,
            channels: self.channels,
        };
        for (stream, packet) in self.input.packets() {
            if stream.index() != self.stream_index {
                continue;
            }
            if self.decoder.send_packet(&packet).is_err() {
                continue;
            }
            pump.feed(&mut self.decoder, &mut self.graph, &mut each)
                .map_err(AudioFailure::Filter)?;
        }
        let _ = self.decoder.send_eof();
        pump.feed(&mut self.decoder, &mut self.graph, &mut each)
            .map_err(AudioFailure::Filter)?;
        self.graph
            .get("in")
            .expect("the source was added when the graph was built")
            .source()
            .flush()
            .map_err(AudioFailure::Filter)?;
        pump.pull(&mut self.graph, &mut each);
        Ok(())
    }
}

/// `abuffer` → `chain` → `abuffersink`, with the source described as the decoder delivers.
fn filter_graph(
    decoder: &ffmpeg::decoder::Audio,
    layout: ChannelLayout,
    time_base: Rational,
    chain: &str,
) -> Result<filter::Graph, ffmpeg::Error> {
    let arguments = format!(
        "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
        time_base.numerator(),
        time_base.denominator(),
        decoder.rate(),
        decoder.format().name(),
        layout.bits()
    );
    let mut graph = filter::Graph::new();
    graph.add(
        &filter::find("abuffer").expect("FFmpeg should have abuffer"),
        "in",
        &arguments,
    )?;
    graph.add(
        &filter::find("abuffersink").expect("FFmpeg should have abuffersink"),
        "out",
        "",
    )?;
    graph
        .output("in", 0)
        .and_then(|parser| parser.input("out", 0))
        .and_then(|parser| parser.parse(chain))?;
    graph.validate()?;
    Ok(graph)
}

/// Moves frames from the decoder into the graph and filtered samples out of it.
struct Pump {
    decoded: frame::Audio,
    filtered: frame::Audio,
    /// The filtered frame's samples as f32, reused from frame to frame.
    samples: Vec<f32>,
    layout: ChannelLayout,
    channels: usize,
}

impl Pump {
    /// Sends every frame the decoder has ready through the graph.
    fn feed(
        &mut self,
        decoder: &mut ffmpeg::decoder::Audio,
        graph: &mut filter::Graph,
        each: &mut impl FnMut(&[f32]),
    ) -> Result<(), ffmpeg::Error> {
        while decoder.receive_frame(&mut self.decoded).is_ok() {
            if self.decoded.channel_layout().bits() == 0 {
                self.decoded.set_channel_layout(self.layout);
            }
            let timestamp = self.decoded.timestamp();
            self.decoded.set_pts(timestamp);
            graph
                .get("in")
                .expect("the source was added when the graph was built")
                .source()
                .add(&self.decoded)?;
            self.pull(graph, each);
        }
        Ok(())
    }

    /// Hands every frame the graph has ready to `each`.
    fn pull(&mut self, graph: &mut filter::Graph, each: &mut impl FnMut(&[f32])) {
        let mut sink = graph
            .get("out")
            .expect("the sink was added when the graph was built");
        while sink.sink().frame(&mut self.filtered).is_ok() {
            let count = self.filtered.samples() * self.channels;
            let bytes = &self.filtered.data(0)[..count * 4];
            self.samples.clear();
            self.samples.extend(
                bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_ne_bytes([b[0], b[1], b[2], b[3]])),
            );
            each(&self.samples);
        }
    }
}

#[cfg(test)]
mod tests;
