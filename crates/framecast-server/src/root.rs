//! The served directory, checked once when a server starts, and the rule for where a symlink
//! inside it may lead.
//!
//! A symlink whose target lies inside the composition folder is served. So is one whose target
//! lies beside the folder, anywhere under its parent directory: a browser opening the folder
//! follows such a link, and a composition shipped with shared assets next to it
//! (`videos/intro/logo.png -> ../shared/logo.png`) relies on it. Anything further away is
//! refused: a composition that came from elsewhere must not be able to read the user's files
//! (`/etc/passwd`, `~/.ssh`) and put them into a video or a page the preview shows. For the same
//! reason the siblings are not served when the parent is the home directory, one of its
//! ancestors or `/` (then "beside the folder" is the user's whole home or the whole system), and
//! hidden entries beside the folder (`.ssh`, `.env`, `.git`) are never served: shared assets are
//! not kept in them, settings and keys are.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

use crate::ServerError;

/// The canonical served directory, and how far symlinks inside it may lead.
#[derive(Debug, Clone)]
pub(crate) struct ServedRoot {
    root: PathBuf,
    /// The root's parent, when the root's siblings may be served.
    beside: Option<PathBuf>,
}

impl ServedRoot {
    /// Canonicalizes `root` and checks that it is a directory. Blocks on the file system.
    pub(crate) fn open(root: &Path) -> Result<ServedRoot, ServerError> {
        let canonical = std::fs::canonicalize(root).map_err(|source| ServerError::Root {
            root: root.to_path_buf(),
            source,
        })?;
        if !canonical.is_dir() {
            return Err(ServerError::RootNotDirectory {
                root: root.to_path_buf(),
            });
        }
        let home = std::env::var_os("HOME")
            .filter(|home| !home.is_empty())
            .map(PathBuf::from)
            .map(|home| home.canonicalize().unwrap_or(home));
        Ok(ServedRoot::new(canonical, home.as_deref()))
    }

    /// `root` must be canonical, and so should `home` (the user's home directory, if known).
    fn new(root: PathBuf, home: Option<&Path>) -> ServedRoot {
        let beside = root
            .parent()
            .filter(|parent| parent.parent().is_some())
            .filter(|parent| !home.is_some_and(|home| home.starts_with(parent)))
            .map(Path::to_path_buf);
        ServedRoot { root, beside }
    }

    /// The canonical root.
    pub(crate) fn path(&self) -> &Path {
        &self.root
    }

    /// Whether the file or directory at `canonical` (a canonical path, symlinks resolved) may be
    /// served.
    pub(crate) fn admits(&self, canonical: &Path) -> bool {
        if canonical.starts_with(&self.root) {
            return true;
        }
        let Some(beside) = &self.beside else {
            return false;
        };
        // The first component below the parent names the sibling: it must exist (the parent
        // itself is not served) and must not be hidden.
        match canonical
            .strip_prefix(beside)
            .ok()
            .and_then(|below| below.components().next())
        {
            Some(Component::Normal(sibling)) => !is_hidden(sibling),
            _ => false,
        }
    }
}

fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admits(root: &ServedRoot, path: &str) -> bool {
        root.admits(Path::new(path))
    }

    #[test]
    fn admits_the_root_and_its_siblings_but_nothing_further() {
        let root = ServedRoot::new(
            PathBuf::from("/home/ada/videos/intro"),
            Some(Path::new("/home/ada")),
        );
        assert!(admits(&root, "/home/ada/videos/intro"));
        assert!(admits(&root, "/home/ada/videos/intro/.cache/a.png"));
        assert!(admits(&root, "/home/ada/videos/shared/logo.png"));
        assert!(admits(&root, "/home/ada/videos/shared"));
        assert!(admits(&root, "/home/ada/videos/poster.png"));
        assert!(admits(&root, "/home/ada/videos/intro-old/index.html"));
        for refused in [
            "/home/ada/videos",
            "/home/ada/videos/.env",
            "/home/ada/videos/.git/config",
            "/home/ada",
            "/home/ada/.ssh/id_ed25519",
            "/home/ada/notes.txt",
            "/etc/passwd",
            "/",
        ] {
            assert!(!admits(&root, refused), "{refused}");
        }
    }

    #[test]
    fn no_siblings_when_the_parent_holds_the_home_directory_or_is_the_file_system_root() {
        let home = Some(Path::new("/home/ada"));
        for (root, sibling) in [
            ("/home/ada/intro", "/home/ada/shared/logo.png"),
            ("/home/intro", "/home/ada/shared/logo.png"),
            ("/intro", "/etc/passwd"),
        ] {
            let served = ServedRoot::new(PathBuf::from(root), home);
            assert!(admits(&served, &format!("{root}/logo.png")), "{root}");
            assert!(!admits(&served, sibling), "{root}: {sibling}");
        }
        let without_home = ServedRoot::new(PathBuf::from("/intro"), None);
        assert!(!admits(&without_home, "/etc/passwd"));
    }

    #[test]
    fn the_file_system_root_serves_everything_under_it() {
        let root = ServedRoot::new(PathBuf::from("/"), None);
        assert!(admits(&root, "/etc/hostname"));
    }
}
