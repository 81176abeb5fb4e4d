//! Audio comparison: decode a file's audio to mono, take its RMS envelope in 32 ms windows
//! (HyperFrames' 512 samples at 16 kHz), and correlate the envelopes of golden and render over a
//! small lag search. Envelopes rather than samples, because an AAC encoder may shift and
//! reshape the waveform without changing what a listener hears.

use std::path::Path;

use framecast_media::{AudioStreamReader, MediaError, SampleLayout};

/// The envelope window, in seconds: 512 samples at 16 kHz.
pub const WINDOW_SECONDS: f64 = 512.0 / 16_000.0;

/// A file's audio, reduced to what the comparison needs.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioEnvelope {
    pub sample_rate: u32,
    /// RMS of the mono mix in each consecutive window.
    pub rms: Vec<f64>,
}

/// The RMS envelope of the best audio stream in `path`, or `None` if it has no audio stream.
/// The mono mix is FFmpeg's downmix at the stream's own rate, decoded by `framecast-media`.
pub fn decode_envelope(path: &Path) -> Result<Option<AudioEnvelope>, MediaError> {
    let Some(reader) = AudioStreamReader::open(path, SampleLayout::Mono)? else {
        return Ok(None);
    };
    let sample_rate = reader.sample_rate();
    let mut envelope = EnvelopeBuilder::new(window_samples(sample_rate));
    reader.read_all(|samples| envelope.push(samples))?;
    Ok(Some(AudioEnvelope {
        sample_rate,
        rms: envelope.finish(),
    }))
}

/// Samples in one envelope window at `sample_rate`.
fn window_samples(sample_rate: u32) -> usize {
    ((f64::from(sample_rate) * WINDOW_SECONDS).round() as usize).max(1)
}

/// Accumulates samples into RMS windows.
struct EnvelopeBuilder {
    window: usize,
    sum_squares: f64,
    count: usize,
    rms: Vec<f64>,
}

impl EnvelopeBuilder {
    fn new(window: usize) -> Self {
        EnvelopeBuilder {
            window,
            sum_squares: 0.0,
            count: 0,
            rms: Vec::new(),
        }
    }

    fn push(&mut self, samples: &[f32]) {
        for sample in samples {
            self.sum_squares += f64::from(*sample) * f64::from(*sample);
            self.count += 1;
            if self.count == self.window {
                self.close_window();
            }
        }
    }

    fn close_window(&mut self) {
        self.rms.push((self.sum_squares / self.count as f64).sqrt());
        self.sum_squares = 0.0;
        self.count = 0;
    }

    fn finish(mut self) -> Vec<f64> {
        if self.count > 0 {
            self.close_window();
        }
        self.rms
    }
}

/// Builds an envelope from mono samples, for tests and callers that already hold PCM.
pub fn envelope_of(samples: &[f32], sample_rate: u32) -> AudioEnvelope {
    let mut builder = EnvelopeBuilder::new(window_samples(sample_rate));
    builder.push(samples);
    AudioEnvelope {
        sample_rate,
        rms: builder.finish(),
    }
}

/// The best Pearson correlation of two envelopes over lags of at most `max_lag` windows, and
/// the lag it was found at (positive: the render is late).
pub fn best_correlation(golden: &[f64], rendered: &[f64], max_lag: u32) -> (f64, i64) {
    let max_lag = i64::from(max_lag);
    let mut best = (f64::NEG_INFINITY, 0);
    for lag in -max_lag..=max_lag {
        let correlation = correlation_at(golden, rendered, lag);
        // Prefer the smallest lag on ties, so identical tracks report lag 0.
        if correlation > best.0 + 1e-12 || (correlation >= best.0 - 1e-12 && lag.abs() < best.1) {
            best = (correlation, lag);
        }
    }
    best
}

/// Pearson correlation of `golden[i]` with `rendered[i + lag]` over the overlap. Two flat
/// envelopes (silence, or a constant tone) correlate 1 when equal, else 0.
fn correlation_at(golden: &[f64], rendered: &[f64], lag: i64) -> f64 {
    let pairs: Vec<(f64, f64)> = golden
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let j = usize::try_from(i as i64 + lag).ok()?;
            rendered.get(j).map(|r| (*g, *r))
        })
        .collect();
    if pairs.is_empty() {
        return 0.0;
    }
    let n = pairs.len() as f64;
    let mean_g = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_r = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut cov, mut var_g, mut var_r) = (0.0, 0.0, 0.0);
    for (g, r) in &pairs {
        cov += (g - mean_g) * (r - mean_r);
        var_g += (g - mean_g).powi(2);
        var_r += (r - mean_r).powi(2);
    }
    const FLAT: f64 = 1e-12;
    if var_g < FLAT || var_r < FLAT {
        let equal = var_g < FLAT && var_r < FLAT && (mean_g - mean_r).abs() < 1e-3;
        return if equal { 1.0 } else { 0.0 };
    }
    cov / (var_g.sqrt() * var_r.sqrt())
}

#[cfg(test)]
mod tests;
