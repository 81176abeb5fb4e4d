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
        })
    }

    pub fn temporary_path(&self) -> &Path {
        &self.temporary
    }

    pub fn publish(mut self) -> Result<PathBuf, RenderError> {
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
            let _ = std::fs::remove_file(&self.temporary);
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
    fn published_output_is_at_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("nested/out.mp4");
        let pending = PendingOutput::new(&target).unwrap();
        std::fs::write(pending.temporary_path(), b"video").unwrap();
        assert_eq!(pending.publish().unwrap(), target);
        assert_eq!(std::fs::read(&target).unwrap(), b"video");
    }
}
