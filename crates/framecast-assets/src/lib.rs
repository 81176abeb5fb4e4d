//! The third-party files framecast serves at run time, embedded in the binary at build time:
//! the browser builds of the libraries whose CDN URLs and bare file names framecast answers
//! (gsap, lottie-web, three, animejs 3 and 4, the HyperFrames shader transitions), and the Inter and
//! JetBrains Mono faces of the `@fontsource` packages. `build.rs` reads them from the
//! `node_modules` that `scripts/setup` installs (`$FRAMECAST_NODE_MODULES` at build time, if
//! set); [`manifest`] says which files. Nothing here reads the file system at run time, so the
//! binary works wherever it is installed.
//!
//! This crate only holds bytes: what a file means (a font face, a library version) is for the
//! crates that serve it to decide.

pub mod manifest;

pub use manifest::{FONT_PACKAGES, FontPackage, INTER, JETBRAINS_MONO, LIBRARIES, Library};

// `static FILES: &[(&str, &[u8])]`, sorted by path.
include!(concat!(env!("OUT_DIR"), "/files.rs"));

/// The embedded file at `path` inside `node_modules` (`gsap/dist/gsap.min.js`,
/// `@fontsource/inter/files/inter-latin-400-normal.woff`), if it is embedded.
pub fn file(path: &str) -> Option<&'static [u8]> {
    FILES
        .binary_search_by(|(key, _)| (*key).cmp(path))
        .ok()
        .map(|index| FILES[index].1)
}

/// Every embedded file, as its path inside `node_modules` and its bytes, sorted by path.
pub fn files() -> impl ExactSizeIterator<Item = (&'static str, &'static [u8])> {
    FILES.iter().copied()
}

#[cfg(test)]
mod tests;
