//! Where a composition's entry file is: the one search every command uses, the renderer through
//! [`crate::Composition::load`] and the preview (which must find the file even when the
//! composition in it has errors, to show them in its overlay) directly.

use std::path::{Path, PathBuf};

use crate::CompositionError;

/// The entry HTML file of the composition at `path`, canonical: `path` itself when it is a file,
/// else the directory's `index.html`, else its `src/index.html` (where a regression fixture keeps
/// its composition). Reads no file's contents.
pub fn find_entry(path: &Path) -> Result<PathBuf, CompositionError> {
    if !path.exists() {
        return Err(CompositionError::NotFound {
            path: path.to_path_buf(),
        });
    }
    let html_path = if path.is_dir() {
        [path.join("index.html"), path.join("src/index.html")]
            .into_iter()
            .find(|index| index.is_file())
            .ok_or_else(|| CompositionError::NoIndex {
                dir: path.to_path_buf(),
            })?
    } else {
        path.to_path_buf()
    };
    html_path
        .canonicalize()
        .map_err(|source| CompositionError::Read {
            path: html_path.clone(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_gives_its_index_then_its_src_index() {
        let dir = tempfile::tempdir().expect("should create a temp dir");
        let missing = find_entry(dir.path()).unwrap_err();
        assert!(
            matches!(missing, CompositionError::NoIndex { .. }),
            "{missing}"
        );

        std::fs::create_dir(dir.path().join("src")).expect("should create src/");
        std::fs::write(dir.path().join("src/index.html"), "").expect("should write the file");
        let found = find_entry(dir.path()).expect("src/index.html should be found");
        assert!(
            found.is_absolute() && found.ends_with("src/index.html"),
            "{found:?}"
        );

        std::fs::write(dir.path().join("index.html"), "").expect("should write the file");
        let found = find_entry(dir.path()).expect("index.html should be found");
        assert_eq!(
            found.parent(),
            Some(dir.path().canonicalize().unwrap().as_path())
        );
    }

    #[test]
    fn a_file_is_its_own_entry_and_a_missing_path_is_not_found() {
        let dir = tempfile::tempdir().expect("should create a temp dir");
        let file = dir.path().join("scene.html");
        std::fs::write(&file, "not even html").expect("should write the file");
        assert_eq!(find_entry(&file).unwrap(), file.canonicalize().unwrap());

        let error = find_entry(&dir.path().join("nothing-here")).unwrap_err();
        assert!(
            matches!(error, CompositionError::NotFound { .. }),
            "{error}"
        );
    }
}
