//! Library files that compositions load by a bare name (`<script src="gsap.min.js">`) without
//! shipping them. When such a file is missing from the composition, the server answers with the
//! copy that `scripts/setup` installed into `node_modules`, so compositions written for
//! HyperFrames render without copying libraries next to every `index.html`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The environment variable that points at a `node_modules` directory to use instead of the
/// repository's own.
pub const NODE_MODULES_ENV: &str = "FRAMECAST_NODE_MODULES";

/// The repository's `node_modules`, where `scripts/setup` installs the vendored libraries.
const REPOSITORY_NODE_MODULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../node_modules");

/// Requested file name, and where the library lives inside `node_modules`.
const TABLE: &[(&str, &str)] = &[
    ("gsap.min.js", "gsap/dist/gsap.min.js"),
    ("lottie.min.js", "lottie-web/build/player/lottie.min.js"),
    ("three.min.js", "three/build/three.min.js"),
    ("three.module.js", "three/build/three.module.js"),
    ("anime.min.js", "animejs/lib/anime.min.js"),
    (
        "hyper-shader.global.js",
        "@hyperframes/shader-transitions/dist/index.global.js",
    ),
];

/// Where font files are served: `__framecast/fonts/<package>/<file>` is
/// `node_modules/@fontsource/<package>/files/<file>` (the page side is `framecast-browser`'s
/// `FONT_URL_PREFIX`).
pub(crate) const FONTS_PREFIX: &str = "__framecast/fonts";

/// The `@fontsource` packages whose files are served.
const FONT_PACKAGES: &[&str] = &["inter", "jetbrains-mono"];

/// Fallback files, matched by file name in any directory, served when the composition does not
/// have the file itself. Only files that exist when the table is built are listed.
#[derive(Debug, Clone, Default)]
pub struct VendorLibraries {
    node_modules: Option<PathBuf>,
    files: Vec<(String, PathBuf)>,
}

impl VendorLibraries {
    /// No fallback files: every request is answered from the served directory alone.
    pub fn none() -> Self {
        Self::default()
    }

    /// The libraries installed in `$FRAMECAST_NODE_MODULES` if it is set, else in the
    /// repository's `node_modules` (located when framecast was compiled).
    pub fn discover() -> Self {
        Self::from_node_modules(&node_modules_location(std::env::var_os(NODE_MODULES_ENV)))
    }

    /// The libraries of the table that are installed in `node_modules`.
    pub fn from_node_modules(node_modules: &Path) -> Self {
        let files = TABLE
            .iter()
            .map(|(name, inside)| (name.to_string(), node_modules.join(inside)))
            .filter(|(_, path)| path.is_file())
            .collect();
        Self {
            node_modules: Some(node_modules.to_path_buf()),
            files,
        }
    }

    /// Adds (or replaces) a fallback file served for requests whose file name is `file_name`.
    pub fn with_file(mut self, file_name: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        let file_name = file_name.into();
        self.files.retain(|(name, _)| *name != file_name);
        self.files.push((file_name, path.into()));
        self
    }

    /// The `node_modules` directory the table was built from, if any.
    pub fn node_modules(&self) -> Option<&Path> {
        self.node_modules.as_deref()
    }

    /// The fallback files: requested file name and the file served for it.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Path)> {
        self.files
            .iter()
            .map(|(name, path)| (name.as_str(), path.as_path()))
    }

    /// The font file for `relative` (`inter/inter-latin-400-normal.woff`, the part of the path
    /// after [`FONTS_PREFIX`]), if it names a file of a served `@fontsource` package.
    pub(crate) fn font_file(&self, relative: &Path) -> Option<PathBuf> {
        let mut parts = relative.iter().map(|part| part.to_str());
        let (Some(Some(package)), Some(Some(file)), None) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        FONT_PACKAGES.contains(&package).then_some(())?;
        Some(
            self.node_modules
                .as_ref()?
                .join("@fontsource")
                .join(package)
                .join("files")
                .join(file),
        )
    }

    /// The file served for a request whose last segment is `file_name`, if any.
    pub fn lookup(&self, file_name: &str) -> Option<&Path> {
        self.files
            .iter()
            .find(|(name, _)| name == file_name)
            .map(|(_, path)| path.as_path())
    }
}

fn node_modules_location(from_env: Option<OsString>) -> PathBuf {
    match from_env {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(REPOSITORY_NODE_MODULES),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn lists_only_installed_libraries() {
        let node_modules = tempfile::tempdir().expect("should create a temp dir");
        let gsap = node_modules.path().join("gsap/dist/gsap.min.js");
        fs::create_dir_all(gsap.parent().expect("should have a parent")).expect("should mkdir");
        fs::write(&gsap, "/* gsap */").expect("should write");

        let vendor = VendorLibraries::from_node_modules(node_modules.path());
        assert_eq!(vendor.lookup("gsap.min.js"), Some(gsap.as_path()));
        assert_eq!(vendor.lookup("hyper-shader.global.js"), None);
        assert_eq!(vendor.files().count(), 1);
    }

    #[test]
    fn environment_overrides_the_repository_location() {
        assert_eq!(
            node_modules_location(Some("/opt/nm".into())),
            PathBuf::from("/opt/nm")
        );
        assert_eq!(
            node_modules_location(Some("".into())),
            PathBuf::from(REPOSITORY_NODE_MODULES)
        );
        assert!(node_modules_location(None).ends_with("node_modules"));
    }

    #[test]
    fn with_file_replaces_an_entry_of_the_same_name() {
        let vendor = VendorLibraries::none()
            .with_file("lib.js", "/a/lib.js")
            .with_file("lib.js", "/b/lib.js");
        assert_eq!(vendor.lookup("lib.js"), Some(Path::new("/b/lib.js")));
        assert_eq!(vendor.files().count(), 1);
    }
}
