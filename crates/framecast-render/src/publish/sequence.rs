//! The manifest framecast writes into every PNG sequence folder, and how a folder is recognised
//! as one: a folder is framecast's sequence only if its manifest lists every other entry in it
//! and each of them is a regular file. Only such a folder may be replaced (with `--overwrite`),
//! and only the files its manifest lists are ever removed from it.

use std::io;
use std::path::Path;

/// The manifest's file name inside a sequence folder.
pub const MANIFEST_NAME: &str = "framecast-sequence.json";

/// Identifies the manifest's format; bumped if its meaning changes.
const MANIFEST_FORMAT: &str = "framecast-png-sequence/1";

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Manifest {
    format: String,
    /// Every file framecast wrote into the folder, the manifest excepted.
    files: Vec<String>,
}

/// What an existing folder holds.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Contents {
    Empty,
    /// A sequence framecast wrote: the files its manifest lists.
    Sequence(Vec<String>),
    /// Anything else; names one entry that makes it so.
    Other(String),
}

/// Reads `folder` (entries and manifest only, never the frames).
pub(crate) fn recognise(folder: &Path) -> io::Result<Contents> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_file() {
            return Ok(Contents::Other(name));
        }
        names.push(name);
    }
    if names.is_empty() {
        return Ok(Contents::Empty);
    }
    let Some(manifest) = read_manifest(folder) else {
        names.sort();
        return Ok(Contents::Other(names.swap_remove(0)));
    };
    match names
        .iter()
        .find(|name| *name != MANIFEST_NAME && !manifest.files.contains(name))
    {
        Some(stranger) => Ok(Contents::Other(stranger.clone())),
        None => Ok(Contents::Sequence(manifest.files)),
    }
}

fn read_manifest(folder: &Path) -> Option<Manifest> {
    let text = std::fs::read(folder.join(MANIFEST_NAME)).ok()?;
    let manifest: Manifest = serde_json::from_slice(&text).ok()?;
    (manifest.format == MANIFEST_FORMAT).then_some(manifest)
}

/// Writes the manifest of a finished sequence: every regular file now in `folder`.
pub(crate) fn write_manifest(folder: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && name != MANIFEST_NAME {
            files.push(name);
        }
    }
    files.sort();
    let manifest = Manifest {
        format: MANIFEST_FORMAT.to_string(),
        files,
    };
    let text = serde_json::to_vec_pretty(&manifest).expect("a manifest should serialise");
    std::fs::write(folder.join(MANIFEST_NAME), text)
}

/// Removes a replaced sequence: the files its manifest lists, the manifest, then the folder if
/// that left it empty. A file someone put there in the meantime is kept, with the folder.
pub(crate) fn remove(folder: &Path) -> io::Result<()> {
    if let Some(manifest) = read_manifest(folder) {
        for name in &manifest.files {
            // Only plain names: a manifest edited to say `../x` removes nothing outside.
            if Path::new(name).file_name() == Some(std::ffi::OsStr::new(name)) {
                match std::fs::remove_file(folder.join(name)) {
                    Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                    _ => {}
                }
            }
        }
        std::fs::remove_file(folder.join(MANIFEST_NAME))?;
    }
    std::fs::remove_dir(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_a_sequence_only_when_its_manifest_lists_everything() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(recognise(dir.path()).unwrap(), Contents::Empty);
        std::fs::write(dir.path().join("frame_000000.png"), b"a").unwrap();
        std::fs::write(dir.path().join("audio.wav"), b"b").unwrap();
        assert_eq!(
            recognise(dir.path()).unwrap(),
            Contents::Other("audio.wav".to_string())
        );
        write_manifest(dir.path()).unwrap();
        assert_eq!(
            recognise(dir.path()).unwrap(),
            Contents::Sequence(vec!["audio.wav".into(), "frame_000000.png".into()])
        );
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert_eq!(
            recognise(dir.path()).unwrap(),
            Contents::Other("sub".to_string())
        );
    }

    #[test]
    fn removing_a_sequence_keeps_what_its_manifest_does_not_list() {
        let dir = tempfile::tempdir().unwrap();
        let frames = dir.path().join("frames");
        std::fs::create_dir(&frames).unwrap();
        std::fs::write(frames.join("frame_000000.png"), b"a").unwrap();
        write_manifest(&frames).unwrap();
        std::fs::write(frames.join("late.txt"), b"mine").unwrap();
        assert!(remove(&frames).is_err(), "the folder is not empty");
        assert_eq!(std::fs::read(frames.join("late.txt")).unwrap(), b"mine");
        assert!(!frames.join("frame_000000.png").exists());

        let clean = dir.path().join("clean");
        std::fs::create_dir(&clean).unwrap();
        std::fs::write(clean.join("frame_000000.png"), b"a").unwrap();
        write_manifest(&clean).unwrap();
        remove(&clean).unwrap();
        assert!(!clean.exists());
    }

    #[test]
    fn a_manifest_naming_files_outside_removes_nothing_there() {
        let dir = tempfile::tempdir().unwrap();
        let frames = dir.path().join("frames");
        std::fs::create_dir(&frames).unwrap();
        std::fs::write(dir.path().join("precious.txt"), b"keep").unwrap();
        let manifest = Manifest {
            format: MANIFEST_FORMAT.to_string(),
            files: vec!["../precious.txt".to_string()],
        };
        std::fs::write(
            frames.join(MANIFEST_NAME),
            serde_json::to_vec(&manifest).unwrap(),
        )
        .unwrap();
        remove(&frames).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("precious.txt")).unwrap(),
            b"keep"
        );
    }
}
