//! A loaded composition: its entry file found, read and parsed once, with everything the stages
//! after it need from the HTML.

use std::path::{Path, PathBuf};

use crate::clips::find_timed;
use crate::document::Document;
use crate::media::find_media;
use crate::remote::find_remote_refs;
use crate::root::read_root;
use crate::variables::parse_declarations;
use crate::{
    Clip, CompositionError, MediaElement, RemoteRef, RootAttributes, SubCompositionRef,
    VariableDeclaration, find_entry,
};

/// A composition on disk: its entry HTML file, the directory served to the page, and what its
/// HTML says.
#[derive(Debug, Clone)]
pub struct Composition {
    /// The entry file, canonical when loaded with [`Composition::load`].
    pub html_path: PathBuf,
    /// The entry file's directory, which the page is served from.
    pub dir: PathBuf,
    pub root: RootAttributes,
    /// Every `<video>`, `<audio>` and animated `<img>` of the document, in document order.
    pub media: Vec<MediaElement>,
    /// The timed elements below the root, in document order.
    pub clips: Vec<Clip>,
    /// The hosts below the root that mount a `data-composition-src` file, in document order.
    pub sub_compositions: Vec<SubCompositionRef>,
    /// The variables the `<html>` element declares in `data-composition-variables`.
    pub variables: Vec<VariableDeclaration>,
    /// The outside URLs the composition's files load as assets (stylesheets, scripts, images,
    /// media, fonts), each once: see `remote.rs`.
    pub remote_refs: Vec<RemoteRef>,
}

impl Composition {
    /// Loads a composition from a directory (its `index.html` or `src/index.html`) or an `.html`
    /// file: the file is read once and parsed once.
    pub fn load(path: &Path) -> Result<Self, CompositionError> {
        let html_path = find_entry(path)?;
        let html =
            std::fs::read_to_string(&html_path).map_err(|source| CompositionError::Read {
                path: html_path.clone(),
                source,
            })?;
        Composition::parse(&html, html_path)
    }

    /// Loads the composition in the file `entry` of the project folder `project`, which is the
    /// folder served (so the entry's `../` references reach the project's other folders, as
    /// HyperFrames' `--composition` serves them). `entry` must be inside `project`.
    pub fn load_entry(project: &Path, entry: &Path) -> Result<Self, CompositionError> {
        let dir = project
            .canonicalize()
            .map_err(|source| CompositionError::Read {
                path: project.to_path_buf(),
                source,
            })?;
        let html_path = find_entry(&project.join(entry))?;
        if !html_path.starts_with(&dir) || html_path.is_dir() {
            return Err(CompositionError::NotFound {
                path: project.join(entry),
            });
        }
        let html =
            std::fs::read_to_string(&html_path).map_err(|source| CompositionError::Read {
                path: html_path.clone(),
                source,
            })?;
        let mut composition = Composition::parse(&html, html_path)?;
        composition.dir = dir;
        Ok(composition)
    }

    /// Parses `html` as the content of the entry file `html_path`, which errors name and whose
    /// directory is the one served.
    pub fn parse(html: &str, html_path: PathBuf) -> Result<Self, CompositionError> {
        let document = Document::parse(html);
        let root_element = document.root().ok_or_else(|| CompositionError::NoRoot {
            path: html_path.clone(),
        })?;
        let root = read_root(root_element, &html_path)?;
        let variables = parse_declarations(
            document
                .html_element()
                .value()
                .attr("data-composition-variables"),
            &html_path,
        )?;
        let (clips, sub_compositions) = find_timed(root_element);
        let dir = html_path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(Composition {
            media: find_media(&document),
            remote_refs: find_remote_refs(&document, &html_path),
            html_path,
            dir,
            root,
            clips,
            sub_compositions,
            variables,
        })
    }

    /// The entry file's path relative to the served directory, for building its URL.
    pub fn entry_name(&self) -> &str {
        self.html_path
            .strip_prefix(&self.dir)
            .ok()
            .and_then(|name| name.to_str())
            .filter(|name| !name.is_empty())
            .or_else(|| self.html_path.file_name().and_then(|name| name.to_str()))
            .unwrap_or("index.html")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::MediaKind;

    fn parse(html: &str) -> Composition {
        Composition::parse(html, PathBuf::from("/scene/index.html")).unwrap()
    }

    #[test]
    fn one_parse_gives_root_clips_hosts_media_and_variables() {
        let composition = parse(
            r#"<!doctype html>
            <html data-composition-variables='[{"id":"title","type":"string","default":"Hi &amp; bye"}]'>
            <body>
            <div id="stage" data-composition-id="main"
                 data-no-timeline
                 data-width="640" data-height="360" data-duration="4">
              <h1 id="title" class="clip" data-start="0" data-duration="2" data-track-index="1">Title</h1>
              <!-- <p id="commented" data-start="1"></p> -->
              <p id="after" data-start="title + 0.5" data-duration="1">After</p>
              <div id="intro-host" data-composition-id="intro" data-composition-src="compositions/intro.html"
                   data-start="2" data-duration="2"></div>
              <video id="bg" src="bg.mp4" data-start="1" muted></video>
              <template id="t"><p id="templated" data-start="0"></p><video src="t.mp4"></video></template>
            </div>
            <p id="outside" data-start="0"></p>
            </body></html>"#,
        );
        assert_eq!(composition.dir, Path::new("/scene"));
        assert_eq!(composition.root.id, "main");
        assert_eq!(
            (composition.root.width, composition.root.height),
            (640, 360)
        );

        let clips: Vec<_> = composition
            .clips
            .iter()
            .map(|clip| clip.id.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(clips, ["title", "after", "intro-host", "bg"]);
        let title = &composition.clips[0];
        assert_eq!(title.element, r#"<h1 id="title">"#);
        assert_eq!(
            (
                title.start.as_deref(),
                title.duration.as_deref(),
                title.track_index.as_deref()
            ),
            (Some("0"), Some("2"), Some("1"))
        );
        assert_eq!(composition.clips[1].start.as_deref(), Some("title + 0.5"));

        assert_eq!(
            composition.sub_compositions,
            [SubCompositionRef {
                host: r#"<div id="intro-host">"#.to_string(),
                id: Some("intro".to_string()),
                src: "compositions/intro.html".to_string(),
            }]
        );

        assert_eq!(composition.media.len(), 1);
        assert_eq!(composition.media[0].tag, MediaKind::Video);
        assert_eq!(composition.media[0].src.as_deref(), Some("bg.mp4"));
        assert!(composition.media[0].muted);

        assert_eq!(composition.variables.len(), 1);
        assert_eq!(composition.variables[0].id, "title");
        assert_eq!(
            composition.variables[0].default,
            Some(Value::from("Hi & bye"))
        );
    }

    #[test]
    fn bad_variable_declarations_are_an_error_naming_the_file() {
        let error = Composition::parse(
            r#"<html data-composition-variables="{oops"><div data-composition-id="a" data-width="2" data-height="2"></div></html>"#,
            PathBuf::from("scene.html"),
        )
        .unwrap_err();
        assert!(
            matches!(error, CompositionError::BadVariableDeclarations { .. }),
            "{error}"
        );
        assert!(
            error.to_string().starts_with(
                "scene.html: <html> has data-composition-variables that is not valid JSON"
            ),
            "{error}"
        );
    }

    #[test]
    fn load_reads_the_entry_file() {
        let dir = tempfile::tempdir().expect("should create a temp dir");
        std::fs::write(
            dir.path().join("index.html"),
            "<div data-composition-id=x data-width=4 data-height=2><audio src=a.wav></audio></div>",
        )
        .expect("should write the composition");
        let composition = Composition::load(dir.path()).unwrap();
        assert_eq!(
            composition.html_path,
            dir.path().join("index.html").canonicalize().unwrap()
        );
        assert_eq!(composition.entry_name(), "index.html");
        assert_eq!(composition.media[0].tag, MediaKind::Audio);
    }
}
