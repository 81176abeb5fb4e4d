//! Joins a plan's chunks into the output: every chunk checked first (present, recorded,
//! of this plan, its bytes those recorded), then concatenated by stream copy with the plan's
//! soundtrack muxed beside them, written under a temporary name and published.

use std::path::{Path, PathBuf};

use framecast_media::{
    ConcatSegment, GifLoop, OutputFormat, OutputSettings, PNG_SEQUENCE_AUDIO, PNG_SEQUENCE_PATTERN,
    VideoCodec, concat_segments, write_wav,
};

use super::PlanError;
use super::chunk::{chunk_name, chunk_problem};
use super::plan_dir::Plan;
use crate::publish::{OutputKind, PendingOutput, ReadSet};
use crate::{FramePlan, RenderError};

/// What [`assemble`] wrote.
#[derive(Debug, Clone)]
pub struct AssembleSummary {
    pub output: PathBuf,
    pub plan: FramePlan,
    pub chunks: usize,
    pub audio: bool,
}

/// Assembles the chunks in `chunks_dir` of the plan in `plan_dir` into `output`, whose name
/// must imply the plan's format. `overwrite` replaces a PNG sequence framecast wrote earlier.
pub fn assemble(
    plan_dir: &Path,
    chunks_dir: &Path,
    output: &Path,
    overwrite: bool,
) -> Result<AssembleSummary, RenderError> {
    let plan = Plan::read(plan_dir)?;
    let format = plan.settings.output_format().ok_or(PlanError::Format {
        format: "this plan's format",
    })?;
    match OutputFormat::from_path(output) {
        Some(asked) if asked == format => {}
        asked => {
            return Err(PlanError::OutputFormat {
                path: output.to_path_buf(),
                planned: format.name(),
                asked: asked.map_or("no known format".to_string(), |f| f.name().to_string()),
            }
            .into());
        }
    }
    let mut problems = Vec::new();
    let mut segments = Vec::new();
    for spec in &plan.chunks {
        let video = chunks_dir.join(chunk_name(spec.index, format));
        match chunk_problem(&plan, spec, &video) {
            Some(problem) => problems.push(problem),
            None => segments.push(ConcatSegment {
                path: match format {
                    OutputFormat::PngSequence => video.join(PNG_SEQUENCE_PATTERN),
                    _ => video,
                },
                first_frame: spec.first_frame,
                frames: spec.frames,
            }),
        }
    }
    if !problems.is_empty() {
        return Err(PlanError::Chunks {
            chunks: plan.chunks.len(),
            problems,
        }
        .into());
    }
    let mut reads = ReadSet::for_folder(plan_dir);
    for segment in &segments {
        reads.add_file(&segment.path);
    }
    let reads_chunks = ReadSet::for_folder(chunks_dir);
    // The chunks' folder is read too: the output may not be it, nor hold it.
    crate::publish::check_target(output, OutputKind::of(format), &reads_chunks)?;
    let pending = PendingOutput::prepare(output, OutputKind::of(format), &reads, overwrite)?;
    let audio = plan.read_audio(plan_dir)?;
    let frames = plan.frame_plan();
    let settings = OutputSettings {
        format,
        codec: VideoCodec::H264,
        alpha: false,
        width: frames.width,
        height: frames.height,
        fps_num: frames.fps.num,
        fps_den: frames.fps.den,
        preset: String::new(),
        crf: 0,
        bitrate: None,
        vp9_cpu_used: None,
        gif_loop: GifLoop::Forever,
        hls_segment_seconds: 0,
        segment: false,
    };
    let summary = concat_segments(
        pending.temporary_path(),
        &settings,
        &segments,
        audio.clone(),
    )?;
    if let (OutputFormat::PngSequence, Some(track)) = (format, &audio) {
        let wav = pending.temporary_path().join(PNG_SEQUENCE_AUDIO);
        write_wav(&wav, track).map_err(|source| RenderError::Output {
            path: wav.clone(),
            source,
        })?;
    }
    if summary.frames != frames.frame_count {
        return Err(RenderError::Internal(format!(
            "the chunks joined into {} frames, the plan has {}",
            summary.frames, frames.frame_count
        )));
    }
    let output = pending.publish(&reads)?;
    Ok(AssembleSummary {
        output,
        plan: frames,
        chunks: segments.len(),
        audio: audio.is_some(),
    })
}
