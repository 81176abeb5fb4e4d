//! `framecast preview`: the dev server with the player page, live reload, and the exact frames
//! a render captures (`exact_frames.rs`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use framecast_composition::{Composition, PageConfig, find_entry};
use framecast_render::{BrowserSettings, CancelFlag};
use framecast_server::{PreviewConfig, PreviewServer, Problem};

use crate::exact_frames::WarmCamera;

use crate::values::{self, ListenHost};

/// How long the player waits for the composition to be ready before it reports what the page is
/// still waiting for.
const READY_TIMEOUT_MS: u32 = 15_000;

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The composition: a directory containing index.html (or src/index.html), or an .html file.
    #[arg(default_value = ".")]
    input: PathBuf,

    /// The port to serve on; the next ones are tried when it is taken.
    #[arg(long, default_value_t = 3002)]
    port: u16,

    /// The address or host name to listen on. A name is resolved, and requests addressed to it
    /// are answered besides those to 127.0.0.1, localhost and [::1] (others get 403, against DNS
    /// rebinding). Anything but loopback exposes the project directory to the network.
    #[arg(long, default_value = "127.0.0.1", value_parser = values::listen_host)]
    host: ListenHost,

    /// Open the player in the default browser.
    #[arg(long)]
    open: bool,
}

pub async fn run(args: PreviewArgs) -> anyhow::Result<()> {
    let (dir, entry) = locate(&args.input)?;
    let (address, allowed_names) = resolve_host(&args.host).await?;
    if !address.is_loopback() {
        eprintln!(
            "warning: serving {} on {address}: anyone who can reach this machine can read the project's files",
            dir.display(),
        );
    }
    let input = args.input.clone();
    let mut config = PreviewConfig::new(&dir, &entry, framecast_browser::RUNTIME_JS);
    config.host = address;
    config.allowed_names = allowed_names;
    config.port = args.port;
    config.check = Arc::new(move || check(&input));
    config.prelude = prelude(&dir).await;
    config.frames = Some(Arc::new(WarmCamera::new(
        args.input.clone(),
        BrowserSettings::default(),
    )));
    let server = PreviewServer::start(config)
        .await
        .with_context(|| format!("cannot preview {}", args.input.display()))?;
    let url = server.url();
    if server.address().port() != args.port {
        println!(
            "port {} is taken; using {}",
            args.port,
            server.address().port()
        );
    }
    println!("previewing {} at {url}", dir.join(&entry).display());
    println!("press Ctrl-C to stop");
    if args.open {
        open_browser(&url);
    }
    // Ctrl-C or SIGTERM: the exact frames' Chrome is closed and its profile removed before
    // the process exits.
    let stop = CancelFlag::default();
    crate::stop::watch(stop.clone(), |message| eprintln!("{message}"));
    stop.cancelled().await;
    server.shutdown().await;
    Ok(())
}

/// The address to bind for `--host`, and the names the server answers to besides loopback.
async fn resolve_host(host: &ListenHost) -> anyhow::Result<(IpAddr, Vec<String>)> {
    match host {
        ListenHost::Address(address) => Ok((*address, Vec::new())),
        ListenHost::Name(name) => {
            let address = tokio::net::lookup_host((name.as_str(), 0))
                .await
                .with_context(|| format!("--host {name}: cannot resolve the name"))?
                .next()
                .with_context(|| format!("--host {name}: the name has no address"))?
                .ip();
            Ok((address, vec![name.clone()]))
        }
    }
}

/// What the page runs before the runtime, as in a render: the runtime's settings, then the
/// font setup (named families such as Arial, generic ones such as sans-serif and the default
/// font drawn with the framecast fonts, as a capture Chrome draws them). The settings need
/// only the served directory, so a composition with errors gets them too (the overlay reports
/// what is wrong, and the runtime still gets file names right).
async fn prelude(dir: &Path) -> String {
    let settings = PageConfig {
        // A page that never gets ready shows an overlay naming what it waits for, not a blank
        // stage.
        ready_timeout_ms: Some(f64::from(READY_TIMEOUT_MS)),
        ..PageConfig::new(dir)
    }
    .to_script();
    let fonts = tokio::task::spawn_blocking(framecast_browser::browser_fonts_page_script).await;
    match fonts {
        Ok(Ok(fonts)) => format!("{settings}\n{fonts}"),
        Ok(Err(error)) => {
            eprintln!("warning: {error}; the preview uses the browser's own fonts");
            settings
        }
        Err(error) => {
            eprintln!("warning: cannot prepare the fonts: {error}");
            settings
        }
    }
}

/// The served directory and the entry file in it, found as `Composition::load` finds them but
/// without parsing the composition: a broken one is still previewed, with its problem in the
/// overlay.
fn locate(input: &Path) -> anyhow::Result<(PathBuf, String)> {
    let html = find_entry(input).with_context(|| format!("cannot preview {}", input.display()))?;
    let dir = html
        .parent()
        .expect("a canonical file path should have a parent directory")
        .to_path_buf();
    let entry = html
        .file_name()
        .and_then(|name| name.to_str())
        .context("the entry file's name is not UTF-8")?
        .to_string();
    Ok((dir, entry))
}

/// What the player shows in its overlay besides the page's own errors: the composition's
/// problems as the renderer would report them.
fn check(input: &Path) -> Vec<Problem> {
    match Composition::load(input) {
        Ok(_) => Vec::new(),
        Err(error) => vec![Problem {
            message: error.to_string(),
            file: None,
            line: None,
        }],
    }
}

fn open_browser(url: &str) {
    let spawned = std::process::Command::new("xdg-open")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(error) = spawned {
        eprintln!("cannot open a browser ({error}); open {url} yourself");
    }
}
