//! The plan folder: everything a chunk needs, frozen once so that any node renders the same
//! frames from it. Its layout:
//!
//! ```text
//! plan/
//!   plan.json        settings, frame plan, chunks, audio, and the content hash of all of it
//!   chunks.json      the chunks (index, first frame, frames) and the plan's hash
//!   audio.f32        the soundtrack mixed once: interleaved stereo f32 LE at 48 kHz
//!   composition/     a copy of the composition's folder, which the chunks' pages are served from
//!   slurm.sbatch …   the job files of `--emit`, not part of the hash
//! ```
//!
//! The hash covers the settings, the frame plan, the chunks, the audio samples and every
//! file of `composition/` (name and bytes); a chunk records it, so a chunk of another plan (or
//! of this plan before it changed) is recognised.

use std::io::Read;
use std::path::{Path, PathBuf};

use framecast_media::{AUDIO_CHANNELS, AUDIO_RATE, AudioTrack};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::PlanError;
use super::recipe::PlanSettings;
use crate::FramePlan;

pub const PLAN_FILE: &str = "plan.json";
pub const CHUNKS_FILE: &str = "chunks.json";
pub const AUDIO_FILE: &str = "audio.f32";
pub const COMPOSITION_DIR: &str = "composition";
const PLAN_FORMAT: &str = "framecast-plan/1";

/// A chunked render's plan, as `plan.json` holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub format: String,
    /// SHA-256 (hex) of everything below and of the plan's files.
    pub hash: String,
    pub settings: PlanSettings,
    pub frames: PlannedFrames,
    pub chunks: Vec<ChunkSpec>,
    /// Stereo sample frames of `audio.f32` at 48 kHz, when the render has a soundtrack.
    pub audio_frames: Option<u64>,
}

/// The frame plan of the whole video.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlannedFrames {
    pub width: u32,
    pub height: u32,
    pub fps_num: u32,
    pub fps_den: u32,
    pub duration: f64,
    pub frame_count: u64,
}

impl From<&FramePlan> for PlannedFrames {
    fn from(plan: &FramePlan) -> Self {
        PlannedFrames {
            width: plan.width,
            height: plan.height,
            fps_num: plan.fps.num,
            fps_den: plan.fps.den,
            duration: plan.duration,
            frame_count: plan.frame_count,
        }
    }
}

/// One chunk: frames `first_frame .. first_frame + frames`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkSpec {
    pub index: usize,
    pub first_frame: u64,
    pub frames: u64,
}

impl ChunkSpec {
    pub fn end(&self) -> u64 {
        self.first_frame + self.frames
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct ChunksFile {
    plan_hash: String,
    chunks: Vec<ChunkSpec>,
}

/// Splits `frame_count` frames into chunks of `chunk_frames` (the last may be shorter).
pub fn split_frames(frame_count: u64, chunk_frames: u64) -> Vec<ChunkSpec> {
    let size = chunk_frames.max(1);
    (0..frame_count.div_ceil(size))
        .map(|index| {
            let first_frame = index * size;
            ChunkSpec {
                index: index as usize,
                first_frame,
                frames: size.min(frame_count - first_frame),
            }
        })
        .collect()
}

impl Plan {
    /// Writes `plan.json`, `chunks.json` and `audio.f32` into `folder`, where `composition/`
    /// was already copied, and returns the plan with its hash.
    pub(crate) fn write(
        folder: &Path,
        settings: PlanSettings,
        frames: PlannedFrames,
        chunks: Vec<ChunkSpec>,
        audio: Option<&AudioTrack>,
    ) -> Result<Plan, PlanError> {
        let io = |path: PathBuf| move |source| PlanError::Io { path, source };
        let audio_path = folder.join(AUDIO_FILE);
        if let Some(track) = audio {
            let bytes: Vec<u8> = track
                .samples()
                .iter()
                .flat_map(|sample| sample.to_le_bytes())
                .collect();
            std::fs::write(&audio_path, bytes).map_err(io(audio_path.clone()))?;
        }
        let mut plan = Plan {
            format: PLAN_FORMAT.to_string(),
            hash: String::new(),
            settings,
            frames,
            chunks,
            audio_frames: audio.map(|track| track.frames() as u64),
        };
        plan.hash = plan.content_hash(folder)?;
        let chunks = ChunksFile {
            plan_hash: plan.hash.clone(),
            chunks: plan.chunks.clone(),
        };
        for (name, text) in [
            (PLAN_FILE, serde_json::to_vec_pretty(&plan)),
            (CHUNKS_FILE, serde_json::to_vec_pretty(&chunks)),
        ] {
            let path = folder.join(name);
            let text = text.expect("a plan should serialise");
            std::fs::write(&path, text).map_err(io(path.clone()))?;
        }
        Ok(plan)
    }

    /// Reads the plan in `folder` and checks that nothing in it changed since it was made.
    pub fn read(folder: &Path) -> Result<Plan, PlanError> {
        let not_a_plan = |reason: String| PlanError::NotAPlan {
            path: folder.to_path_buf(),
            reason,
        };
        let path = folder.join(PLAN_FILE);
        let text = std::fs::read(&path)
            .map_err(|error| not_a_plan(format!("cannot read {}: {error}", path.display())))?;
        let plan: Plan = serde_json::from_slice(&text)
            .map_err(|error| not_a_plan(format!("{}: {error}", path.display())))?;
        if plan.format != PLAN_FORMAT {
            return Err(not_a_plan(format!(
                "its format is {:?}, this framecast reads {PLAN_FORMAT}",
                plan.format
            )));
        }
        let found = plan.content_hash(folder)?;
        if found != plan.hash {
            return Err(PlanError::Tampered {
                path: folder.to_path_buf(),
                reason: format!(
                    "its content hashes to {}, plan.json says {}",
                    short(&found),
                    short(&plan.hash)
                ),
            });
        }
        Ok(plan)
    }

    /// The whole video's frame plan.
    pub fn frame_plan(&self) -> FramePlan {
        let fps = framecast_composition::Fps::new(self.frames.fps_num, self.frames.fps_den)
            .expect("a plan's frame rate was valid when it was made");
        FramePlan {
            width: self.frames.width,
            height: self.frames.height,
            fps,
            duration: self.frames.duration,
            frame_count: self.frames.frame_count,
        }
    }

    /// The soundtrack in `folder`'s `audio.f32`, exactly as long as the video.
    pub fn read_audio(&self, folder: &Path) -> Result<Option<AudioTrack>, PlanError> {
        let Some(frames) = self.audio_frames else {
            return Ok(None);
        };
        let path = folder.join(AUDIO_FILE);
        let bytes = std::fs::read(&path).map_err(|source| PlanError::Io {
            path: path.clone(),
            source,
        })?;
        let mut samples: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|bytes| f32::from_le_bytes(bytes.try_into().expect("chunks of four")))
            .collect();
        // Exactly frames / fps: padded with silence or trimmed, whatever the file held.
        let exact = framecast_media::audio_frames_for_video(
            self.frames.frame_count,
            self.frames.fps_num,
            self.frames.fps_den,
        );
        debug_assert_eq!(
            exact as u64, frames,
            "the plan's audio is as long as its video"
        );
        samples.resize(exact * AUDIO_CHANNELS, 0.0);
        Ok(Some(AudioTrack::new(samples)))
    }

    /// SHA-256 over the plan's content: the fields (but the hash), the audio samples and every
    /// file of `composition/`, names included, in name order.
    fn content_hash(&self, folder: &Path) -> Result<String, PlanError> {
        let mut hasher = Sha256::new();
        hasher.update(PLAN_FORMAT);
        for part in [
            serde_json::to_vec(&self.settings),
            serde_json::to_vec(&self.frames),
            serde_json::to_vec(&self.chunks),
            serde_json::to_vec(&self.audio_frames),
        ] {
            let part = part.expect("a plan should serialise");
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        hasher.update(format!("{AUDIO_RATE}/{AUDIO_CHANNELS}"));
        if self.audio_frames.is_some() {
            hash_file(&mut hasher, &folder.join(AUDIO_FILE))?;
        }
        let composition = folder.join(COMPOSITION_DIR);
        for file in files_under(&composition)? {
            let name = file
                .strip_prefix(&composition)
                .expect("files_under lists files under the folder");
            let name = name.to_string_lossy();
            hasher.update((name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
            hash_file(&mut hasher, &file)?;
        }
        Ok(hex(&hasher.finalize()))
    }
}

/// The first 12 hex digits of a hash, for messages.
pub(crate) fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Adds a file's length and bytes to `hasher`.
pub(crate) fn hash_file(hasher: &mut Sha256, path: &Path) -> Result<(), PlanError> {
    let io = |source| PlanError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    hasher.update(file.metadata().map_err(io)?.len().to_le_bytes());
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer).map_err(io)?;
        if read == 0 {
            return Ok(());
        }
        hasher.update(&buffer[..read]);
    }
}

/// Every regular file under `folder`, at any depth, in path order.
pub(crate) fn files_under(folder: &Path) -> Result<Vec<PathBuf>, PlanError> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let io = |source| PlanError::Io {
            path: dir.clone(),
            source,
        };
        for entry in std::fs::read_dir(&dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let kind = entry.file_type().map_err(io)?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Copies the composition's folder to `target`: regular files and folders, a symbolic link as
/// the file or folder it points to. `skip` are paths not copied (the plan being written, when
/// it is inside the composition).
pub(crate) fn copy_composition(
    source: &Path,
    target: &Path,
    skip: &[PathBuf],
) -> Result<(), PlanError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PlanError::Io { path, source }
    };
    std::fs::create_dir(target).map_err(io(target))?;
    for entry in std::fs::read_dir(source).map_err(io(source))? {
        let entry = entry.map_err(io(source))?;
        let path = entry.path();
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        if skip.iter().any(|skipped| canonical.starts_with(skipped)) {
            continue;
        }
        let metadata = std::fs::metadata(&path).map_err(io(&path))?;
        let destination = target.join(entry.file_name());
        if metadata.is_dir() {
            copy_composition(&path, &destination, skip)?;
        } else if metadata.is_file() {
            std::fs::copy(&path, &destination).map_err(io(&path))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_into_whole_chunks_and_a_shorter_last() {
        let chunks = split_frames(10, 4);
        let ranges: Vec<_> = chunks.iter().map(|c| (c.first_frame, c.end())).collect();
        assert_eq!(ranges, [(0, 4), (4, 8), (8, 10)]);
        assert_eq!(split_frames(8, 4).len(), 2);
        assert_eq!(split_frames(3, 300).len(), 1);
    }

    fn settings() -> PlanSettings {
        PlanSettings::freeze(
            &crate::RenderOptions::new("c", "o.mp4"),
            framecast_composition::Fps::new(30, 1).unwrap(),
            1,
            Path::new("index.html"),
            framecast_media::OutputFormat::Mp4,
        )
    }

    #[test]
    fn a_plan_reads_back_and_any_change_to_its_files_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let composition = dir.path().join(COMPOSITION_DIR);
        std::fs::create_dir_all(composition.join("assets")).unwrap();
        std::fs::write(composition.join("index.html"), "<html></html>").unwrap();
        std::fs::write(composition.join("assets/a.css"), "body{}").unwrap();
        let frames = PlannedFrames {
            width: 64,
            height: 32,
            fps_num: 30,
            fps_den: 1,
            duration: 1.0,
            frame_count: 30,
        };
        let audio = AudioTrack::new(vec![0.25; 48_000 * 2]);
        let plan = Plan::write(
            dir.path(),
            settings(),
            frames,
            split_frames(30, 10),
            Some(&audio),
        )
        .unwrap();
        let read = Plan::read(dir.path()).unwrap();
        assert_eq!(read.hash, plan.hash);
        assert_eq!(read.read_audio(dir.path()).unwrap(), Some(audio));
        std::fs::write(composition.join("assets/a.css"), "body{color:red}").unwrap();
        let error = Plan::read(dir.path()).unwrap_err().to_string();
        assert!(error.contains("changed after it was made"), "{error}");
    }
}
