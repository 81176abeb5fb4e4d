//! The checks, one module per subject. Each reads the [`Project`] and adds findings to a
//! [`Findings`].

mod assets;
mod ids;
mod media;
mod root;
mod scripts;
mod styles;
mod subcompositions;
mod timelines;
mod timing;
mod variables;

use framecast_composition::SourceFile;

use crate::Finding;
use crate::project::Project;
use crate::rules::Rule;
use crate::script::Script;

/// The findings of one run, and where they are made.
pub(crate) struct Findings<'a> {
    pub project: &'a Project,
    pub found: Vec<Finding>,
}

impl Findings<'_> {
    /// Adds a finding of `rule` at byte `offset` of `file`.
    pub(crate) fn add(
        &mut self,
        rule: &Rule,
        file: &SourceFile,
        offset: usize,
        message: String,
    ) -> &mut Finding {
        self.found
            .push(Finding::at(rule, &self.project.dir, file, offset, message));
        self.found.last_mut().expect("a finding was just pushed")
    }
}

/// The inline scripts of a file, scanned.
pub(crate) fn scripts(file: &SourceFile) -> Vec<Script<'_>> {
    file.inline_scripts()
        .filter(|(element, _, _)| is_javascript(element.attr("type")))
        .map(|(element, offset, code)| Script::new(element, offset, code))
        .collect()
}

/// Whether a `<script type>` runs as JavaScript (absent, a JavaScript MIME type, or `module`).
fn is_javascript(kind: Option<&str>) -> bool {
    match kind.map(|kind| kind.trim().to_ascii_lowercase()) {
        None => true,
        Some(kind) => {
            kind.is_empty()
                || kind == "module"
                || kind.contains("javascript")
                || kind.contains("ecmascript")
        }
    }
}

pub(crate) fn run(project: &Project) -> Vec<Finding> {
    let mut findings = Findings {
        project,
        found: Vec::new(),
    };
    root::check(&mut findings);
    timing::check(&mut findings);
    timelines::check(&mut findings);
    ids::check(&mut findings);
    scripts::check(&mut findings);
    media::check(&mut findings);
    assets::check(&mut findings);
    styles::check(&mut findings);
    variables::check(&mut findings);
    subcompositions::check(&mut findings);
    findings.found
}
