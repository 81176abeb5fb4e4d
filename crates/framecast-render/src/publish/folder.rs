//! The manifest framecast writes into every output folder (a PNG sequence, an HLS playlist with
//! its segments), and how a folder is recognised as one: a folder is framecast's output only if
//! it holds one kind's manifest, that manifest lists every other entry in it, and each of them is
//! a regular file. Only such a folder may be replaced (with `--overwrite`, and only by output of
//! its own kind), and only the files its manifest lists are ever removed from it.

use std::io;
use std::path::Path;

/// The manifest's file name inside a PNG sequence folder.
pub const SEQUENCE_MANIFEST: &str = "framecast-sequence.json";
/// The manifest's file name inside an HLS folder.
pub const HLS_MANIFEST: &str = "framecast-hls.json";
/// The manifest's file name inside a chunked render's plan folder.
pub const PLAN_MANIFEST: &str = "framecast-plan-files.json";

/// The kinds of folder framecast writes, each recognised by its manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    PngSequence,
    Hls,
    /// A chunked render's plan (`framecast plan`). It holds the composition's folder, so it is
    /// never recognised as a replaceable output: a plan is made only into a new folder.
    Plan,
}

impl FolderKind {
    const ALL: [FolderKind; 3] = [FolderKind::PngSequence, FolderKind::Hls, FolderKind::Plan];

    /// The manifest's file name in a folder of this kind.
    pub fn manifest_name(self) -> &'static str {
        match self {
            FolderKind::PngSequence => SEQUENCE_MANIFEST,
            FolderKind::Hls => HLS_MANIFEST,
            FolderKind::Plan => PLAN_MANIFEST,
        }
    }

    /// Identifies the manifest's format; bumped if its meaning changes.
    fn manifest_format(self) -> &'static str {
        match self {
            FolderKind::PngSequence => "framecast-png-sequence/1",
            FolderKind::Hls => "framecast-hls/1",
            FolderKind::Plan => "framecast-plan-files/1",
        }
    }

    /// The name with its article, for messages: "a PNG sequence".
    pub(crate) fn with_article(self) -> &'static str {
        match self {
            FolderKind::PngSequence => "a PNG sequence",
            FolderKind::Hls => "an HLS playlist",
            FolderKind::Plan => "a plan",
        }
    }
}

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
    /// An output framecast wrote: its kind and the files its manifest lists.
    Framecast(FolderKind, Vec<String>),
    /// Anything else; names one entry that makes it so.
    Other(String),
}

/// Reads `folder` (entries and manifest only, never the frames or segments).
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
    let Some((kind, manifest)) = FolderKind::ALL
        .into_iter()
        .find_map(|kind| Some((kind, read_manifest(folder, kind)?)))
    else {
        names.sort();
        return Ok(Contents::Other(names.swap_remove(0)));
    };
    match names
        .iter()
        .find(|name| *name != kind.manifest_name() && !manifest.files.contains(name))
    {
        Some(stranger) => Ok(Contents::Other(stranger.clone())),
        None => Ok(Contents::Framecast(kind, manifest.files)),
    }
}

fn read_manifest(folder: &Path, kind: FolderKind) -> Option<Manifest> {
    let text = std::fs::read(folder.join(kind.manifest_name())).ok()?;
    let manifest: Manifest = serde_json::from_slice(&text).ok()?;
    (manifest.format == kind.manifest_format()).then_some(manifest)
}

/// Writes the manifest of a finished output of `kind`: every regular file now in `folder`.
pub(crate) fn write_manifest(folder: &Path, kind: FolderKind) -> io::Result<()> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && name != kind.manifest_name() {
            files.push(name);
        }
    }
    files.sort();
    let manifest = Manifest {
        format: kind.manifest_format().to_string(),
        files,
    };
    let text = serde_json::to_vec_pretty(&manifest).expect("a manifest should serialise");
    std::fs::write(folder.join(kind.manifest_name()), text)
}

/// Removes a replaced output of `kind`: the files its manifest lists, the manifest, then the
/// folder if that left it empty. A file someone put there in the meantime is kept, with the
/// folder.
pub(crate) fn remove(folder: &Path, kind: FolderKind) -> io::Result<()> {
    if let Some(manifest) = read_manifest(folder, kind) {
        for name in &manifest.files {
            // Only plain names: a manifest edited to say `../x` removes nothing outside.
            if Path::new(name).file_name() == Some(std::ffi::OsStr::new(name)) {
                match std::fs::remove_file(folder.join(name)) {
                    Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                    _ => {}
                }
            }
        }
        std::fs::remove_file(folder.join(kind.manifest_name()))?;
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
        write_manifest(dir.path(), FolderKind::PngSequence).unwrap();
        assert_eq!(
            recognise(dir.path()).unwrap(),
            Contents::Framecast(
                FolderKind::PngSequence,
                vec!["audio.wav".into(), "frame_000000.png".into()]
            )
        );
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert_eq!(
            recognise(dir.path()).unwrap(),
            Contents::Other("sub".to_string())
        );
    }

    #[test]
    fn an_hls_folder_is_recognised_by_its_own_manifest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.m3u8"), b"#EXTM3U").unwrap();
        std::fs::write(dir.path().join("segment_000.ts"), b"G").unwrap();
        write_manifest(dir.path(), FolderKind::Hls).unwrap();
        assert!(dir.path().join(HLS_MANIFEST).is_file());
        assert_eq!(
            recognise(dir.path()).unwrap(),
            Contents::Framecast(
                FolderKind::Hls,
                vec!["index.m3u8".into(), "segment_000.ts".into()]
            )
        );
        // The other kind's removal finds no manifest of its own, and removes nothing.
        assert!(remove(dir.path(), FolderKind::PngSequence).is_err());
        assert!(dir.path().join("segment_000.ts").is_file());
        remove(dir.path(), FolderKind::Hls).unwrap();
        assert!(!dir.path().exists());
    }

    #[test]
    fn removing_a_sequence_keeps_what_its_manifest_does_not_list() {
        let dir = tempfile::tempdir().unwrap();
        let frames = dir.path().join("frames");
        std::fs::create_dir(&frames).unwrap();
        std::fs::write(frames.join("frame_000000.png"), b"a").unwrap();
        write_manifest(&frames, FolderKind::PngSequence).unwrap();
        std::fs::write(frames.join("late.txt"), b"mine").unwrap();
        assert!(
            remove(&frames, FolderKind::PngSequence).is_err(),
            "the folder is not empty"
        );
        assert_eq!(std::fs::read(frames.join("late.txt")).unwrap(), b"mine");
        assert!(!frames.join("frame_000000.png").exists());

        let clean = dir.path().join("clean");
        std::fs::create_dir(&clean).unwrap();
        std::fs::write(clean.join("frame_000000.png"), b"a").unwrap();
        write_manifest(&clean, FolderKind::PngSequence).unwrap();
        remove(&clean, FolderKind::PngSequence).unwrap();
        assert!(!clean.exists());
    }

    #[test]
    fn a_manifest_naming_files_outside_removes_nothing_there() {
        let dir = tempfile::tempdir().unwrap();
        let frames = dir.path().join("frames");
        std::fs::create_dir(&frames).unwrap();
        std::fs::write(dir.path().join("precious.txt"), b"keep").unwrap();
        let manifest = Manifest {
            format: FolderKind::PngSequence.manifest_format().to_string(),
            files: vec!["../precious.txt".to_string()],
        };
        std::fs::write(
            frames.join(SEQUENCE_MANIFEST),
            serde_json::to_vec(&manifest).unwrap(),
        )
        .unwrap();
        remove(&frames, FolderKind::PngSequence).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("precious.txt")).unwrap(),
            b"keep"
        );
    }
}
