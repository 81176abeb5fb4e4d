//! Embeds the third-party files framecast serves at run time (see `src/manifest.rs`): reads them
//! from the `node_modules` that `scripts/setup` installs and writes `OUT_DIR/files.rs`, a table
//! of paths inside `node_modules` and `include_bytes!` of the files, sorted by path.

#[path = "src/manifest.rs"]
mod manifest;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use manifest::{COMMONJS_DIRS, EXTRA_FILES, FONT_PACKAGES, LIBRARIES, REQUIRED_FILES};

/// Points the build at another `node_modules` than the checkout's.
const NODE_MODULES_ENV: &str = "FRAMECAST_NODE_MODULES";

fn main() {
    println!("cargo:rerun-if-env-changed={NODE_MODULES_ENV}");
    let node_modules = node_modules();
    let files = match collect(&node_modules) {
        Ok(files) => files,
        Err(message) => fail(&node_modules, &message),
    };
    let mut code = String::from("static FILES: &[(&str, &[u8])] = &[\n");
    for (key, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let path = path
            .to_str()
            .unwrap_or_else(|| fail(&node_modules, &format!("{} is not UTF-8", path.display())));
        writeln!(code, "    ({key:?}, include_bytes!({path:?})),")
            .expect("writing to a String should not fail");
    }
    code.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo should set OUT_DIR"));
    std::fs::write(out_dir.join("files.rs"), code).expect("should write OUT_DIR/files.rs");
}

fn node_modules() -> PathBuf {
    match std::env::var_os(NODE_MODULES_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => {
            let manifest_dir = PathBuf::from(
                std::env::var_os("CARGO_MANIFEST_DIR")
                    .expect("cargo should set CARGO_MANIFEST_DIR"),
            );
            // The checkout's root, two levels above `crates/framecast-assets`.
            let root = manifest_dir.ancestors().nth(2).unwrap_or(&manifest_dir);
            root.join("node_modules")
        }
    }
}

fn fail(node_modules: &Path, message: &str) -> ! {
    eprintln!(
        "error: framecast embeds JavaScript libraries and fonts from {}, but {message}.\n\
         Run scripts/setup (it installs them with npm ci), or set {NODE_MODULES_ENV} to a \
         node_modules directory that has the packages of package.json.",
        node_modules.display()
    );
    std::process::exit(1);
}

/// Every embedded file: its path inside `node_modules` and on disk, sorted by the first.
fn collect(node_modules: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    if !node_modules.is_dir() {
        return Err("that directory does not exist".to_string());
    }
    let mut keys = Vec::new();
    for library in LIBRARIES {
        keys.push(format!("{}/package.json", library.package));
        let dir = node_modules.join(library.package).join(library.dir);
        if !dir.is_dir() {
            return Err(format!("{} is missing", dir.display()));
        }
        let inside = format!("{}/{}", library.package, library.dir);
        scripts(node_modules, &inside, &mut keys)?;
    }
    keys.extend(EXTRA_FILES.iter().map(|file| file.to_string()));
    for package in FONT_PACKAGES {
        keys.push(format!("@fontsource/{}/package.json", package.dir));
        for css_key in package.css_files() {
            let css_path = node_modules.join(&css_key);
            println!("cargo:rerun-if-changed={}", css_path.display());
            let css = std::fs::read_to_string(&css_path)
                .map_err(|error| format!("{} cannot be read ({error})", css_path.display()))?;
            let before = keys.len();
            keys.extend(manifest::woff_files(&css).map(|file| package.file_path(file)));
            if keys.len() == before {
                return Err(format!("{} names no .woff file", css_path.display()));
            }
            keys.push(css_key);
        }
    }
    keys.sort();
    keys.dedup();
    let mut files = Vec::with_capacity(keys.len());
    for key in keys {
        let path = node_modules.join(&key);
        if !path.is_file() {
            return Err(format!("{} is missing", path.display()));
        }
        let path = path
            .canonicalize()
            .map_err(|error| format!("{} cannot be resolved ({error})", path.display()))?;
        files.push((key, path));
    }
    for required in REQUIRED_FILES {
        if files
            .binary_search_by(|(key, _)| key.as_str().cmp(required))
            .is_err()
        {
            return Err(format!("{required} is missing"));
        }
    }
    Ok(files)
}

/// Adds the browser-loadable scripts under `node_modules/<inside>` to `keys`, recursively,
/// skipping CommonJS directories.
fn scripts(node_modules: &Path, inside: &str, keys: &mut Vec<String>) -> Result<(), String> {
    let dir = node_modules.join(inside);
    // A directory as a whole: files added to it later trigger a rebuild too.
    println!("cargo:rerun-if-changed={}", dir.display());
    let entries = std::fs::read_dir(&dir)
        .map_err(|error| format!("{} cannot be listed ({error})", dir.display()))?;
    for entry in entries {
        let entry =
            entry.map_err(|error| format!("{} cannot be listed ({error})", dir.display()))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let key = format!("{inside}/{name}");
        let file_type = entry
            .file_type()
            .map_err(|error| format!("{key} cannot be read ({error})"))?;
        if file_type.is_dir() {
            if !COMMONJS_DIRS.contains(&name.as_str()) {
                scripts(node_modules, &key, keys)?;
            }
        } else if manifest::SCRIPT_EXTENSIONS
            .iter()
            .any(|extension| name.ends_with(&format!(".{extension}")))
        {
            keys.push(key);
        }
    }
    Ok(())
}
