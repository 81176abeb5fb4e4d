//! The composition's soundtrack: every audible `<audio>`/`<video>` decoded with FFmpeg (through
//! the crate's one audio decode loop, `audio_decode`), trimmed, time-stretched (libavfilter's
//! `atempo`, which keeps the pitch as a browser does), resampled to 48 kHz stereo (a mono source
//! copied to both channels at its own level), placed at its start time with its gain, looped if
//! asked, and summed. The gain is `data-volume`, or, where the page animates the element's
//! `volume`, an envelope sampled from the page at every frame and interpolated per audio sample.
//!
//! The mix is a plain sum: no normalisation, so a tone at volume 0.25 comes out at exactly a
//! quarter of its level. Only when the sum goes above full scale does a limiter turn the gain
//! down around those peaks (5 ms attack, 100 ms release); everything else passes untouched.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::audio_decode::FilteredAudio;
use crate::error::MediaError;

/// The mix's sample rate.
pub const AUDIO_RATE: u32 = 48_000;
/// The mix's channel count (stereo, interleaved left/right).
pub const AUDIO_CHANNELS: usize = 2;

/// A finished mix: interleaved stereo f32 at [`AUDIO_RATE`], exactly as long as the video.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioTrack {
    samples: Arc<Vec<f32>>,
}

impl AudioTrack {
    pub fn new(samples: Vec<f32>) -> Self {
        assert_eq!(
            samples.len() % AUDIO_CHANNELS,
            0,
            "samples must be stereo pairs"
        );
        AudioTrack {
            samples: Arc::new(samples),
        }
    }

    /// Interleaved left/right samples.
    pub fn samples(&self) -> &[f32] {
        &self.samples
    }

    /// Stereo sample frames.
    pub fn frames(&self) -> usize {
        self.samples.len() / AUDIO_CHANNELS
    }
}

/// One audible element, with its timing resolved to seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioClip {
    /// How the element is named in errors, e.g. `<audio id="music">`.
    pub element: String,
    pub path: PathBuf,
    /// `data-start`: where in the composition it starts.
    pub start: f64,
    /// `data-media-start`: where in the file it starts.
    pub media_start: f64,
    /// `data-duration`: how long it plays in the composition (to the file's end if absent).
    pub duration: Option<f64>,
    /// `data-volume` (1.0 when absent).
    pub volume: f32,
    /// `data-playback-rate` (1.0 when absent).
    pub rate: f64,
    /// `loop`: the media from `media_start` to its end repeats until `duration` is over.
    pub looped: bool,
    /// The element's volume over composition time when the page animates it (a GSAP tween of
    /// `volume`, sampled from the page); it replaces `volume` wherever it is given.
    pub envelope: Option<VolumeEnvelope>,
}

impl AudioClip {
    /// Whether any of the clip can be heard at all.
    fn audible(&self) -> bool {
        let gain = match &self.envelope {
            Some(envelope) => envelope.peak(),
            None => self.volume,
        };
        gain > 0.0 && self.duration.is_none_or(|d| d > 0.0)
    }
}

/// A gain that changes over composition time: samples at increasing times, linearly
/// interpolated between them and held before the first and after the last.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeEnvelope {
    times: Vec<f64>,
    gains: Vec<f32>,
}

impl VolumeEnvelope {
    /// `None` unless `times` and `gains` are as long as each other, not empty, and the times
    /// increase.
    pub fn new(times: Vec<f64>, gains: Vec<f32>) -> Option<VolumeEnvelope> {
        let increasing = times.windows(2).all(|pair| pair[0] < pair[1]);
        (!times.is_empty() && times.len() == gains.len() && increasing)
            .then_some(VolumeEnvelope { times, gains })
    }

    /// The loudest gain anywhere.
    pub fn peak(&self) -> f32 {
        self.gains.iter().fold(0.0f32, |peak, gain| peak.max(*gain))
    }

    /// The gain at `t` seconds.
    pub fn at(&self, t: f64) -> f32 {
        let after = self.times.partition_point(|time| *time <= t);
        if after == 0 {
            return self.gains[0];
        }
        if after == self.times.len() {
            return self.gains[after - 1];
        }
        let (t0, t1) = (self.times[after - 1], self.times[after]);
        let (g0, g1) = (self.gains[after - 1], self.gains[after]);
        let fraction = ((t - t0) / (t1 - t0)) as f32;
        g0 + (g1 - g0) * fraction
    }
}

/// The number of 48 kHz sample frames in `frames` video frames at `fps_num/fps_den`.
pub fn audio_frames_for_video(frames: u64, fps_num: u32, fps_den: u32) -> usize {
    let numerator = u128::from(frames) * u128::from(AUDIO_RATE) * u128::from(fps_den);
    (numerator / u128::from(fps_num.max(1))) as usize
}

/// Mixes `clips` into a track of `total_frames` sample frames; `None` when nothing is audible.
pub fn mix_audio(
    clips: &[AudioClip],
    total_frames: usize,
) -> Result<Option<AudioTrack>, MediaError> {
    let audible: Vec<&AudioClip> = clips.iter().filter(|clip| clip.audible()).collect();
    if audible.is_empty() {
        return Ok(None);
    }
    let mut mix = vec![0.0f32; total_frames * AUDIO_CHANNELS];
    let mut heard = false;
    for clip in audible {
        let segment = decode_segment(clip)?;
        heard |= place(clip, &segment, &mut mix);
    }
    if !heard {
        return Ok(None);
    }
    limit_above_full_scale(&mut mix);
    Ok(Some(AudioTrack::new(mix)))
}

/// A silent track of `total_frames` sample frames (for `--audio silence`).
pub fn silent_track(total_frames: usize) -> AudioTrack {
    AudioTrack::new(vec![0.0; total_frames * AUDIO_CHANNELS])
}

/// Adds one clip's segment into the mix; says whether any of it landed inside the video.
fn place(clip: &AudioClip, segment: &[f32], mix: &mut [f32]) -> bool {
    let total = mix.len() / AUDIO_CHANNELS;
    let length = segment.len() / AUDIO_CHANNELS;
    if length == 0 {
        return false;
    }
    let rate = f64::from(AUDIO_RATE);
    let first = (clip.start.max(0.0) * rate).round() as usize;
    // A clip that starts before 0 s begins part-way into its media.
    let skipped = ((-clip.start).max(0.0) * rate).round() as usize;
    let end = match clip.duration {
        Some(duration) => ((clip.start + duration) * rate).round().max(0.0) as usize,
        None if clip.looped => total,
        None => first + length.saturating_sub(skipped),
    }
    .min(total);
    let mut placed = false;
    for n in first..end {
        let mut index = n - first + skipped;
        if clip.looped {
            index %= length;
        } else if index >= length {
            break;
        }
        let gain = match &clip.envelope {
            Some(envelope) => envelope.at(n as f64 / rate),
            None => clip.volume,
        };
        mix[n * 2] += segment[index * 2] * gain;
        mix[n * 2 + 1] += segment[index * 2 + 1] * gain;
        placed = true;
    }
    placed
}

/// Turns the gain down only around samples above full scale: each over gets exactly the gain
/// that brings it to full scale, ramped in over 5 ms before and out over 100 ms after.
fn limit_above_full_scale(mix: &mut [f32]) {
    let peak = mix
        .iter()
        .fold(0.0f32, |peak, sample| peak.max(sample.abs()));
    if peak <= 1.0 {
        return;
    }
    let frames = mix.len() / AUDIO_CHANNELS;
    let mut gain: Vec<f32> = mix
        .chunks_exact(AUDIO_CHANNELS)
        .map(|pair| {
            let level = pair[0].abs().max(pair[1].abs());
            if level > 1.0 { 1.0 / level } else { 1.0 }
        })
        .collect();
    let attack = 1.0 / (f64::from(AUDIO_RATE) * 0.005) as f32;
    let release = 1.0 / (f64::from(AUDIO_RATE) * 0.1) as f32;
    for i in (0..frames.saturating_sub(1)).rev() {
        gain[i] = gain[i].min(gain[i + 1] + attack);
    }
    for i in 1..frames {
        gain[i] = gain[i].min(gain[i - 1] + release);
    }
    for (pair, gain) in mix.chunks_exact_mut(AUDIO_CHANNELS).zip(gain) {
        pair[0] = (pair[0] * gain).clamp(-1.0, 1.0);
        pair[1] = (pair[1] * gain).clamp(-1.0, 1.0);
    }
}

/// Decodes the part of the clip's file it plays (from `media_start`; to the end when looping),
/// at its playback rate, as 48 kHz stereo.
fn decode_segment(clip: &AudioClip) -> Result<Vec<f32>, MediaError> {
    let source_error = |reason: String| MediaError::Source {
        element: clip.element.clone(),
        path: clip.path.clone(),
        reason,
    };
    let tempo = tempo_chain(clip.rate).map_err(source_error)?;
    let chain = |source_channels| segment_chain(clip, &tempo, source_channels);
    let decode = FilteredAudio::open(&clip.path, chain, AUDIO_CHANNELS)
        .map_err(|failure| source_error(failure.reason()))?
        .ok_or_else(|| source_error("it has no audio stream".to_string()))?;
    let mut samples = Vec::new();
    decode
        .run(|filtered| samples.extend_from_slice(filtered))
        .map_err(|failure| source_error(failure.reason()))?;
    Ok(samples)
}

/// The filter chain that cuts the clip's segment out of its file, plays it at its rate (`tempo`,
/// from [`tempo_chain`]) and resamples it to the mix's format.
fn segment_chain(clip: &AudioClip, tempo: &str, source_channels: usize) -> String {
    let mut chain = format!("atrim=start={:.9}", clip.media_start.max(0.0));
    if let (false, Some(duration)) = (clip.looped, clip.duration) {
        chain.push_str(&format!(
            ":end={:.9}",
            clip.media_start.max(0.0) + duration * clip.rate + 0.05
        ));
    }
    chain.push_str(",asetpts=PTS-STARTPTS");
    chain.push_str(tempo);
    // A mono source is heard at its own level in both channels, as HyperFrames mixes it and a
    // browser plays it. FFmpeg's resampler would spread it over the two at -3 dB each.
    if source_channels == 1 {
        chain.push_str(",pan=stereo|c0=c0|c1=c0");
    }
    chain.push_str(&format!(
        ",aresample={AUDIO_RATE},aformat=sample_fmts=flt:channel_layouts=stereo"
    ));
    chain
}

/// The `atempo` filters (each after a comma) that play a clip at `rate` without changing its
/// pitch; an error when the rate is not a positive number.
fn tempo_chain(mut rate: f64) -> Result<String, String> {
    if !(rate.is_finite() && rate > 0.0) {
        return Err(format!(
            "data-playback-rate {rate} must be a positive number"
        ));
    }
    let mut chain = String::new();
    // atempo takes 0.5 to 100 per instance; slower rates are a chain of halvings.
    while rate < 0.5 {
        chain.push_str(",atempo=0.5");
        rate /= 0.5;
    }
    if (rate - 1.0).abs() > 1e-9 {
        chain.push_str(&format!(",atempo={rate:.9}"));
    }
    Ok(chain)
}

/// Writes the track as a 16-bit PCM WAV file.
pub fn write_wav(path: &Path, track: &AudioTrack) -> std::io::Result<()> {
    let data_len = (track.samples().len() * 2) as u32;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    out.write_all(b"RIFF")?;
    out.write_all(&(36 + data_len).to_le_bytes())?;
    out.write_all(b"WAVEfmt ")?;
    out.write_all(&16u32.to_le_bytes())?;
    out.write_all(&1u16.to_le_bytes())?;
    out.write_all(&(AUDIO_CHANNELS as u16).to_le_bytes())?;
    out.write_all(&AUDIO_RATE.to_le_bytes())?;
    out.write_all(&(AUDIO_RATE * AUDIO_CHANNELS as u32 * 2).to_le_bytes())?;
    out.write_all(&((AUDIO_CHANNELS * 2) as u16).to_le_bytes())?;
    out.write_all(&16u16.to_le_bytes())?;
    out.write_all(b"data")?;
    out.write_all(&data_len.to_le_bytes())?;
    for sample in track.samples() {
        let value = (sample.clamp(-1.0, 1.0) * 32767.0).round() as i16;
        out.write_all(&value.to_le_bytes())?;
    }
    out.into_inner()
        .map_err(|error| error.into_error())?
        .sync_all()
}

#[cfg(test)]
mod tests;
