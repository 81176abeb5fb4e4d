//! Findings of the in-page pass: what `framecast-render`'s `inspect` saw when it opened the
//! composition in Chrome (this crate never starts Chrome itself). Each is placed at the file and
//! line the browser named, else at the element or `@font-face` rule it concerns, else at the top
//! of the entry file.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use framecast_browser::PageState;
use framecast_composition::SourceFile;
use regex::Regex;

use crate::finding::{Finding, Report};
use crate::rules::{FONT_LOAD_FAILED, PAGE_ERROR, Rule, TIMELINE_LONGER_THAN_COMPOSITION};

/// `(path:line:column)`, as the runtime names where a page script failed.
static LOCATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(([^()\s]+):(\d+):(\d+)\)").expect("should compile"));

/// How much longer than its `data-duration` a timeline may be before it is reported: less than
/// a frame at any usual rate is rounding.
const LONGER_TOLERANCE: f64 = 1e-3;

impl Report {
    /// Adds what the in-page pass found: `failure` is why the page failed (it never became
    /// ready, or a seek raised an error), `state` what it reported after the seeks.
    pub fn add_page(&mut self, failure: Option<&str>, state: Option<&PageState>) {
        let files: Vec<SourceFile> = self
            .files
            .iter()
            .filter_map(|file| SourceFile::load(&self.dir.join(file)).ok())
            .collect();
        let mut added = Vec::new();
        let mut messages: Vec<&str> = failure.into_iter().collect();
        if let Some(state) = state {
            messages.extend(state.errors.iter().map(String::as_str));
        }
        let mut seen = Vec::new();
        for message in messages {
            if seen.contains(&message)
                || failure.is_some_and(|f| f != message && f.contains(message))
            {
                continue;
            }
            seen.push(message);
            let place = self.named_place(message);
            added.push(self.finding(&PAGE_ERROR, place, message.to_string()));
        }
        if let Some(state) = state {
            for family in &state.failed_fonts {
                let place = font_face_place(&files, family);
                let message = format!(
                    "the @font-face file of \"{family}\" did not load in the page, so its text renders in a fallback font"
                );
                added.push(self.finding(&FONT_LOAD_FAILED, place, message));
            }
            for timeline in &state.timelines {
                let (Some(length), Some(declared)) = (timeline.timeline, timeline.declared) else {
                    continue;
                };
                if length <= declared + LONGER_TOLERANCE {
                    continue;
                }
                let place = composition_place(&files, &timeline.id);
                let message = format!(
                    "{}'s timeline \"{}\" lasts {length:.3} s, but its data-duration is {declared} s: what it animates after {declared} s is never shown",
                    timeline.element, timeline.id
                );
                added.push(self.finding(&TIMELINE_LONGER_THAN_COMPOSITION, place, message));
            }
        }
        self.findings.extend(added);
        self.findings.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
        });
        self.findings.dedup();
    }

    /// The file and line a message names with `(path:line:column)`, when the path is one of
    /// the composition's files.
    fn named_place(&self, message: &str) -> Option<(PathBuf, u32, u32)> {
        let captures = LOCATION.captures_iter(message).last()?;
        let path = Path::new(captures.get(1)?.as_str());
        let canonical = self.dir.canonicalize().unwrap_or_else(|_| self.dir.clone());
        let relative = path
            .strip_prefix(&self.dir)
            .or_else(|_| path.strip_prefix(&canonical))
            .unwrap_or(path)
            .to_path_buf();
        if !self.files.contains(&relative) {
            return None;
        }
        let line = captures.get(2)?.as_str().parse().ok()?;
        let column = captures.get(3)?.as_str().parse().ok()?;
        Some((relative, line, column))
    }

    /// A finding of `rule` at `place`, or at the top of the entry file.
    fn finding(&self, rule: &Rule, place: Option<(PathBuf, u32, u32)>, message: String) -> Finding {
        let (file, line, column) = place.unwrap_or_else(|| {
            let entry = self.files.first().cloned().unwrap_or_default();
            (entry, 1, 1)
        });
        Finding {
            code: rule.code,
            severity: rule.severity,
            file,
            line,
            column,
            message,
            fix: rule.fix.to_string(),
        }
    }
}

fn place_in(file: &SourceFile, offset: usize, dir_of: &Path) -> (PathBuf, u32, u32) {
    let position = file.position(offset);
    let relative = file
        .path
        .strip_prefix(dir_of)
        .map_or_else(|_| file.path.clone(), Path::to_path_buf);
    (relative, position.line, position.column)
}

fn dir_of(files: &[SourceFile]) -> PathBuf {
    files
        .first()
        .and_then(|file| file.path.parent())
        .map_or_else(PathBuf::new, Path::to_path_buf)
}

/// The element that declares `data-composition-id="id"`.
fn composition_place(files: &[SourceFile], id: &str) -> Option<(PathBuf, u32, u32)> {
    let dir = dir_of(files);
    files.iter().find_map(|file| {
        file.elements
            .iter()
            .find(|element| element.attr("data-composition-id") == Some(id))
            .map(|element| place_in(file, element.offset, &dir))
    })
}

/// The `@font-face` rule whose block names `family`.
fn font_face_place(files: &[SourceFile], family: &str) -> Option<(PathBuf, u32, u32)> {
    let dir = dir_of(files);
    files.iter().find_map(|file| {
        file.text
            .match_indices("@font-face")
            .find_map(|(offset, _)| {
                let block = &file.text[offset..];
                let block = &block[..block.find('}').unwrap_or(block.len())];
                block.contains(family).then(|| place_in(file, offset, &dir))
            })
    })
}
