//! Library files that compositions load by a bare name (`<script src="gsap.min.js">`) without
//! shipping them, and the fonts of `framecast-browser`'s font setup. When such a file is missing
//! from the composition, the server answers with the copy embedded in the binary
//! (`framecast-assets`), so compositions written for HyperFrames render without copying libraries
//! next to every `index.html`. Files on disk can be added by name too (the video frames
//! `framecast-render` extracts).

use std::path::{Path, PathBuf};

/// Requested file name, and the embedded library's path inside `node_modules`.
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

/// Where font files are served: `__framecast/fonts/<package>/<file>` is the embedded
/// `@fontsource/<package>/files/<file>` (the page side is `framecast-browser`'s
/// `FONT_URL_PREFIX`).
pub(crate) const FONTS_PREFIX: &str = "__framecast/fonts";

/// Where the bytes of a fallback file come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VendorFile {
    /// A library or font embedded in the binary.
    Embedded(&'static [u8]),
    /// A file on disk, read when it is requested.
    Disk(PathBuf),
}

/// Fallback files, matched by file name in any directory, served when the composition does not
/// have the file itself, and the font files under [`FONTS_PREFIX`].
#[derive(Debug, Clone, Default)]
pub struct VendorLibraries {
    files: Vec<(String, VendorFile)>,
    fonts: bool,
}

impl VendorLibraries {
    /// No fallback files and no fonts: every request is answered from the served directory
    /// alone.
    pub fn none() -> Self {
        Self::default()
    }

    /// The embedded libraries of the table, and the embedded fonts.
    pub fn embedded() -> Self {
        let files = TABLE
            .iter()
            .filter_map(|(name, inside)| {
                let bytes = framecast_assets::file(inside)?;
                Some((name.to_string(), VendorFile::Embedded(bytes)))
            })
            .collect();
        Self { files, fonts: true }
    }

    /// Adds (or replaces) a fallback file on disk served for requests whose file name is
    /// `file_name`.
    pub fn with_file(mut self, file_name: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        let file_name = file_name.into();
        self.files.retain(|(name, _)| *name != file_name);
        self.files.push((file_name, VendorFile::Disk(path.into())));
        self
    }

    /// The fallback files: requested file name and the file served for it.
    pub fn files(&self) -> impl Iterator<Item = (&str, &VendorFile)> {
        self.files.iter().map(|(name, file)| (name.as_str(), file))
    }

    /// The embedded font file for `relative` (`inter/inter-latin-400-normal.woff`, the part of
    /// the path after [`FONTS_PREFIX`]), if it names a file of a served `@fontsource` package.
    pub(crate) fn font_file(&self, relative: &Path) -> Option<&'static [u8]> {
        if !self.fonts {
            return None;
        }
        let mut parts = relative.iter().map(|part| part.to_str());
        let (Some(Some(package)), Some(Some(file)), None) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let package = framecast_assets::FONT_PACKAGES
            .iter()
            .find(|font| font.dir == package)?;
        framecast_assets::file(&package.file_path(file))
    }

    /// The file served for a request whose last segment is `file_name`, if any.
    pub fn lookup(&self, file_name: &str) -> Option<&VendorFile> {
        self.files
            .iter()
            .find(|(name, _)| name == file_name)
            .map(|(_, file)| file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_library_of_the_table_is_embedded() {
        let vendor = VendorLibraries::embedded();
        assert_eq!(vendor.files().count(), TABLE.len());
        for (name, inside) in TABLE {
            let Some(VendorFile::Embedded(bytes)) = vendor.lookup(name) else {
                panic!("{name} should be embedded");
            };
            assert!(!bytes.is_empty(), "{name}");
            assert_eq!(Some(*bytes), framecast_assets::file(inside), "{name}");
        }
        assert_eq!(VendorLibraries::none().files().count(), 0);
    }

    #[test]
    fn fonts_are_served_from_the_fontsource_packages_only() {
        let vendor = VendorLibraries::embedded();
        let latin = "@fontsource/inter/files/inter-latin-400-normal.woff";
        assert_eq!(
            vendor.font_file(Path::new("inter/inter-latin-400-normal.woff")),
            framecast_assets::file(latin)
        );
        assert!(framecast_assets::file(latin).is_some());
        for missing in [
            "inter/inter-latin-400-normal.woff2",
            "inter/inter-latin-100-normal.woff",
            "roboto/roboto-latin-400-normal.woff",
            "inter/files/inter-latin-400-normal.woff",
            "inter",
            "../gsap/dist/gsap.min.js",
        ] {
            assert_eq!(vendor.font_file(Path::new(missing)), None, "{missing}");
        }
        let without_fonts = VendorLibraries::none();
        assert_eq!(
            without_fonts.font_file(Path::new("inter/inter-latin-400-normal.woff")),
            None
        );
    }

    #[test]
    fn with_file_replaces_an_entry_of_the_same_name() {
        let vendor = VendorLibraries::embedded()
            .with_file("lib.js", "/a/lib.js")
            .with_file("lib.js", "/b/lib.js")
            .with_file("gsap.min.js", "/c/gsap.min.js");
        assert_eq!(
            vendor.lookup("lib.js"),
            Some(&VendorFile::Disk(PathBuf::from("/b/lib.js")))
        );
        assert_eq!(
            vendor.lookup("gsap.min.js"),
            Some(&VendorFile::Disk(PathBuf::from("/c/gsap.min.js")))
        );
        assert_eq!(vendor.files().count(), TABLE.len() + 1);
    }
}
