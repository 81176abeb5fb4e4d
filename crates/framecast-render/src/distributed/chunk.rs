//! One chunk of a plan, rendered and recorded: `chunk_0003.mp4` (a folder `chunk_0003` for a
//! PNG sequence) and beside it `chunk_0003.json`, which names the plan's hash, the chunk's
//! frames and the SHA-256 of what was written. The video is published atomically first, the
//! record second; a chunk without a record matching its bytes is not a chunk, so a render
//! killed at any point leaves nothing that assemble would take.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use framecast_media::OutputFormat;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::PlanError;
use super::plan_dir::{COMPOSITION_DIR, ChunkSpec, Plan, files_under, hash_file, hex};
use crate::publish::{FileKind, ReadSet, write_file};
use crate::{CancelFlag, FrameRange, ProgressEvent, RenderError, RenderOptions};

const CHUNK_FORMAT: &str = "framecast-chunk/1";

/// What `chunk_NNNN.json` records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ChunkRecord {
    pub format: String,
    pub plan_hash: String,
    pub index: usize,
    pub first_frame: u64,
    pub frames: u64,
    /// SHA-256 of the chunk's file (of a PNG chunk's files, in name order).
    pub sha256: String,
}

/// The file (or folder) name of chunk `index` for `format`.
pub(crate) fn chunk_name(index: usize, format: OutputFormat) -> String {
    match format.extension() {
        Some(extension) => format!("chunk_{index:04}.{extension}"),
        None => format!("chunk_{index:04}"),
    }
}

pub(crate) fn record_name(index: usize) -> String {
    format!("chunk_{index:04}.json")
}

/// What is wrong with the chunk at `video` for `spec` of `plan`, if anything.
pub(crate) fn chunk_problem(plan: &Plan, spec: &ChunkSpec, video: &Path) -> Option<String> {
    let name = video
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let record_path = video.with_file_name(record_name(spec.index));
    if std::fs::symlink_metadata(video).is_err() {
        return Some(format!(
            "chunk {} ({name}, frames {} to {}) is missing",
            spec.index,
            spec.first_frame,
            spec.end() - 1
        ));
    }
    let record: Option<ChunkRecord> = std::fs::read(&record_path)
        .ok()
        .and_then(|text| serde_json::from_slice(&text).ok());
    let Some(record) = record.filter(|record| record.format == CHUNK_FORMAT) else {
        return Some(format!(
            "chunk {} ({name}) is incomplete: it has no record {}; render it again",
            spec.index,
            record_path.display()
        ));
    };
    if record.plan_hash != plan.hash {
        return Some(format!(
            "chunk {} ({name}) belongs to another plan ({}; this plan is {}); render it again from this plan",
            spec.index,
            super::plan_dir::short(&record.plan_hash),
            super::plan_dir::short(&plan.hash)
        ));
    }
    if (record.index, record.first_frame, record.frames)
        != (spec.index, spec.first_frame, spec.frames)
    {
        return Some(format!(
            "chunk {} ({name}) records frames {} to {}, but the plan's are {} to {}",
            spec.index,
            record.first_frame,
            record.first_frame + record.frames - 1,
            spec.first_frame,
            spec.end() - 1
        ));
    }
    match digest(video) {
        Ok(found) if found == record.sha256 => None,
        Ok(_) => Some(format!(
            "chunk {} ({name}) was changed or cut short after it was written; render it again",
            spec.index
        )),
        Err(error) => Some(format!("chunk {} ({name}): {error}", spec.index)),
    }
}

/// SHA-256 of a chunk: its file, or a folder's files by name.
fn digest(path: &Path) -> Result<String, PlanError> {
    let mut hasher = Sha256::new();
    if path.is_dir() {
        for file in files_under(path)? {
            let name = file
                .file_name()
                .map(|name| name.to_string_lossy().into_owned());
            if name.as_deref() == Some(crate::SEQUENCE_MANIFEST) {
                continue;
            }
            hasher.update(name.unwrap_or_default());
            hash_file(&mut hasher, &file)?;
        }
    } else {
        hash_file(&mut hasher, path)?;
    }
    Ok(hex(&hasher.finalize()))
}

/// What [`render_chunk`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkOutcome {
    Rendered {
        path: PathBuf,
        frames: u64,
    },
    /// A valid chunk of this plan was already there and was kept.
    Kept {
        path: PathBuf,
    },
}

/// The chunk index from `--index`, else `$SLURM_ARRAY_TASK_ID`, else `$JOB_COMPLETION_INDEX`.
pub fn chunk_index(
    given: Option<usize>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<usize, PlanError> {
    if let Some(index) = given {
        return Ok(index);
    }
    for variable in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] {
        if let Some(value) = env(variable) {
            return value
                .trim()
                .parse()
                .map_err(|_| PlanError::BadIndex { variable, value });
        }
    }
    Err(PlanError::NoIndex)
}

/// Renders chunk `index` of the plan in `plan_dir` into `chunks_dir`; `base` says how this
/// node runs Chrome (its path, workers, frame cache). An existing valid chunk of the same plan
/// is kept.
pub async fn render_chunk(
    plan_dir: &Path,
    index: usize,
    chunks_dir: &Path,
    base: &RenderOptions,
    on_progress: Arc<dyn Fn(ProgressEvent) + Send + Sync>,
    cancel: CancelFlag,
) -> Result<ChunkOutcome, RenderError> {
    let plan = Plan::read(plan_dir)?;
    let spec = plan
        .chunks
        .get(index)
        .cloned()
        .ok_or(PlanError::NoSuchChunk {
            index,
            chunks: plan.chunks.len(),
        })?;
    let format = plan.settings.output_format().ok_or(PlanError::Format {
        format: "this plan's format",
    })?;
    // Created here, not by the publish step, which would remove it again on failure while
    // other chunks may be writing into it.
    std::fs::create_dir_all(chunks_dir).map_err(|source| PlanError::Io {
        path: chunks_dir.to_path_buf(),
        source,
    })?;
    let video = chunks_dir.join(chunk_name(index, format));
    if chunk_problem(&plan, &spec, &video).is_none() {
        return Ok(ChunkOutcome::Kept { path: video });
    }
    let record_path = chunks_dir.join(record_name(index));
    // A stale record (of another plan, or of an earlier attempt) goes first, so no record
    // ever describes bytes it did not see.
    if read_record(&record_path).is_some() {
        std::fs::remove_file(&record_path).map_err(|source| PlanError::Io {
            path: record_path.clone(),
            source,
        })?;
    }
    let range = FrameRange {
        frames: spec.first_frame..spec.end(),
        total: plan.frames.frame_count,
    };
    let options = plan
        .settings
        .chunk_options(base, &plan_dir.join(COMPOSITION_DIR), &video, range);
    let summary = crate::render(&options, on_progress, cancel).await?;
    let record = ChunkRecord {
        format: CHUNK_FORMAT.to_string(),
        plan_hash: plan.hash.clone(),
        index,
        first_frame: spec.first_frame,
        frames: spec.frames,
        sha256: digest(&summary.output)?,
    };
    let text = serde_json::to_vec_pretty(&record).expect("a record should serialise");
    let mut reads = ReadSet::for_folder(plan_dir);
    reads.add_file(&summary.output);
    write_file(&record_path, FileKind::Json, &text, &reads)?;
    Ok(ChunkOutcome::Rendered {
        path: summary.output,
        frames: spec.frames,
    })
}

fn read_record(path: &Path) -> Option<ChunkRecord> {
    let text = std::fs::read(path).ok()?;
    serde_json::from_slice::<ChunkRecord>(&text)
        .ok()
        .filter(|record| record.format == CHUNK_FORMAT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_comes_from_the_flag_then_slurm_then_kubernetes() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        assert_eq!(
            chunk_index(Some(2), env(&[("SLURM_ARRAY_TASK_ID", "5")])).unwrap(),
            2
        );
        assert_eq!(
            chunk_index(None, env(&[("SLURM_ARRAY_TASK_ID", "5")])).unwrap(),
            5
        );
        assert_eq!(
            chunk_index(None, env(&[("JOB_COMPLETION_INDEX", "7")])).unwrap(),
            7
        );
        let error = chunk_index(None, env(&[("JOB_COMPLETION_INDEX", "x")])).unwrap_err();
        assert!(
            error.to_string().contains("JOB_COMPLETION_INDEX"),
            "{error}"
        );
        assert!(matches!(
            chunk_index(None, env(&[])),
            Err(PlanError::NoIndex)
        ));
    }

    #[test]
    fn chunks_are_named_by_index_and_format() {
        assert_eq!(chunk_name(3, OutputFormat::Mp4), "chunk_0003.mp4");
        assert_eq!(chunk_name(12, OutputFormat::PngSequence), "chunk_0012");
        assert_eq!(record_name(3), "chunk_0003.json");
    }
}
