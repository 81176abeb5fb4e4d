//! `framecast lint`: finds the mistakes authors make in compositions before a render does. Static
//! checks read the one parse `framecast-composition` makes of each file (with each element's
//! line and column) and the text of its scripts and styles; each finding has a stable code
//! ([`rules::RULES`]), a severity, a file, a line and column, and a one-line fix.
//!
//! The in-page pass (what only Chrome can tell: script errors, font files that do not load,
//! timelines longer than their composition) is run by `framecast-render`'s `inspect`; its result
//! joins the report through [`Report::add_page`].
//!
//! This crate only reads: it never writes a file, never starts Chrome, and never touches the
//! network. What it knows about framecast itself (which CDN URLs have embedded copies, which
//! font families are provided, which library names the server answers, what a media file
//! holds) it asks the crate that owns it.

mod checks;
mod css;
mod finding;
mod page;
mod project;
pub mod rules;
mod script;

use std::path::{Path, PathBuf};

pub use finding::{Finding, Report, Severity};
pub use rules::{RULES, Rule};

use project::Project;

/// Why a composition could not be linted at all (as opposed to what is wrong in it).
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error(transparent)]
    Composition(framecast_composition::CompositionError),
}

/// Lints the composition at `path` (a folder with `index.html`, or an `.html` file) and the
/// sub-composition files it mounts.
pub fn lint(path: &Path) -> Result<Report, LintError> {
    let project = Project::load(path)?;
    let findings = checks::run(&project);
    let files: Vec<PathBuf> = project
        .files()
        .map(|file| {
            file.path
                .strip_prefix(&project.dir)
                .map_or_else(|_| file.path.clone(), Path::to_path_buf)
        })
        .collect();
    Ok(Report::new(project.dir.clone(), files, findings))
}

#[cfg(test)]
mod tests;
