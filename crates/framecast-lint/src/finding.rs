//! What lint reports: findings with a stable code, a severity, a place and a one-line fix, and
//! the report that orders and counts them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use framecast_composition::SourceFile;
use serde::Serialize;

use crate::rules::Rule;

/// How bad a finding is: an error renders wrong or not at all; a warning may render other than
/// the author meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a composition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's stable code, e.g. `timeline_id_mismatch`.
    pub code: &'static str,
    pub severity: Severity,
    /// The file, relative to the composition's folder.
    pub file: PathBuf,
    /// Line and column, from 1.
    pub line: u32,
    pub column: u32,
    /// What is wrong, naming the element or value.
    pub message: String,
    /// What to do about it, on one line.
    pub fix: String,
}

impl Finding {
    /// A finding of `rule` at byte `offset` of `file`, which lives in the composition folder
    /// `dir`.
    pub(crate) fn at(
        rule: &Rule,
        dir: &Path,
        file: &SourceFile,
        offset: usize,
        message: String,
    ) -> Self {
        let position = file.position(offset);
        Finding {
            code: rule.code,
            severity: rule.severity,
            file: relative(dir, &file.path),
            line: position.line,
            column: position.column,
            message,
            fix: rule.fix.to_string(),
        }
    }
}

fn relative(dir: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(dir)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// Every finding of one lint run, in file and position order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The composition's folder, which findings' files are relative to.
    pub dir: PathBuf,
    /// The files read, relative to `dir`.
    pub files: Vec<PathBuf>,
    pub findings: Vec<Finding>,
}

impl Report {
    pub(crate) fn new(dir: PathBuf, files: Vec<PathBuf>, mut findings: Vec<Finding>) -> Self {
        findings.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
        });
        findings.dedup();
        Report {
            dir,
            files,
            findings,
        }
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    }

    /// `lint: 2 errors, 1 warning (timeline_id_mismatch, clip_overlap, …)` or `lint: clean`.
    pub fn summary(&self) -> String {
        if self.findings.is_empty() {
            return format!("lint: clean ({} checked)", plural(self.files.len(), "file"));
        }
        let mut codes: Vec<&str> = Vec::new();
        for finding in &self.findings {
            if !codes.contains(&finding.code) {
                codes.push(finding.code);
            }
        }
        format!(
            "lint: {}, {} ({})",
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning"),
            codes.join(", ")
        )
    }

    /// Every finding as `file:line:column: severity[code]: message`, its fix on the next line,
    /// then the summary.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for finding in &self.findings {
            let _ = writeln!(
                text,
                "{}:{}:{}: {}[{}]: {}\n  fix: {}",
                finding.file.display(),
                finding.line,
                finding.column,
                finding.severity.label(),
                finding.code,
                finding.message,
                finding.fix
            );
        }
        text.push_str(&self.summary());
        text.push('\n');
        text
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
