//! Finding fixtures: every folder of the fixtures directory with a `meta.json` and a
//! `src/index.html`, sorted by folder name, which is the fixture's id everywhere (goldens,
//! timings, `--filter`, the report).

use std::path::{Path, PathBuf};

use regex::Regex;

use crate::{FixtureMeta, RegressError};

/// The tag that keeps a fixture out of regression runs (it is listed as skipped). For fixtures
/// whose feature is not finished, or whose output cannot be golden, such as a live clock.
pub const SKIP_TAG: &str = "no-regress";

/// One fixture folder.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The folder name.
    pub id: String,
    pub dir: PathBuf,
    /// The composition: `<dir>/src`.
    pub src: PathBuf,
    pub meta: FixtureMeta,
}

impl Fixture {
    pub fn is_skipped(&self) -> bool {
        self.meta.tags.iter().any(|tag| tag == SKIP_TAG)
    }
}

/// Every fixture under `dir` whose id matches `filter`. A folder without `src/index.html` or
/// `meta.json` is not a fixture and is passed over; a `meta.json` that does not validate stops
/// the run with an error naming the file and the field.
pub fn discover(dir: &Path, filter: Option<&Regex>) -> Result<Vec<Fixture>, RegressError> {
    if !dir.is_dir() {
        return Err(RegressError::NoFixtureDir {
            path: dir.to_path_buf(),
        });
    }
    let entries = std::fs::read_dir(dir).map_err(|source| RegressError::Io {
        path: dir.to_path_buf(),
        action: "listing",
        source,
    })?;
    let mut fixtures = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| RegressError::Io {
            path: dir.to_path_buf(),
            action: "listing",
            source,
        })?;
        let folder = entry.path();
        let id = entry.file_name().to_string_lossy().into_owned();
        if !folder.is_dir() || id.starts_with('.') {
            continue;
        }
        let src = folder.join("src");
        let meta_path = folder.join("meta.json");
        if !src.join("index.html").is_file() || !meta_path.is_file() {
            tracing::debug!(folder = %folder.display(), "not a fixture: no meta.json or src/index.html");
            continue;
        }
        if filter.is_some_and(|filter| !filter.is_match(&id)) {
            continue;
        }
        let meta = FixtureMeta::load(&meta_path)?;
        fixtures.push(Fixture {
            id,
            dir: folder,
            src,
            meta,
        });
    }
    fixtures.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(fixtures)
}
