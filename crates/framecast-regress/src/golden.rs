//! Goldens: the committed reference render of each fixture, `<goldens>/<id>/output.<ext>` in the
//! fixture's format (`output.mp4`, as HyperFrames names its baselines), or `<goldens>/<id>/frames/`
//! for a PNG sequence, compared byte for byte.
//!
//! The golden is the encoded video itself, not checkpoint PNGs. It is the smaller of the two by
//! far (the 1280x720 demo is about 430 KB as H.264; a hundred lossless PNGs of its gradient
//! would be tens of MB), it carries the frame count, timestamps, duration and any audio track
//! the comparison checks, and H.264 decoding is bit-exact, so it decodes to the same pixels on
//! every machine. Goldens are kept small by a size limit per fixture.

use std::path::{Path, PathBuf};

use framecast_media::OutputFormat;
use framecast_render::{FolderKind, OutputKind, PendingOutput, ReadSet};

/// The default cap on one fixture's golden, in bytes.
pub const DEFAULT_MAX_GOLDEN_BYTES: u64 = 1024 * 1024;

/// Where a fixture's golden lives.
#[derive(Debug, Clone)]
pub struct GoldenPaths {
    pub dir: PathBuf,
    /// The video file, or the PNG sequence directory.
    pub video: PathBuf,
}

impl GoldenPaths {
    /// `output_name` is what the render is called: `output.mp4`, `frames`, ...
    pub fn new(goldens: &Path, id: &str, output_name: &str) -> Self {
        let dir = goldens.join(id);
        GoldenPaths {
            video: dir.join(output_name),
            dir,
        }
    }
}

/// The size of a file, or of every file in a directory (a PNG sequence).
fn size_of(path: &Path) -> std::io::Result<u64> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_dir() {
        return Ok(metadata.len());
    }
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        total += size_of(&entry?.path())?;
    }
    Ok(total)
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    if !from.is_dir() {
        return std::fs::copy(from, to).map(drop);
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        copy_tree(&entry.path(), &to.join(entry.file_name()))?;
    }
    Ok(())
}

/// Why a golden cannot be used or written.
#[derive(Debug, thiserror::Error)]
pub enum GoldenError {
    #[error(
        "no golden at {}: run `framecast regress --update --filter '^{id}$'` to create it",
        path.display()
    )]
    Missing { id: String, path: PathBuf },

    #[error(
        "the golden {} is {} KB, over the {} KB limit per fixture: make the fixture shorter or \
         smaller (320x180 or 640x360, 1-3 s), or raise --max-golden-kb",
        path.display(), bytes / 1024, limit / 1024
    )]
    TooLarge {
        path: PathBuf,
        bytes: u64,
        limit: u64,
    },

    #[error("cannot update the golden: {0}")]
    Refused(#[source] framecast_render::RenderError),

    #[error("{action} {} failed: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
}

/// Checks that `video` exists and is within `limit` bytes.
pub fn check_size(id: &str, video: &Path, limit: u64) -> Result<u64, GoldenError> {
    let bytes = match size_of(video) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(GoldenError::Missing {
                id: id.to_string(),
                path: video.to_path_buf(),
            });
        }
        Err(source) => {
            return Err(GoldenError::Io {
                path: video.to_path_buf(),
                action: "reading",
                source,
            });
        }
    };
    if bytes > limit {
        return Err(GoldenError::TooLarge {
            path: video.to_path_buf(),
            bytes,
            limit,
        });
    }
    Ok(bytes)
}

/// Makes `rendered` the golden, if it is within the size limit; an over-size render leaves the
/// old golden in place.
pub fn update(
    id: &str,
    paths: &GoldenPaths,
    rendered: &Path,
    limit: u64,
) -> Result<u64, GoldenError> {
    let bytes = check_size(id, rendered, limit).map_err(|error| match error {
        GoldenError::TooLarge { bytes, limit, .. } => GoldenError::TooLarge {
            path: paths.video.clone(),
            bytes,
            limit,
        },
        other => other,
    })?;
    let io = |path: &Path, action| {
        let path = path.to_path_buf();
        move |source| GoldenError::Io {
            path,
            action,
            source,
        }
    };
    // Through the publish step: copied under a temporary name beside the golden and renamed
    // over it, so an interrupted update never leaves a half-written golden, and nothing but a
    // golden of the same format (or a sequence framecast wrote) is ever replaced.
    let kind = match OutputFormat::from_path(&paths.video) {
        Some(format) => OutputKind::of(format),
        None => OutputKind::Folder(FolderKind::PngSequence),
    };
    let pending = PendingOutput::prepare(&paths.video, kind, &ReadSet::default(), true)
        .map_err(GoldenError::Refused)?;
    copy_tree(rendered, pending.temporary_path())
        .map_err(io(pending.temporary_path(), "writing"))?;
    pending
        .publish(&ReadSet::default())
        .map_err(GoldenError::Refused)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_render_is_refused_and_the_old_golden_kept() {
        let dir = tempfile::tempdir().unwrap();
        let paths = GoldenPaths::new(dir.path(), "fx", "output.mp4");
        let small = dir.path().join("small.mp4");
        let large = dir.path().join("large.mp4");
        std::fs::write(&small, vec![1u8; 100]).unwrap();
        std::fs::write(&large, vec![2u8; 3000]).unwrap();

        assert_eq!(update("fx", &paths, &small, 2048).unwrap(), 100);
        let error = update("fx", &paths, &large, 2048).unwrap_err();
        assert!(matches!(error, GoldenError::TooLarge { bytes: 3000, .. }));
        assert!(error.to_string().contains("over the 2 KB limit"), "{error}");
        assert_eq!(std::fs::read(&paths.video).unwrap(), vec![1u8; 100]);
    }

    #[test]
    fn a_png_sequence_golden_is_replaced_whole_and_measured_whole() {
        let dir = tempfile::tempdir().unwrap();
        let paths = GoldenPaths::new(dir.path(), "fx", "frames");
        let first = dir.path().join("first");
        std::fs::create_dir_all(&first).unwrap();
        for name in ["frame_000000.png", "frame_000001.png", "frame_000002.png"] {
            std::fs::write(first.join(name), vec![0u8; 400]).unwrap();
        }
        assert_eq!(update("fx", &paths, &first, 2048).unwrap(), 1200);
        let second = dir.path().join("second");
        std::fs::create_dir_all(&second).unwrap();
        std::fs::write(second.join("frame_000000.png"), vec![1u8; 10]).unwrap();
        assert_eq!(update("fx", &paths, &second, 2048).unwrap(), 10);
        let mut names: Vec<_> = std::fs::read_dir(&paths.video)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["frame_000000.png", framecast_render::SEQUENCE_MANIFEST],
            "the old frames are gone"
        );
        let manifest = std::fs::metadata(paths.video.join(framecast_render::SEQUENCE_MANIFEST))
            .unwrap()
            .len();
        let measured = check_size("fx", &paths.video, 5);
        assert!(
            matches!(measured, Err(GoldenError::TooLarge { bytes, .. }) if bytes == 10 + manifest),
            "{measured:?}"
        );
    }

    #[test]
    fn a_missing_golden_says_how_to_make_one() {
        let dir = tempfile::tempdir().unwrap();
        let paths = GoldenPaths::new(dir.path(), "fx", "output.mp4");
        let error = check_size("fx", &paths.video, 1024).unwrap_err();
        assert!(
            error.to_string().contains("--update --filter '^fx$'"),
            "{error}"
        );
    }
}
