//! The publish step: every file or folder framecast writes for the user goes through
//! [`PendingOutput`]. The target is checked against the output rule ([`rule`]) before any work
//! starts and again just before it is replaced; the output is written under a temporary name
//! beside the target and renamed into place only when it is complete, so a failed or cancelled
//! render leaves nothing at the target, and an existing file is replaced in one step.

mod folder;
mod rule;

use std::path::{Path, PathBuf};

pub use folder::{FolderKind, HLS_MANIFEST, PLAN_MANIFEST, SEQUENCE_MANIFEST};
pub use rule::{FileKind, OutputKind, ReadSet};

use crate::RenderError;

/// An output being written: where it goes, and the temporary path it is written to first.
#[derive(Debug)]
pub struct PendingOutput {
    target: PathBuf,
    temporary: PathBuf,
    kind: OutputKind,
    overwrite: bool,
    published: bool,
    /// Folders created for the target, deepest first, removed again if nothing is published.
    created: Vec<PathBuf>,
}

impl PendingOutput {
    /// Checks that `kind` may be written at `target` without losing anything (see [`rule`]),
    /// creates the target's missing parent folders, and picks the temporary name. `overwrite`
    /// allows replacing a folder of the same kind (a PNG sequence, HLS) framecast wrote earlier.
    pub fn prepare(
        target: &Path,
        kind: OutputKind,
        reads: &ReadSet,
        overwrite: bool,
    ) -> Result<Self, RenderError> {
        let target = rule::resolve(target)?;
        rule::check(&target, kind, reads, overwrite)?;
        let parent = target
            .parent()
            .expect("a resolved target should have a parent folder");
        let created = create_parents(parent).map_err(|source| RenderError::Output {
            path: target.clone(),
            source,
        })?;
        let name = target
            .file_name()
            .expect("a resolved target should have a name")
            .to_string_lossy();
        // A name nothing else uses: the temporary is removed on failure, so it must be ours.
        let mut attempt = 0u32;
        let temporary = loop {
            let stem = match attempt {
                0 => format!(".{name}.framecast-{}", std::process::id()),
                n => format!(".{name}.framecast-{}-{n}", std::process::id()),
            };
            // A file's extension stays last, so the muxer still picks the container from it.
            let candidate = match (kind, target.extension()) {
                (OutputKind::Folder(_), _) => parent.join(format!("{stem}.partial-dir")),
                (OutputKind::File(_), Some(extension)) => {
                    parent.join(format!("{stem}.partial.{}", extension.to_string_lossy()))
                }
                (OutputKind::File(_), None) => parent.join(format!("{stem}.partial")),
            };
            if std::fs::symlink_metadata(&candidate).is_err() {
                break candidate;
            }
            attempt += 1;
        };
        Ok(PendingOutput {
            target,
            temporary,
            kind,
            overwrite,
            published: false,
            created,
        })
    }

    /// The absolute path the output will have.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where to write the output (a file, or a folder for a PNG sequence or HLS).
    pub fn temporary_path(&self) -> &Path {
        &self.temporary
    }

    /// Checks the target again (the disk may have changed while the output was written, and
    /// `reads` may now hold files the page loaded) and renames the output into place. A folder
    /// gets its manifest first.
    pub fn publish(mut self, reads: &ReadSet) -> Result<PathBuf, RenderError> {
        let output_error = |source| RenderError::Output {
            path: self.target.clone(),
            source,
        };
        if let OutputKind::Folder(kind) = self.kind {
            folder::write_manifest(&self.temporary, kind).map_err(output_error)?;
        }
        rule::check(&self.target, self.kind, reads, self.overwrite)?;
        let replaces = match self.kind {
            // The check just passed, so a folder of framecast's is of this kind.
            OutputKind::Folder(kind) => matches!(
                folder::recognise(&self.target),
                Ok(folder::Contents::Framecast(found, _)) if found == kind
            )
            .then_some(kind),
            OutputKind::File(_) => None,
        };
        if let Some(kind) = replaces {
            self.replace_folder(kind)?;
        } else {
            // A file, or a folder that is new or empty: one rename replaces it.
            std::fs::rename(&self.temporary, &self.target).map_err(output_error)?;
        }
        self.published = true;
        Ok(self.target.clone())
    }

    /// Moves the previous folder aside, the new one into place, then removes the files the
    /// previous one's manifest lists (and nothing else).
    fn replace_folder(&self, kind: FolderKind) -> Result<(), RenderError> {
        let previous = self.temporary.with_extension("previous");
        let output_error = |source| RenderError::Output {
            path: self.target.clone(),
            source,
        };
        std::fs::rename(&self.target, &previous).map_err(output_error)?;
        if let Err(source) = std::fs::rename(&self.temporary, &self.target) {
            let _ = std::fs::rename(&previous, &self.target);
            return Err(output_error(source));
        }
        if let Err(error) = folder::remove(&previous, kind) {
            tracing::warn!(
                "kept {} (the {} that was replaced): {error}",
                previous.display(),
                match kind {
                    FolderKind::PngSequence => "sequence",
                    FolderKind::Hls => "HLS folder",
                    FolderKind::Plan => "plan",
                }
            );
        }
        Ok(())
    }
}

impl Drop for PendingOutput {
    fn drop(&mut self) {
        if self.published {
            return;
        }
        match self.kind {
            OutputKind::Folder(_) => {
                let _ = std::fs::remove_dir_all(&self.temporary);
            }
            OutputKind::File(_) => {
                let _ = std::fs::remove_file(&self.temporary);
            }
        }
        for folder in &self.created {
            // Only while empty: never anything someone else put there meanwhile.
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// Creates `folder` and its missing ancestors; returns the ones created, deepest first.
fn create_parents(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut current = Some(folder);
    while let Some(path) = current {
        if std::fs::symlink_metadata(path).is_ok() {
            break;
        }
        missing.push(path.to_path_buf());
        current = path.parent();
    }
    std::fs::create_dir_all(folder)?;
    Ok(missing)
}

/// Checks `target` against the output rule without writing anything.
pub(crate) fn check_target(
    target: &Path,
    kind: OutputKind,
    reads: &ReadSet,
) -> Result<(), RenderError> {
    rule::check(&rule::resolve(target)?, kind, reads, false)
}

/// Writes `bytes` as a whole file at `target` under the output rule: a still, a report page.
pub fn write_file(
    target: &Path,
    kind: FileKind,
    bytes: &[u8],
    reads: &ReadSet,
) -> Result<PathBuf, RenderError> {
    let pending = PendingOutput::prepare(target, OutputKind::File(kind), reads, false)?;
    std::fs::write(pending.temporary_path(), bytes).map_err(|source| RenderError::Output {
        path: pending.target().to_path_buf(),
        source,
    })?;
    pending.publish(reads)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MP4: OutputKind = OutputKind::File(FileKind::Mp4);
    const MP4_BYTES: &[u8] = b"\0\0\0\x20ftypisom";
    const SEQUENCE: OutputKind = OutputKind::Folder(FolderKind::PngSequence);
    const HLS: OutputKind = OutputKind::Folder(FolderKind::Hls);

    #[test]
    fn unpublished_output_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("new/deeper/out.mp4");
        {
            let pending = PendingOutput::prepare(&target, MP4, &ReadSet::default(), false).unwrap();
            assert!(pending.temporary_path().to_string_lossy().ends_with(".mp4"));
            std::fs::write(pending.temporary_path(), b"partial").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_temporary_name_already_taken_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("frames");
        let taken = dir.path().join(format!(
            ".frames.framecast-{}.partial-dir",
            std::process::id()
        ));
        std::fs::create_dir(&taken).unwrap();
        std::fs::write(taken.join("mine.txt"), b"mine").unwrap();
        {
            let pending =
                PendingOutput::prepare(&target, SEQUENCE, &ReadSet::default(), false).unwrap();
            assert_ne!(pending.temporary_path(), taken.canonicalize().unwrap());
            std::fs::create_dir(pending.temporary_path()).unwrap();
        }
        assert_eq!(std::fs::read(taken.join("mine.txt")).unwrap(), b"mine");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn published_output_replaces_a_file_of_its_format() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("nested/out.mp4");
        let reads = ReadSet::default();
        let pending = PendingOutput::prepare(&target, MP4, &reads, false).unwrap();
        std::fs::write(pending.temporary_path(), MP4_BYTES).unwrap();
        let published = pending.publish(&reads).unwrap();
        assert_eq!(published, target.canonicalize().unwrap());
        let pending = PendingOutput::prepare(&target, MP4, &reads, false).unwrap();
        std::fs::write(pending.temporary_path(), b"\0\0\0\x20ftypmp42").unwrap();
        pending.publish(&reads).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"\0\0\0\x20ftypmp42");
        assert_eq!(
            std::fs::read_dir(target.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn a_file_read_during_the_render_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("logo.gif");
        std::fs::write(&target, b"GIF89a-the-logo").unwrap();
        let kind = OutputKind::File(FileKind::Gif);
        let mut reads = ReadSet::default();
        let pending = PendingOutput::prepare(&target, kind, &reads, false).unwrap();
        std::fs::write(pending.temporary_path(), b"GIF89a-the-render").unwrap();
        reads.add_file(&target);
        let error = pending.publish(&reads).unwrap_err().to_string();
        assert!(error.contains("the render reads"), "{error}");
        assert_eq!(std::fs::read(&target).unwrap(), b"GIF89a-the-logo");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_sequence_replaces_only_a_previous_sequence() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("frames");
        let reads = ReadSet::default();
        let write = |overwrite: bool, frame: &[u8]| {
            let pending = PendingOutput::prepare(&target, SEQUENCE, &reads, overwrite)?;
            std::fs::create_dir(pending.temporary_path()).unwrap();
            std::fs::write(pending.temporary_path().join("frame_000000.png"), frame).unwrap();
            pending.publish(&reads)
        };
        write(false, b"first").unwrap();
        assert!(target.join(SEQUENCE_MANIFEST).is_file());
        let refused = write(false, b"second").unwrap_err().to_string();
        assert!(refused.contains("--overwrite"), "{refused}");
        assert_eq!(
            std::fs::read(target.join("frame_000000.png")).unwrap(),
            b"first"
        );
        write(true, b"second").unwrap();
        assert_eq!(
            std::fs::read(target.join("frame_000000.png")).unwrap(),
            b"second"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_hls_folder_gets_its_manifest_and_replaces_only_a_previous_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("stream");
        let reads = ReadSet::default();
        let write = |overwrite: bool, segment: &[u8]| {
            let pending = PendingOutput::prepare(&target, HLS, &reads, overwrite)?;
            std::fs::create_dir(pending.temporary_path()).unwrap();
            std::fs::write(pending.temporary_path().join("index.m3u8"), b"#EXTM3U").unwrap();
            std::fs::write(pending.temporary_path().join("segment_000.ts"), segment).unwrap();
            pending.publish(&reads)
        };
        write(false, b"first").unwrap();
        assert!(target.join(HLS_MANIFEST).is_file());
        assert!(!target.join(SEQUENCE_MANIFEST).exists());
        assert!(write(false, b"second").is_err());
        assert_eq!(
            std::fs::read(target.join("segment_000.ts")).unwrap(),
            b"first"
        );
        write(true, b"second").unwrap();
        assert_eq!(
            std::fs::read(target.join("segment_000.ts")).unwrap(),
            b"second"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // A PNG sequence is not written over it, even with overwrite.
        let sequence = PendingOutput::prepare(&target, SEQUENCE, &reads, true);
        assert!(sequence.is_err());
    }

    #[test]
    fn write_file_publishes_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("still.png");
        let png = b"\x89PNG\r\n\x1a\nrest";
        write_file(&target, FileKind::Png, png, &ReadSet::default()).unwrap();
        write_file(&target, FileKind::Png, png, &ReadSet::default()).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), png);
        let text = dir.path().join("notes.png");
        std::fs::write(&text, b"not a png").unwrap();
        assert!(write_file(&text, FileKind::Png, png, &ReadSet::default()).is_err());
        assert_eq!(std::fs::read(&text).unwrap(), b"not a png");
    }
}
