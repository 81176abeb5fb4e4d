//! The files one lint run reads: the entry file (parsed by `framecast-composition` both as the
//! renderer sees it and as it is written), and every sub-composition file it mounts, followed
//! through nested mounts, each once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use framecast_composition::{Composition, CompositionError, SourceFile, find_entry};

use crate::LintError;

/// A composition's files, parsed.
pub(crate) struct Project {
    /// The served folder: the entry file's directory.
    pub dir: PathBuf,
    /// The entry file as written.
    pub entry: SourceFile,
    /// The entry file as the renderer loads it, or why it cannot.
    pub composition: Result<Composition, CompositionError>,
    /// The sub-composition files mounted (directly or not) that exist, in the order found.
    pub subs: Vec<SourceFile>,
}

impl Project {
    pub(crate) fn load(path: &Path) -> Result<Self, LintError> {
        let html_path = find_entry(path).map_err(LintError::Composition)?;
        let entry = SourceFile::load(&html_path).map_err(LintError::Composition)?;
        let composition = Composition::parse(&entry.text, html_path.clone());
        let dir = html_path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let mut project = Project {
            dir,
            entry,
            composition,
            subs: Vec::new(),
        };
        project.follow_mounts();
        Ok(project)
    }

    /// Reads every file a `data-composition-src` names, breadth first, each once.
    fn follow_mounts(&mut self) {
        let mut seen: HashSet<PathBuf> = HashSet::from([self.entry.path.clone()]);
        let mut queue: Vec<PathBuf> = mounts(&self.entry)
            .filter_map(|src| self.local_path(src))
            .collect();
        while let Some(path) = queue.first().cloned() {
            queue.remove(0);
            if !seen.insert(path.clone()) || !path.is_file() {
                continue;
            }
            let Ok(file) = SourceFile::load(&path) else {
                continue;
            };
            queue.extend(mounts(&file).filter_map(|src| self.local_path(src)));
            self.subs.push(file);
        }
    }

    /// Every file read, the entry first.
    pub(crate) fn files(&self) -> impl Iterator<Item = &SourceFile> {
        std::iter::once(&self.entry).chain(&self.subs)
    }

    /// The file a relative reference names, resolved against the served folder (where the page
    /// resolves `data-composition-src`); `None` for URLs and data.
    pub(crate) fn local_path(&self, reference: &str) -> Option<PathBuf> {
        local_reference(reference).map(|relative| self.dir.join(relative))
    }
}

fn mounts(file: &SourceFile) -> impl Iterator<Item = &str> {
    file.elements
        .iter()
        .filter_map(|element| element.attr("data-composition-src"))
}

/// The path part of a reference to a local file: the reference without query or fragment,
/// percent-decoded, with a leading `/` or `./` dropped; `None` for URLs with a scheme, protocol-
/// relative URLs, data and blob URLs, fragments, template placeholders and empty values.
pub(crate) fn local_reference(reference: &str) -> Option<String> {
    let reference = reference.trim();
    if reference.is_empty()
        || reference.starts_with('#')
        || reference.starts_with("//")
        || reference.contains("{{")
        || reference.contains("${")
        || reference.starts_with(framecast_browser::FONT_URL_PREFIX)
        || has_scheme(reference)
    {
        return None;
    }
    let path = reference.split(['?', '#']).next().unwrap_or(reference);
    let path = path.trim_start_matches("./").trim_start_matches('/');
    (!path.is_empty()).then(|| percent_decode(path))
}

fn has_scheme(reference: &str) -> bool {
    match reference.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|byte| (*byte as char).to_digit(16));
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relative_references_are_local() {
        assert_eq!(
            local_reference("assets/a b.png"),
            Some("assets/a b.png".into())
        );
        assert_eq!(local_reference("./a%20b.png?v=2#x"), Some("a b.png".into()));
        assert_eq!(local_reference("/logo.svg"), Some("logo.svg".into()));
        for url in [
            "https://x.test/a.js",
            "//cdn.test/a.js",
            "data:image/png;base64,AA",
            "blob:abc",
            "#frag",
            "",
            "{{logo}}",
        ] {
            assert_eq!(local_reference(url), None, "{url}");
        }
    }
}
