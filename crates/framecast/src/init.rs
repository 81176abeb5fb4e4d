//! `framecast init`: a new project folder with a composition that previews, lints clean and
//! renders as it is, a README and a `.gitignore`. The templates are embedded in the binary
//! (`templates/`); GSAP comes from a jsDelivr URL framecast serves from its embedded copy, so
//! nothing third-party is written into the project. An existing folder that is not empty is never
//! written into, and no file is ever replaced.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (it must not exist, or be empty); its name titles the composition.
    name: PathBuf,

    /// Which composition to start from.
    #[arg(long, value_enum, default_value_t = Example::Title)]
    example: Example,

    /// The frame size: 1920x1080 (landscape), 1080x1920 (portrait) or 1080x1080 (square).
    #[arg(long, default_value = "1920x1080", value_parser = ["1920x1080", "1080x1920", "1080x1080"])]
    size: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Example {
    /// A title card: gradient, title, subtitle and a growing bar.
    Title,
    /// Three scenes one after another, each starting when the one before ends.
    Scenes,
    /// Caption lines whose words light up one by one.
    Captions,
    /// Two scenes joined by a script-free shader transition.
    Shader,
}

const HEAD: &str = include_str!("../templates/head.html");
const README: &str = include_str!("../templates/README.md");
const GITIGNORE: &str = include_str!("../templates/gitignore");

impl Example {
    fn body(self) -> &'static str {
        match self {
            Example::Title => include_str!("../templates/title.html"),
            Example::Scenes => include_str!("../templates/scenes.html"),
            Example::Captions => include_str!("../templates/captions.html"),
            Example::Shader => include_str!("../templates/shader.html"),
        }
    }
}

pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    let (width, height) = args
        .size
        .split_once('x')
        .expect("clap should only accept the listed sizes");
    let title = args
        .name
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "framecast".to_string());
    let slug = slug(&title);
    let fill = |template: &str, escape: fn(&str) -> String| {
        template
            .replace("__WIDTH__", width)
            .replace("__HEIGHT__", height)
            .replace("__NAME__", &escape(&title))
            .replace("__SLUG__", &slug)
    };
    let html = fill(&format!("{HEAD}{}", args.example.body()), escape_html);
    let files = [
        ("index.html", html),
        ("README.md", fill(README, |text| text.to_string())),
        (".gitignore", GITIGNORE.to_string()),
    ];
    prepare_folder(&args.name)?;
    for (name, text) in &files {
        write_new(&args.name.join(name), text)?;
    }
    println!(
        "created {} ({:?} example, {}×{height}): framecast preview {0} to watch it, framecast render {0} -o {slug}.mp4 to render it",
        args.name.display(),
        args.example,
        width
    );
    Ok(())
}

/// Creates the project folder, or accepts an empty one; anything else is refused, so that init
/// never mixes its files with the user's.
fn prepare_folder(folder: &Path) -> anyhow::Result<()> {
    match std::fs::read_dir(folder) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "{} already exists and is not empty; framecast init never writes into an existing folder: choose a new name",
                    folder.display()
                );
            }
            Ok(())
        }
        Err(_) if folder.exists() => bail!(
            "{} already exists and is not a folder; choose a new name",
            folder.display()
        ),
        Err(_) => std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display())),
    }
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The name as a file-name stem: letters and digits kept, anything else a single `-`.
fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "video".to_string()
    } else {
        slug
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_slugs_and_safe_text() {
        assert_eq!(slug("My Launch Video!"), "my-launch-video");
        assert_eq!(slug("…"), "video");
        assert_eq!(escape_html("<b>&\""), "&lt;b&gt;&amp;&quot;");
    }

    #[test]
    fn every_example_fills_every_placeholder() {
        for example in [
            Example::Title,
            Example::Scenes,
            Example::Captions,
            Example::Shader,
        ] {
            let html = format!("{HEAD}{}", example.body());
            for placeholder in ["__WIDTH__", "__HEIGHT__", "__NAME__"] {
                assert!(
                    html.contains(placeholder),
                    "{example:?} lacks {placeholder}"
                );
            }
        }
    }
}
