//! The output is written to a temporary file beside the target and renamed into place only when
//! the render succeeded, so a failed or cancelled render never leaves a partial file at the
//! target path.

use std::path::{Path, PathBuf};

use crate::RenderError;

#[derive(Debug)]
pub struct PendingOutput {
    target: PathBuf,
    temporary: PathBuf,
    published: bool,
    /// A PNG sequence: the temporary path is a directory, renamed into place as a whole.
    directory: bool,
}

impl PendingOutput {
    pub fn new(target: &Path) -> Result<Self, RenderError> {
        let directory = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !directory.is_dir() {
            std::fs::create_dir_all(&directory).map_err(|source| RenderError::Output {
                path: target.to_path_buf(),
                source,
            })?;
        }
        let name = target
            .file_name()
            .ok_or_else(|| RenderError::InvalidOption {
                flag: "--output",
                reason: format!("{} is not a file name", target.display()),
            })?
            .to_string_lossy();
        // The extension stays last so the muxer still picks the container from it.
        let temporary = directory.join(format!(".{name}.framecast-{}.partial", std::process::id()));
        let extension = target
            .extension()
            .map(|extension| extension.to_string_lossy().into_owned());
        let temporary = match extension {
            Some(extension) => temporary.with_extension(format!("partial.{extension}")),
            None => temporary,
        };
        Ok(PendingOutput {
            target: target.to_path_buf(),
            temporary,
            published: false,
            directory: false,
        })
    }

    /// A pending output directory (a PNG sequence): written under a temporary name beside the
    /// target and renamed into place; an existing directory at the target is replaced only
    /// once the new one is complete.
    pub fn new_directory(target: &Path) -> Result<Self, RenderError> {
        let text = target.to_string_lossy();
        let mut pending = PendingOutput::new(Path::new(text.trim_end_matches('/')))?;
        pending.temporary = pending.temporary.with_extension("partial-dir");
        pending.directory = true;
        Ok(pending)
    }

    pub fn temporary_path(&self) -> &Path {
        &self.temporary
    }

    pub fn publish(mut self) -> Result<PathBuf, RenderError> {
        if self.directory && self.target.is_dir() {
            let previous = self.temporary.with_extension("previous");
            let replace = std::fs::rename(&self.target, &previous)
                .and_then(|()| std::fs::rename(&self.temporary, &self.target));
            let _ = std::fs::remove_dir_all(&previous);
            replace.map_err(|source| RenderError::Output {
                path: self.target.clone(),
                source,
            })?;
            self.published = true;
            return Ok(self.target.clone());
        }
        std::fs::rename(&self.temporary, &self.target).map_err(|source| RenderError::Output {
            path: self.target.clone(),
            source,
        })?;
        self.published = true;
        Ok(self.target.clone())
    }
}

impl Drop for PendingOutput {
    fn drop(&mut self) {
        if !self.published {
            if self.directory {
                let _ = std::fs::remove_dir_all(&self.temporary);
            } else {
                let _ = std::fs::remove_file(&self.temporary);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpublished_output_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.mp4");
        {
            let pending = PendingOutput::new(&target).unwrap();
            assert!(pending.temporary_path().to_string_lossy().ends_with(".mp4"));
            std::fs::write(pending.temporary_path(), b"partial").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_directory_replaces_the_previous_one_only_when_published() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("frames");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.png"), b"old").unwrap();
        {
            let pending = PendingOutput::new_directory(&target).unwrap();
            std::fs::create_dir(pending.temporary_path()).unwrap();
        }
        assert!(target.join("old.png").exists());
        let pending = PendingOutput::new_directory(&target).unwrap();
        std::fs::create_dir(pending.temporary_path()).unwrap();
        std::fs::write(pending.temporary_path().join("new.png"), b"new").unwrap();
        pending.publish().unwrap();
        assert!(target.join("new.png").exists() && !target.join("old.png").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn published_output_is_at_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("nested/out.mp4");
        let pending = PendingOutput::new(&target).unwrap();
        std::fs::write(pending.temporary_path(), b"video").unwrap();
        assert_eq!(pending.publish().unwrap(), target);
        assert_eq!(std::fs::read(&target).unwrap(), b"video");
    }
}
