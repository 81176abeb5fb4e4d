//! Judging a render against its golden: stream facts, checkpoint PSNR and audio. Plain blocking
//! code; the runner calls it off the async threads.

use std::path::Path;

use framecast_media::{DecodedVideo, decode_video_rgb};

use crate::audio::{AudioEnvelope, best_correlation, decode_envelope};
use crate::compare::{PsnrSignal, checkpoint_frames, difference_image, psnr};
use crate::outcome::{AudioCheck, Checkpoint, CheckpointImages, FixtureOutcome, Pair};
use crate::probe::check_decodable;
use crate::report::write_png;
use crate::{FixtureMeta, Status};

/// Where failing checkpoints' images go: `<report>/<id>/`, named relative to `<report>`.
#[derive(Debug, Clone, Copy)]
pub struct ImageSink<'a> {
    pub report_dir: &'a Path,
    pub id: &'a str,
}

/// Compares `rendered` with `golden` and records the verdict in `outcome` (status, frames,
/// duration, checkpoints, audio, problems).
pub fn judge(
    golden: &Path,
    rendered: &Path,
    meta: &FixtureMeta,
    images: Option<ImageSink<'_>>,
    outcome: &mut FixtureOutcome,
) {
    let decoded = check_decodable(golden, "golden")
        .and_then(|()| check_decodable(rendered, "render"))
        .and_then(|()| {
            decode_video_rgb(golden).map_err(|error| format!("cannot decode the golden: {error}"))
        })
        .and_then(|golden| {
            decode_video_rgb(rendered)
                .map(|rendered| (golden, rendered))
                .map_err(|error| format!("cannot decode the render: {error}"))
        });
    let (golden_video, rendered_video) = match decoded {
        Ok(videos) => videos,
        Err(problem) => {
            outcome.status = Status::Error;
            outcome.problems.push(problem);
            return;
        }
    };
    compare_streams(&golden_video, &rendered_video, outcome);
    if outcome.problems.is_empty() {
        let signal = psnr_signal(&meta.render.format);
        compare_frames(&golden_video, &rendered_video, signal, images, outcome);
    }
    drop((golden_video, rendered_video));
    compare_audio(golden, rendered, meta, outcome);
    if !outcome.problems.is_empty() && outcome.status == Status::Passed {
        outcome.status = Status::Failed;
    }
}

/// Luma for opaque formats, RGB for formats that can keep alpha.
fn psnr_signal(format: &str) -> PsnrSignal {
    match format {
        "mov" | "webm" | "png-sequence" => PsnrSignal::Rgb,
        _ => PsnrSignal::Luma,
    }
}

/// Size, frame count and duration must match before any pixel is compared.
fn compare_streams(golden: &DecodedVideo, rendered: &DecodedVideo, outcome: &mut FixtureOutcome) {
    let (golden_frames, rendered_frames) =
        (golden.frames.len() as u64, rendered.frames.len() as u64);
    outcome.frames = Some(Pair {
        golden: golden_frames,
        rendered: rendered_frames,
    });
    outcome.duration = Some(Pair {
        golden: golden.duration_secs,
        rendered: rendered.duration_secs,
    });
    if (golden.width, golden.height) != (rendered.width, rendered.height) {
        outcome.problems.push(format!(
            "the render is {}x{}, the golden {}x{}",
            rendered.width, rendered.height, golden.width, golden.height
        ));
    }
    if golden_frames != rendered_frames {
        outcome.problems.push(format!(
            "the render has {rendered_frames} frames, the golden {golden_frames}"
        ));
    }
    // Equal to within half a frame: container durations are rounded to the stream's time base.
    let fps = f64::from(golden.fps_num) / f64::from(golden.fps_den.max(1));
    let tolerance = if fps > 0.0 { 0.5 / fps } else { 0.001 };
    if (golden.duration_secs - rendered.duration_secs).abs() > tolerance {
        outcome.problems.push(format!(
            "the render lasts {:.3} s, the golden {:.3} s",
            rendered.duration_secs, golden.duration_secs
        ));
    }
}

fn compare_frames(
    golden: &DecodedVideo,
    rendered: &DecodedVideo,
    signal: PsnrSignal,
    images: Option<ImageSink<'_>>,
    outcome: &mut FixtureOutcome,
) {
    let fps = f64::from(golden.fps_num) / f64::from(golden.fps_den.max(1));
    for frame in checkpoint_frames(golden.frames.len() as u64) {
        let index = frame as usize;
        let (expected, actual) = (&golden.frames[index], &rendered.frames[index]);
        let value = psnr(expected, actual, signal);
        let passed = value >= outcome.min_psnr;
        let mut checkpoint = Checkpoint {
            frame,
            time: if fps > 0.0 { frame as f64 / fps } else { 0.0 },
            psnr: value.is_finite().then_some(value),
            passed,
            images: None,
        };
        if !passed && let Some(sink) = images {
            let pair = ImagePair {
                width: golden.width,
                height: golden.height,
                channels: 3,
                expected,
                actual,
            };
            match write_checkpoint_images(sink, frame, &pair) {
                Ok(written) => checkpoint.images = Some(written),
                Err(error) => tracing::warn!(%error, frame, "cannot write the report images"),
            }
        }
        outcome.checkpoints.push(checkpoint);
    }
    let criterion = format!("below {} dB", outcome.min_psnr);
    note_failed_checkpoints(outcome, &criterion);
}

/// Adds the problem line when more checkpoints failed `criterion` than the fixture allows.
fn note_failed_checkpoints(outcome: &mut FixtureOutcome, criterion: &str) {
    let failed: Vec<&Checkpoint> = outcome.failed_checkpoints().collect();
    if failed.len() as u64 > outcome.max_frame_failures {
        let listed: Vec<String> = failed
            .iter()
            .take(10)
            .map(|c| format!("{} ({:.1} dB)", c.frame, c.psnr.unwrap_or(f64::INFINITY)))
            .collect();
        let more = if failed.len() > 10 { ", ..." } else { "" };
        let problem = format!(
            "{} of {} checked frames are {criterion} (at most {} may be): frames {}{more}",
            failed.len(),
            outcome.checkpoints.len(),
            outcome.max_frame_failures,
            listed.join(", ")
        );
        outcome.problems.push(problem);
    }
}

/// An image pair for the report: packed RGB24 (or RGBA, whose alpha is dropped for display).
struct ImagePair<'a> {
    width: u32,
    height: u32,
    channels: usize,
    expected: &'a [u8],
    actual: &'a [u8],
}

fn write_checkpoint_images(
    sink: ImageSink<'_>,
    frame: u64,
    pair: &ImagePair<'_>,
) -> std::io::Result<CheckpointImages> {
    let folder = sink.report_dir.join(sink.id);
    std::fs::create_dir_all(&folder)?;
    let name = |kind: &str| format!("{}/frame-{frame:06}-{kind}.png", sink.id);
    let images = CheckpointImages {
        golden: name("golden"),
        rendered: name("new"),
        difference: name("diff"),
    };
    let rgb = |pixels: &[u8]| -> Vec<u8> {
        if pair.channels == 3 {
            return pixels.to_vec();
        }
        pixels
            .chunks_exact(pair.channels)
            .flat_map(|pixel| [pixel[0], pixel[1], pixel[2]])
            .collect()
    };
    let (expected, actual) = (rgb(pair.expected), rgb(pair.actual));
    let (width, height) = (pair.width, pair.height);
    write_png(
        &sink.report_dir.join(&images.golden),
        width,
        height,
        &expected,
    )?;
    write_png(
        &sink.report_dir.join(&images.rendered),
        width,
        height,
        &actual,
    )?;
    let difference = difference_image(&expected, &actual);
    write_png(
        &sink.report_dir.join(&images.difference),
        width,
        height,
        &difference,
    )?;
    Ok(images)
}

fn compare_audio(golden: &Path, rendered: &Path, meta: &FixtureMeta, outcome: &mut FixtureOutcome) {
    let envelopes = decode_envelope(golden).and_then(|g| decode_envelope(rendered).map(|r| (g, r)));
    audio_verdict(envelopes, meta, outcome);
}

fn audio_verdict(
    envelopes: Result<(Option<AudioEnvelope>, Option<AudioEnvelope>), framecast_media::MediaError>,
    meta: &FixtureMeta,
    outcome: &mut FixtureOutcome,
) {
    let check = match envelopes {
        Err(error) => {
            outcome.status = Status::Error;
            outcome
                .problems
                .push(format!("cannot decode the audio: {error}"));
            return;
        }
        Ok((None, None)) => AudioCheck::NoAudio,
        Ok((Some(golden), Some(rendered))) => {
            let (correlation, lag_windows) =
                best_correlation(&golden.rms, &rendered.rms, meta.max_audio_lag_windows);
            let passed = correlation >= meta.min_audio_correlation;
            if !passed {
                outcome.problems.push(format!(
                    "the audio envelope correlates {correlation:.3} with the golden's (best lag \
                     {lag_windows} windows of 32 ms), below minAudioCorrelation {}",
                    meta.min_audio_correlation
                ));
            }
            AudioCheck::Compared {
                correlation,
                lag_windows,
                passed,
            }
        }
        Ok((golden, rendered)) => {
            let side = |present: bool| if present { "has" } else { "has no" };
            outcome.problems.push(format!(
                "the golden {} audio, the render {}",
                side(golden.is_some()),
                side(rendered.is_some())
            ));
            AudioCheck::Mismatch {
                golden: golden.is_some(),
                rendered: rendered.is_some(),
            }
        }
    };
    outcome.audio = Some(check);
}

/// Judges a PNG sequence: the same frame files, byte for byte. A frame whose bytes differ is a
/// failed checkpoint, with its PSNR over RGBA and, in a report, its images.
pub fn judge_png_sequence(
    golden: &Path,
    rendered: &Path,
    meta: &FixtureMeta,
    images: Option<ImageSink<'_>>,
    outcome: &mut FixtureOutcome,
) {
    let (golden_frames, rendered_frames) = match (png_frames(golden), png_frames(rendered)) {
        (Ok(g), Ok(r)) => (g, r),
        (Err(error), _) | (_, Err(error)) => {
            outcome.status = Status::Error;
            outcome
                .problems
                .push(format!("cannot list the frames: {error}"));
            return;
        }
    };
    outcome.frames = Some(Pair {
        golden: golden_frames.len() as u64,
        rendered: rendered_frames.len() as u64,
    });
    let names = |frames: &[std::path::PathBuf]| -> Vec<std::ffi::OsString> {
        frames
            .iter()
            .filter_map(|f| f.file_name().map(Into::into))
            .collect()
    };
    if names(&golden_frames) != names(&rendered_frames) {
        outcome.problems.push(format!(
            "the render has {} frame files, the golden {} (or their names differ)",
            rendered_frames.len(),
            golden_frames.len()
        ));
    } else {
        for (index, (expected, actual)) in golden_frames.iter().zip(&rendered_frames).enumerate() {
            let checkpoint = match png_checkpoint(index as u64, expected, actual, meta, images) {
                Ok(checkpoint) => checkpoint,
                Err(problem) => {
                    outcome.status = Status::Error;
                    outcome.problems.push(problem);
                    return;
                }
            };
            outcome.checkpoints.push(checkpoint);
        }
        // Byte-exact: any differing frame is a failure, however high its PSNR.
        note_failed_checkpoints(outcome, "not byte-identical to the golden's");
    }
    let audio = |dir: &Path| {
        let wav = dir.join(framecast_media::PNG_SEQUENCE_AUDIO);
        if wav.is_file() {
            decode_envelope(&wav)
        } else {
            Ok(None)
        }
    };
    audio_verdict(
        audio(golden).and_then(|g| audio(rendered).map(|r| (g, r))),
        meta,
        outcome,
    );
    if !outcome.problems.is_empty() && outcome.status == Status::Passed {
        outcome.status = Status::Failed;
    }
}

/// The `.png` files of a sequence directory, sorted by name.
fn png_frames(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut frames: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "png"))
        .collect();
    frames.sort();
    Ok(frames)
}

fn png_checkpoint(
    frame: u64,
    expected: &Path,
    actual: &Path,
    meta: &FixtureMeta,
    images: Option<ImageSink<'_>>,
) -> Result<Checkpoint, String> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
    };
    let (expected_bytes, actual_bytes) = (read(expected)?, read(actual)?);
    let time = meta.render.fps.map_or(0.0, |fps| fps.frame_time(frame));
    let mut checkpoint = Checkpoint {
        frame,
        time,
        psnr: None,
        passed: expected_bytes == actual_bytes,
        images: None,
    };
    if checkpoint.passed {
        return Ok(checkpoint);
    }
    let decode = |bytes: &[u8], path: &Path| {
        framecast_media::decode_png(bytes)
            .map_err(|error| format!("cannot decode {}: {error}", path.display()))
    };
    let (golden, rendered) = (
        decode(&expected_bytes, expected)?,
        decode(&actual_bytes, actual)?,
    );
    if (golden.width, golden.height) != (rendered.width, rendered.height) {
        return Ok(checkpoint);
    }
    let value = psnr(&golden.data, &rendered.data, PsnrSignal::Rgb);
    checkpoint.psnr = value.is_finite().then_some(value);
    if let Some(sink) = images {
        let pair = ImagePair {
            width: golden.width,
            height: golden.height,
            channels: 4,
            expected: &golden.data,
            actual: &rendered.data,
        };
        match write_checkpoint_images(sink, frame, &pair) {
            Ok(written) => checkpoint.images = Some(written),
            Err(error) => tracing::warn!(%error, frame, "cannot write the report images"),
        }
    }
    Ok(checkpoint)
}
