use std::path::PathBuf;

/// Everything that can be wrong with a composition before it is rendered. Each message says
/// what was wrong, where, and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum CompositionError {
    #[error(
        "composition not found: {path} does not exist; pass a composition directory (containing index.html) or an .html file"
    )]
    NotFound { path: PathBuf },

    #[error(
        "composition directory {dir} has no index.html; add one or pass the .html file directly"
    )]
    NoIndex { dir: PathBuf },

    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{path} has no composition root: add an element with data-composition-id=\"...\" (and data-width, data-height, data-duration) around the composition"
    )]
    NoRoot { path: PathBuf },

    #[error(
        "{path}: the root element {element} has {attribute}=\"{value}\", which is not valid: {expected}"
    )]
    BadAttribute {
        path: PathBuf,
        element: String,
        attribute: &'static str,
        value: String,
        expected: &'static str,
    },

    #[error(
        "{path}: the root element {element} is missing {attribute}; set it (e.g. {attribute}=\"{example}\")"
    )]
    MissingAttribute {
        path: PathBuf,
        element: String,
        attribute: &'static str,
        example: &'static str,
    },

    #[error(
        "{path}: the root element {element} has a zero duration, so there is nothing to render; set data-duration to a positive number of seconds"
    )]
    ZeroDuration { path: PathBuf, element: String },

    #[error(
        "{path}: <html> has data-composition-variables that {reason}; declare the variables as a JSON array such as [{{\"id\": \"title\", \"type\": \"string\", \"default\": \"Hello\"}}]"
    )]
    BadVariableDeclarations { path: PathBuf, reason: String },

    #[error(
        "invalid frame rate \"{value}\": use a number of frames per second from 0.001 to 1000 such as 30 or 29.97, or a ratio such as 30000/1001"
    )]
    BadFps { value: String },

    #[error(
        "{input} is not valid JSON ({error}); pass an object of variable values such as {{\"title\": \"Hello\"}}"
    )]
    VariablesNotJson {
        /// Where the text came from, e.g. `--variables` or `--variables-file vars.json`.
        input: String,
        #[source]
        error: serde_json::Error,
    },

    #[error(
        "{input} is a JSON {found}, not an object; pass an object of variable values such as {{\"title\": \"Hello\"}}"
    )]
    VariablesNotObject { input: String, found: &'static str },
}
