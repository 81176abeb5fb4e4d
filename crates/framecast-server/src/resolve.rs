//! Deciding which file answers a request, once its path has been decoded. This is where symlinks
//! are followed and checked: a file on disk is served only if its canonical path is one the
//! served root admits (inside it, or beside it: see `root.rs`), or it is one of the vendor
//! fallback files; embedded libraries and fonts come from the binary.

use crate::root::ServedRoot;
use crate::vendor::{VendorFile, VendorLibraries};
use std::path::{Path, PathBuf};

/// What the server does with a decoded request path.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolution {
    /// Serve this file of the composition's (a canonical path, inside or beside the root).
    File(PathBuf),
    /// Serve this vendor fallback file from disk (a file framecast put there, not the
    /// composition's).
    VendorFile(PathBuf),
    /// Serve these bytes, embedded in the binary, typed by the requested path.
    Embedded(&'static [u8]),
    /// The path names a directory but the URL lacks its trailing slash; redirect, so relative
    /// URLs inside its `index.html` resolve against the directory.
    AddTrailingSlash,
    /// The path resolves outside what the root admits (through a symlink).
    Forbidden,
    NotFound,
}

/// The served directory and its fallbacks.
#[derive(Debug)]
pub(crate) struct Site {
    root: ServedRoot,
    vendor: VendorLibraries,
}

enum Located {
    Admitted(PathBuf),
    Refused,
    Missing,
}

impl Site {
    pub(crate) fn new(root: ServedRoot, vendor: VendorLibraries) -> Self {
        Self { root, vendor }
    }

    /// The canonical served directory.
    pub(crate) fn root(&self) -> &Path {
        self.root.path()
    }

    /// Resolves `relative` (already decoded and free of `..`). `url_ends_with_slash` tells
    /// whether the request named a directory explicitly. This blocks on the file system.
    pub(crate) fn resolve(&self, relative: &Path, url_ends_with_slash: bool) -> Resolution {
        if let Ok(font) = relative.strip_prefix(crate::vendor::FONTS_PREFIX) {
            return match self.vendor.font_file(font) {
                Some(bytes) => Resolution::Embedded(bytes),
                None => Resolution::NotFound,
            };
        }
        match self.locate(&self.root().join(relative)) {
            Located::Admitted(path) if path.is_dir() => {
                if !url_ends_with_slash && !relative.as_os_str().is_empty() {
                    return Resolution::AddTrailingSlash;
                }
                match self.locate(&path.join("index.html")) {
                    Located::Admitted(index) if index.is_file() => Resolution::File(index),
                    Located::Refused => Resolution::Forbidden,
                    Located::Admitted(_) | Located::Missing => Resolution::NotFound,
                }
            }
            Located::Admitted(path) if path.is_file() => Resolution::File(path),
            // A socket, a FIFO or a device: nothing a composition loads.
            Located::Admitted(_) => Resolution::NotFound,
            Located::Refused => Resolution::Forbidden,
            Located::Missing => self.vendor_fallback(relative),
        }
    }

    fn locate(&self, candidate: &Path) -> Located {
        // Any failure (missing file, a file used as a directory, a dangling symlink, no
        // permission) means there is nothing to serve.
        match std::fs::canonicalize(candidate) {
            Ok(canonical) if self.root.admits(&canonical) => Located::Admitted(canonical),
            Ok(_) => Located::Refused,
            Err(_) => Located::Missing,
        }
    }

    fn vendor_fallback(&self, relative: &Path) -> Resolution {
        let fallback = relative
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| self.vendor.lookup(name));
        match fallback {
            Some(VendorFile::Embedded(bytes)) => Resolution::Embedded(bytes),
            Some(VendorFile::Disk(path)) if path.is_file() => Resolution::VendorFile(path.clone()),
            _ => Resolution::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn site_in(dir: &Path, vendor: VendorLibraries) -> (Site, PathBuf) {
        let root = ServedRoot::open(dir).expect("should open the root");
        let canonical = root.path().to_path_buf();
        (Site::new(root, vendor), canonical)
    }

    #[test]
    fn serves_files_and_directory_indexes() {
        let dir = tempfile::tempdir().expect("should create a temp dir");
        fs::create_dir(dir.path().join("sub")).expect("should mkdir");
        fs::write(dir.path().join("index.html"), "root").expect("should write");
        fs::write(dir.path().join("sub/index.html"), "sub").expect("should write");
        let (site, root) = site_in(dir.path(), VendorLibraries::none());

        assert_eq!(
            site.resolve(Path::new(""), true),
            Resolution::File(root.join("index.html"))
        );
        assert_eq!(
            site.resolve(Path::new("sub"), true),
            Resolution::File(root.join("sub/index.html"))
        );
        assert_eq!(
            site.resolve(Path::new("sub"), false),
            Resolution::AddTrailingSlash
        );
        assert_eq!(
            site.resolve(Path::new("missing.js"), false),
            Resolution::NotFound
        );
    }

    #[cfg(unix)]
    #[test]
    fn follows_symlinks_within_and_beside_the_root_only() {
        use std::os::unix::fs::symlink;
        let temp = tempfile::tempdir().expect("should create a temp dir");
        let shelf = temp.path().join("shelf");
        let dir = shelf.join("intro");
        fs::create_dir_all(&dir).expect("should mkdir");
        fs::create_dir_all(shelf.join("shared")).expect("should mkdir");
        fs::create_dir_all(temp.path().join("private")).expect("should mkdir");
        fs::write(shelf.join("shared/logo.txt"), "logo").expect("should write");
        fs::write(temp.path().join("private/secret"), "secret").expect("should write");
        fs::write(dir.join("real.txt"), "real").expect("should write");
        symlink(dir.join("real.txt"), dir.join("alias.txt")).expect("should symlink");
        symlink("../shared", dir.join("shared")).expect("should symlink");
        symlink(temp.path().join("private"), dir.join("escape")).expect("should symlink");
        let (site, root) = site_in(&dir, VendorLibraries::none());
        let shared = root
            .parent()
            .expect("the root should have a parent")
            .join("shared");

        assert_eq!(
            site.resolve(Path::new("alias.txt"), false),
            Resolution::File(root.join("real.txt"))
        );
        assert_eq!(
            site.resolve(Path::new("shared/logo.txt"), false),
            Resolution::File(shared.join("logo.txt"))
        );
        assert_eq!(
            site.resolve(Path::new("escape/secret"), false),
            Resolution::Forbidden
        );
        assert_eq!(
            site.resolve(Path::new("escape"), true),
            Resolution::Forbidden
        );
    }

    /// A file of the checkout's `node_modules`, which the embedded table was built from.
    fn installed(path: &str) -> Vec<u8> {
        let node_modules = concat!(env!("CARGO_MANIFEST_DIR"), "/../../node_modules");
        fs::read(Path::new(node_modules).join(path))
            .unwrap_or_else(|error| panic!("should read the installed {path}: {error}"))
    }

    fn embedded(resolution: Resolution) -> &'static [u8] {
        match resolution {
            Resolution::Embedded(bytes) => bytes,
            other => panic!("expected embedded bytes, got {other:?}"),
        }
    }

    #[test]
    fn serves_fonts_under_the_reserved_prefix_only_from_fontsource() {
        let dir = tempfile::tempdir().expect("should create a temp dir");
        // A file of the composition's own at the reserved path never shadows the fonts.
        let own = dir.path().join("__framecast/fonts/inter");
        fs::create_dir_all(&own).expect("should mkdir");
        fs::write(own.join("inter-latin-400-normal.woff"), "own").expect("should write");
        let (site, _) = site_in(dir.path(), VendorLibraries::embedded());

        let font = "@fontsource/inter/files/inter-latin-400-normal.woff";
        let served = embedded(site.resolve(
            Path::new("__framecast/fonts/inter/inter-latin-400-normal.woff"),
            false,
        ));
        assert_eq!(Some(served), framecast_assets::file(font));
        assert_eq!(served, installed(font));
        for missing in [
            "__framecast/fonts/inter/inter-latin-100-normal.woff",
            "__framecast/fonts/roboto/roboto-latin-400-normal.woff",
            "__framecast/fonts/inter/sub/inter-latin-400-normal.woff",
            "__framecast/fonts/inter",
        ] {
            assert_eq!(
                site.resolve(Path::new(missing), false),
                Resolution::NotFound,
                "{missing}"
            );
        }
        let (without_fonts, _) = site_in(dir.path(), VendorLibraries::none());
        assert_eq!(
            without_fonts.resolve(
                Path::new("__framecast/fonts/inter/inter-latin-400-normal.woff"),
                false
            ),
            Resolution::NotFound
        );
    }

    #[test]
    fn falls_back_to_embedded_libraries_by_name() {
        let dir = tempfile::tempdir().expect("should create a temp dir");
        fs::create_dir(dir.path().join("own")).expect("should mkdir");
        fs::write(dir.path().join("own/gsap.min.js"), "own").expect("should write");
        let (site, root) = site_in(dir.path(), VendorLibraries::embedded());

        let gsap = "gsap/dist/gsap.min.js";
        let served = embedded(site.resolve(Path::new("deep/dir/gsap.min.js"), false));
        assert_eq!(Some(served), framecast_assets::file(gsap));
        assert_eq!(served, installed(gsap));
        assert_eq!(
            site.resolve(Path::new("own/gsap.min.js"), false),
            Resolution::File(root.join("own/gsap.min.js"))
        );
        assert_eq!(
            site.resolve(Path::new("gsap.js"), false),
            Resolution::NotFound
        );
    }

    #[test]
    fn falls_back_to_vendor_files_by_name_only_when_missing() {
        let vendor_dir = tempfile::tempdir().expect("should create a temp dir");
        let library = vendor_dir.path().join("lib.js");
        fs::write(&library, "vendor").expect("should write");
        let dir = tempfile::tempdir().expect("should create a temp dir");
        fs::create_dir(dir.path().join("own")).expect("should mkdir");
        fs::write(dir.path().join("own/lib.js"), "own").expect("should write");
        let (site, root) = site_in(
            dir.path(),
            VendorLibraries::none().with_file("lib.js", &library),
        );

        assert_eq!(
            site.resolve(Path::new("deep/dir/lib.js"), false),
            Resolution::VendorFile(library.clone())
        );
        assert_eq!(
            site.resolve(Path::new("own/lib.js"), false),
            Resolution::File(root.join("own/lib.js"))
        );
        assert_eq!(
            site.resolve(Path::new("other.js"), false),
            Resolution::NotFound
        );
        // A fallback file that has gone from the disk is not found, not an error.
        fs::remove_file(&library).expect("should remove");
        assert_eq!(
            site.resolve(Path::new("lib.js"), false),
            Resolution::NotFound
        );
    }
}
