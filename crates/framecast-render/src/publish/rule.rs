//! The output rule, in one place: framecast writes only to paths it creates, or to a regular file
//! of the requested format that it replaces atomically. Everything that could lose a user's data
//! is refused here, before Chrome starts, with the path and what to do instead:
//!
//! - the composition's folder, a folder that contains it, or a file the render reads;
//! - a directory when a file format is asked for, a file when a folder format (a PNG sequence,
//!   HLS) is;
//! - a directory that is not empty, unless it holds only an output of the asked folder kind that
//!   framecast wrote (its manifest lists every file in it) and `--overwrite` was given;
//! - an existing file that is not of the requested format (an `index.html` asked to become an
//!   MP4), a symbolic link, or anything that is not a regular file or directory.
//!
//! The format itself comes from the name or `--format`, never from what exists on disk.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use framecast_media::OutputFormat;

use super::folder::{self, FolderKind};
use crate::RenderError;

/// What is written at the target: one file of a known kind, or a folder of a known kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    File(FileKind),
    Folder(FolderKind),
}

impl OutputKind {
    pub fn of(format: OutputFormat) -> OutputKind {
        match format {
            OutputFormat::Mp4 => OutputKind::File(FileKind::Mp4),
            OutputFormat::Mov => OutputKind::File(FileKind::Mov),
            OutputFormat::Webm => OutputKind::File(FileKind::Webm),
            OutputFormat::Gif => OutputKind::File(FileKind::Gif),
            OutputFormat::PngSequence => OutputKind::Folder(FolderKind::PngSequence),
            OutputFormat::Hls => OutputKind::Folder(FolderKind::Hls),
        }
    }
}

/// The file formats framecast writes, each recognised by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Mp4,
    Mov,
    Webm,
    Gif,
    Png,
    /// A chunk's record (`chunk_0003.json`) or another JSON file framecast writes.
    Json,
}

impl FileKind {
    /// The name with its article, for messages: "an MP4", "a GIF".
    fn with_article(self) -> &'static str {
        match self {
            FileKind::Mp4 => "an MP4",
            FileKind::Mov => "a MOV",
            FileKind::Webm => "a WebM",
            FileKind::Gif => "a GIF",
            FileKind::Png => "a PNG",
            FileKind::Json => "a JSON",
        }
    }

    /// Whether `head`, a file's first bytes, starts like a file of this kind. MP4 and MOV
    /// are both ISO base media files; a QuickTime file may start with any of its top-level
    /// atoms rather than `ftyp`.
    fn recognises(self, head: &[u8]) -> bool {
        match self {
            FileKind::Mp4 | FileKind::Mov => head.get(4..8).is_some_and(|atom| {
                [b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"]
                    .iter()
                    .any(|known| atom == *known)
            }),
            FileKind::Webm => head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]),
            FileKind::Gif => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
            FileKind::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
            FileKind::Json => head.trim_ascii_start().starts_with(b"{"),
        }
    }
}

/// What a render reads and so must never write: the composition's folder (and every folder
/// that contains it) and individual files such as the entry HTML and media sources. Paths are
/// kept canonical, so a file named two ways is still one file.
#[derive(Debug, Clone, Default)]
pub struct ReadSet {
    folders: Vec<PathBuf>,
    files: BTreeSet<PathBuf>,
}

impl ReadSet {
    /// The set for a composition served from `folder`.
    pub fn for_folder(folder: &Path) -> ReadSet {
        let mut reads = ReadSet::default();
        reads.folders.push(canonical_or_same(folder));
        reads
    }

    /// Adds a file the render reads (a file that does not exist cannot be overwritten, and is
    /// kept as named).
    pub fn add_file(&mut self, path: &Path) {
        self.files.insert(canonical_or_same(path));
    }

    fn reads_file(&self, path: &Path) -> bool {
        self.files.contains(path)
    }

    /// The composition folder `path` is or contains, if any.
    fn folder_within(&self, path: &Path) -> Option<&Path> {
        self.folders
            .iter()
            .find(|folder| folder.starts_with(path))
            .map(PathBuf::as_path)
    }
}

fn canonical_or_same(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// `target` as an absolute path whose existing folders are canonical (symbolic links and `..`
/// resolved), its last component kept as named so that a link at the target is seen as a link.
pub(crate) fn resolve(target: &Path) -> Result<PathBuf, RenderError> {
    let absolute = if target.is_absolute() {
        target.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|source| RenderError::Output {
                path: target.to_path_buf(),
                source,
            })?
            .join(target)
    };
    let Some(name) = absolute.file_name() else {
        // `.`, `..` or `/`: only an existing folder can be named so.
        return absolute.canonicalize().map_err(|_| {
            refusal(
                target,
                "is not a file or folder name; name the output, such as out.mp4 or frames/",
            )
        });
    };
    let parent = absolute.parent().unwrap_or(Path::new("/"));
    let mut existing = parent;
    let mut missing = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut resolved = canonical;
            resolved.extend(missing.iter().rev());
            resolved.push(name);
            return Ok(resolved);
        }
        match (existing.file_name(), existing.parent()) {
            (Some(part), Some(up)) => {
                missing.push(part);
                existing = up;
            }
            _ => {
                return Err(refusal(
                    target,
                    "has a folder that cannot be resolved; name it without '..' past a folder that does not exist",
                ));
            }
        }
    }
}

/// Checks that writing `kind` at `target` (already [`resolve`]d) cannot lose anything. Reads
/// only metadata, a file's first bytes and a sequence's manifest.
pub(crate) fn check(
    target: &Path,
    kind: OutputKind,
    reads: &ReadSet,
    overwrite: bool,
) -> Result<(), RenderError> {
    if let Some(folder) = reads.folder_within(target) {
        let reason = if folder == target {
            "is the composition's own folder, which the render reads; write the output outside it, such as ../out.mp4".to_string()
        } else {
            format!(
                "contains the composition ({}); name a new file or folder for the output, such as {}",
                folder.display(),
                target.join("renders/out.mp4").display()
            )
        };
        return Err(refusal(target, &reason));
    }
    if reads.reads_file(target) {
        return Err(refusal(
            target,
            "is a file the render reads; choose another output name",
        ));
    }
    let metadata = match std::fs::symlink_metadata(target) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(RenderError::Output {
                path: target.to_path_buf(),
                source,
            });
        }
    };
    let file_type = metadata.file_type();
    match kind {
        _ if file_type.is_symlink() => Err(refusal(
            target,
            "is a symbolic link; framecast replaces only regular files it can check, so remove the link or choose another name",
        )),
        OutputKind::File(file) if file_type.is_dir() => Err(refusal(
            target,
            &format!(
                "is a folder, but {} file was asked for (by the name or the format); framecast never replaces a folder with a file, so choose another name",
                file.with_article()
            ),
        )),
        OutputKind::File(file) if file_type.is_file() => check_file(target, file, &metadata),
        OutputKind::Folder(kind) if file_type.is_dir() => check_folder(target, kind, overwrite),
        OutputKind::Folder(kind) if file_type.is_file() => Err(refusal(
            target,
            &format!(
                "is a file, but {} (a folder) was asked for; choose a new folder name, or a name such as out.mp4 for a video",
                kind.with_article()
            ),
        )),
        _ => Err(refusal(
            target,
            "is neither a regular file nor a folder; choose another name",
        )),
    }
}

/// An existing file is replaced only when it is of the requested format (or empty).
fn check_file(
    target: &Path,
    kind: FileKind,
    metadata: &std::fs::Metadata,
) -> Result<(), RenderError> {
    if metadata.len() == 0 {
        return Ok(());
    }
    let mut head = Vec::with_capacity(12);
    let read = std::fs::File::open(target).and_then(|file| file.take(12).read_to_end(&mut head));
    match read {
        Ok(_) if kind.recognises(&head) => Ok(()),
        Ok(_) => Err(refusal(
            target,
            &format!(
                "exists and is not {} file; framecast replaces only a file of the format it writes, so remove it or choose another name",
                kind.with_article()
            ),
        )),
        Err(source) => Err(RenderError::Output {
            path: target.to_path_buf(),
            source,
        }),
    }
}

/// An existing folder is written only when it is empty, or holds an output of the same kind
/// framecast wrote and `--overwrite` says to replace it.
fn check_folder(target: &Path, kind: FolderKind, overwrite: bool) -> Result<(), RenderError> {
    let new_folder = match kind {
        FolderKind::PngSequence => "frames",
        FolderKind::Hls => "stream",
        FolderKind::Plan => "plan",
    };
    match folder::recognise(target) {
        Ok(folder::Contents::Empty) => Ok(()),
        Ok(folder::Contents::Framecast(found, _)) if found == kind && overwrite => Ok(()),
        Ok(folder::Contents::Framecast(found, _)) if found == kind => Err(refusal(
            target,
            &format!(
                "holds {} framecast wrote earlier; pass --overwrite to replace it, or name a new folder",
                kind.with_article()
            ),
        )),
        Ok(folder::Contents::Framecast(found, _)) => Err(refusal(
            target,
            &format!(
                "holds {} framecast wrote earlier, but {} was asked for; framecast replaces a folder only with output of its own kind, so name a new folder such as {}",
                found.with_article(),
                kind.with_article(),
                target.join(new_folder).display()
            ),
        )),
        Ok(folder::Contents::Other(example)) => Err(refusal(
            target,
            &format!(
                "is a folder that is not empty ({} is in it) and is not {} framecast wrote; framecast never writes into an existing folder, so name a new one such as {}",
                example,
                kind.with_article(),
                target.join(new_folder).display()
            ),
        )),
        Err(source) => Err(RenderError::Output {
            path: target.to_path_buf(),
            source,
        }),
    }
}

fn refusal(path: &Path, reason: &str) -> RenderError {
    RenderError::UnsafeOutput {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(target: &Path, kind: OutputKind, reads: &ReadSet, overwrite: bool) -> String {
        match check(&resolve(target).unwrap(), kind, reads, overwrite) {
            Err(error @ RenderError::UnsafeOutput { .. }) => error.to_string(),
            other => panic!("{} should be refused, got {other:?}", target.display()),
        }
    }

    const MP4: OutputKind = OutputKind::File(FileKind::Mp4);
    const SEQUENCE: OutputKind = OutputKind::Folder(FolderKind::PngSequence);
    const HLS: OutputKind = OutputKind::Folder(FolderKind::Hls);

    #[test]
    fn the_composition_folder_its_ancestors_and_read_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let comp = dir.path().join("comp");
        std::fs::create_dir(&comp).unwrap();
        std::fs::write(comp.join("index.html"), "<html>").unwrap();
        std::fs::write(comp.join("clip.mp4"), b"\0\0\0\x18ftypisom").unwrap();
        let mut reads = ReadSet::for_folder(&comp);
        reads.add_file(&comp.join("clip.mp4"));
        let message = refused(&comp, SEQUENCE, &reads, true);
        assert!(message.contains("composition's own folder"), "{message}");
        let message = refused(dir.path(), SEQUENCE, &reads, true);
        assert!(message.contains("contains the composition"), "{message}");
        // Named another way, through `..`.
        let message = refused(&comp.join("../comp/."), SEQUENCE, &reads, true);
        assert!(message.contains("composition"), "{message}");
        let message = refused(&comp.join("clip.mp4"), MP4, &reads, false);
        assert!(message.contains("the render reads"), "{message}");
        let message = refused(&comp.join("index.html"), MP4, &reads, false);
        assert!(message.contains("not an MP4 file"), "{message}");
        // A new file inside the composition's folder is fine (a `renders/` folder).
        let new = resolve(&comp.join("renders/out.mp4")).unwrap();
        assert!(check(&new, MP4, &reads, false).is_ok());
    }

    #[test]
    fn folders_and_files_are_never_taken_for_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let reads = ReadSet::default();
        let folder = dir.path().join("out.mp4");
        std::fs::create_dir(&folder).unwrap();
        assert!(refused(&folder, MP4, &reads, true).contains("is a folder"));
        let file = dir.path().join("frames");
        std::fs::write(&file, b"notes").unwrap();
        assert!(refused(&file, SEQUENCE, &reads, true).contains("is a file"));
        let link = dir.path().join("link.mp4");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(refused(&link, MP4, &reads, true).contains("symbolic link"));
    }

    #[test]
    fn only_a_file_of_the_format_or_an_empty_one_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let reads = ReadSet::default();
        let cases: &[(&str, &[u8], FileKind, bool)] = &[
            ("a.mp4", b"\0\0\0\x20ftypisom\0\0", FileKind::Mp4, true),
            ("b.mov", b"\0\0\0\x08wide\0\0", FileKind::Mov, true),
            ("c.webm", &[0x1A, 0x45, 0xDF, 0xA3, 1], FileKind::Webm, true),
            ("d.gif", b"GIF89a....", FileKind::Gif, true),
            ("e.png", b"\x89PNG\r\n\x1a\n", FileKind::Png, true),
            ("f.mp4", b"", FileKind::Mp4, true),
            ("g.mp4", b"<html></html>", FileKind::Mp4, false),
            ("h.gif", b"\x89PNG\r\n\x1a\n", FileKind::Gif, false),
            ("i.webm", b"\0\0\0\x20ftypisom", FileKind::Webm, false),
            ("j.mp4", b"ftyp", FileKind::Mp4, false),
        ];
        for (name, bytes, kind, replaceable) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let result = check(
                &resolve(&path).unwrap(),
                OutputKind::File(*kind),
                &reads,
                false,
            );
            assert_eq!(result.is_ok(), *replaceable, "{name}: {result:?}");
        }
    }

    #[test]
    fn a_folder_is_written_only_when_empty_or_a_sequence_with_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let reads = ReadSet::default();
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(check(&resolve(&empty).unwrap(), SEQUENCE, &reads, false).is_ok());
        let videos = dir.path().join("Videos");
        std::fs::create_dir_all(videos.join("holiday")).unwrap();
        std::fs::write(videos.join("notes.txt"), b"mine").unwrap();
        let message = refused(&videos, SEQUENCE, &reads, true);
        assert!(message.contains("not empty"), "{message}");
        let frames = dir.path().join("frames");
        std::fs::create_dir(&frames).unwrap();
        std::fs::write(frames.join("frame_000000.png"), b"png").unwrap();
        folder::write_manifest(&frames, FolderKind::PngSequence).unwrap();
        assert!(refused(&frames, SEQUENCE, &reads, false).contains("--overwrite"));
        assert!(check(&resolve(&frames).unwrap(), SEQUENCE, &reads, true).is_ok());
        std::fs::write(frames.join("mine.txt"), b"added by hand").unwrap();
        assert!(refused(&frames, SEQUENCE, &reads, true).contains("mine.txt"));
    }

    #[test]
    fn a_folder_of_one_kind_is_never_replaced_by_the_other() {
        let dir = tempfile::tempdir().unwrap();
        let reads = ReadSet::default();
        let stream = dir.path().join("stream");
        std::fs::create_dir(&stream).unwrap();
        std::fs::write(stream.join("index.m3u8"), b"#EXTM3U").unwrap();
        assert!(refused(&stream, HLS, &reads, true).contains("not an HLS playlist"));
        folder::write_manifest(&stream, FolderKind::Hls).unwrap();
        assert!(refused(&stream, HLS, &reads, false).contains("--overwrite"));
        assert!(check(&resolve(&stream).unwrap(), HLS, &reads, true).is_ok());
        let message = refused(&stream, SEQUENCE, &reads, true);
        assert!(
            message.contains("holds an HLS playlist") && message.contains("PNG sequence"),
            "{message}"
        );
        let file = dir.path().join("notes");
        std::fs::write(&file, b"notes").unwrap();
        assert!(refused(&file, HLS, &reads, true).contains("an HLS playlist (a folder)"));
    }

    #[test]
    fn targets_resolve_through_folders_that_do_not_exist_yet() {
        let dir = tempfile::tempdir().unwrap();
        let canonical = dir.path().canonicalize().unwrap();
        assert_eq!(
            resolve(&dir.path().join("a/b/out.mp4")).unwrap(),
            canonical.join("a/b/out.mp4")
        );
        assert!(resolve(&dir.path().join("x/..")).is_err());
        assert_eq!(resolve(&dir.path().join(".")).unwrap(), canonical);
    }
}
