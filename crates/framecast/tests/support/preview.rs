//! The preview's side of the harness: a running `framecast preview`, a browser with the player
//! open (the headless shell or Debian's full `chromium`), and pixel comparisons.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::page::{CaptureScreenshotFormat, Viewport};
use chromiumoxide::page::ScreenshotParams;
use chromiumoxide::{Browser, BrowserConfig, Page};
use futures::StreamExt;
use serde::de::DeserializeOwned;

use super::{TestDir, fixture};

/// A running `framecast preview`, killed and reaped when dropped.
pub struct PreviewProcess {
    child: Child,
    pub url: String,
}

impl PreviewProcess {
    pub fn spawn(test: &TestDir, dir: &Path) -> Self {
        let free = std::net::TcpListener::bind("127.0.0.1:0").expect("should bind");
        let port = free.local_addr().expect("should have an address").port();
        drop(free);
        let tmp = test.path("tmp");
        std::fs::create_dir_all(&tmp).expect("should mkdir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_framecast"))
            .args(["preview", path_str(dir), "--port", &port.to_string()])
            .env("TMPDIR", &tmp)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("framecast preview should start");
        // The server may have moved to a later port: the URL it prints is the truth.
        let stdout = child.stdout.take().expect("stdout should be piped");
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://") {
                    let _ = url_tx.send(line[at..].trim().to_string());
                }
            }
        });
        let url = match url_rx.recv_timeout(Duration::from_secs(20)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("framecast preview did not print its URL");
            }
        };
        PreviewProcess { child, url }
    }
}

impl PreviewProcess {
    /// `host:port` of the server.
    pub fn address(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    }

    /// Sends SIGTERM, as a service manager does, and waits for the process to exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid should fit");
        // SAFETY: kill(2) with a pid this test spawned and has not reaped yet.
        let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(sent, 0, "SIGTERM should be delivered");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("should poll the child") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "framecast preview ignored SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A raw HTTP/1.1 GET to `address` with `Host: host` and `headers`: the status, the response
/// head and the body.
pub async fn http_get(
    address: &str,
    host: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> (u16, String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("should connect");
    let extra: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let request =
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("should send");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.expect("should read");
    let split = reply
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("a reply should have a head");
    let head = String::from_utf8_lossy(&reply[..split]).into_owned();
    let status = head[9..12].parse().expect("should have a status code");
    (status, head, reply[split + 4..].to_vec())
}

impl Drop for PreviewProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Which browser opens the player.
#[derive(Debug, Clone)]
pub enum PlayerBrowser {
    /// The headless shell capture uses, with the flags that make its pixels
    /// machine-independent.
    HeadlessShell,
    /// Debian's full `chromium`, the browser a user has, headless; `fontconfig` is the
    /// `FONTCONFIG_FILE` it starts with, if any.
    Chromium { fontconfig: Option<PathBuf> },
}

/// Debian's full browser (the `/usr/bin/chromium` name is a shell wrapper).
pub const CHROMIUM_PATH: &str = "/usr/lib/chromium/chromium";

/// Headless Chrome with the player open; `close` ends it (dropping kills it too).
pub struct Player {
    browser: Browser,
    handler: tokio::task::JoinHandle<()>,
    pub page: Page,
}

impl Player {
    pub async fn open(test: &TestDir, url: &str, width: u32, height: u32) -> Player {
        let player = Player::launch(test, url, width, height).await;
        player
            .wait_for("window.__player && window.__player.state.ready", 20)
            .await;
        player
    }

    /// Opens the player without waiting for the composition to be ready (a broken one never is).
    pub async fn launch(test: &TestDir, url: &str, width: u32, height: u32) -> Player {
        let browser = PlayerBrowser::HeadlessShell;
        let player = Player::start(test, &browser, width, height).await;
        player.page.goto(url).await.expect("the player should open");
        player
    }

    /// Starts `browser` on a blank page, so that listeners can be attached before the player
    /// opens.
    pub async fn start(test: &TestDir, browser: &PlayerBrowser, width: u32, height: u32) -> Player {
        let (executable, fontconfig) = match browser {
            PlayerBrowser::HeadlessShell => (framecast_browser::DEFAULT_CHROME_PATH, None),
            PlayerBrowser::Chromium { fontconfig } => (CHROMIUM_PATH, fontconfig.clone()),
        };
        // The flags that make capture Chrome's pixels machine-independent, so the comparison
        // with the render path compares like with like.
        let mut config = BrowserConfig::builder()
            .chrome_executable(executable)
            .user_data_dir(test.path("chrome-profile"))
            .window_size(width, height)
            .viewport(None)
            .no_sandbox()
            .args([
                "disable-gpu",
                "hide-scrollbars",
                "mute-audio",
                "font-render-hinting=none",
                "force-color-profile=srgb",
                "force-device-scale-factor=1",
                "autoplay-policy=no-user-gesture-required",
            ]);
        if let Some(fontconfig) = fontconfig {
            config = config.env("FONTCONFIG_FILE", fontconfig.to_string_lossy());
        }
        let config = config.build().expect("the browser config should be valid");
        let (browser, mut handler) = Browser::launch(config).await.expect("Chrome should start");
        let handler = tokio::spawn(async move { while handler.next().await.is_some() {} });
        let page = browser
            .new_page("about:blank")
            .await
            .expect("a page should open");
        // Taking a screenshot activates the page, which in the full browser resizes its view;
        // activated now, the layout the tests measure is the one screenshots see.
        page.activate().await.expect("the page should activate");
        Player {
            browser,
            handler,
            page,
        }
    }

    pub async fn eval<T: DeserializeOwned>(&self, expression: &str) -> T {
        self.page
            .evaluate(expression)
            .await
            .unwrap_or_else(|error| panic!("{expression}: {error}"))
            .into_value()
            .unwrap_or_else(|error| panic!("{expression}: {error}"))
    }

    /// Runs a statement for its effect.
    pub async fn run(&self, statement: &str) {
        self.page
            .evaluate(format!("{statement}; true"))
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }

    pub async fn wait_for(&self, condition: &str, seconds: u64) {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let value: Option<bool> = self
                .page
                .evaluate(format!("Boolean({condition})"))
                .await
                .ok()
                .and_then(|result| result.into_value().ok());
            if value == Some(true) {
                return;
            }
            if Instant::now() > deadline {
                let state: serde_json::Value = self
                    .eval("JSON.parse(JSON.stringify(window.__player && window.__player.state))")
                    .await;
                panic!("timed out waiting for {condition}; player state: {state}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn time(&self) -> f64 {
        self.eval("window.__player.state.t").await
    }

    pub async fn press(&self, key: &str) {
        let body = self
            .page
            .find_element("body")
            .await
            .expect("should find body");
        body.press_key(key).await.expect("should press the key");
    }

    /// The composition's pixels as the player shows them (PNG), at 100% zoom.
    pub async fn composition_png(&self) -> Vec<u8> {
        let rect: [f64; 4] = self
            .eval("(() => { const r = document.getElementById('composition').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()")
            .await;
        let clip = Viewport {
            x: rect[0],
            y: rect[1],
            width: rect[2],
            height: rect[3],
            scale: 1.0,
        };
        self.page
            .screenshot(
                ScreenshotParams::builder()
                    .format(CaptureScreenshotFormat::Png)
                    .clip(clip)
                    .build(),
            )
            .await
            .expect("should take a screenshot")
    }

    pub async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
        self.handler.abort();
    }
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("test paths should be UTF-8")
}

/// Copies a fixture's composition into the test's directory, so edits stay there.
pub fn copy_fixture(test: &TestDir, name: &str) -> PathBuf {
    let target = test.path(name);
    copy_tree(&fixture(name), &target);
    target
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("should mkdir");
    for entry in std::fs::read_dir(from).expect("the directory should exist") {
        let entry = entry.expect("should list the directory");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("should copy");
        }
    }
}

/// Decodes a PNG to RGB with FFmpeg (its image2 demuxer reads a lone PNG as a 1-frame video).
pub fn decode_png(test: &TestDir, name: &str, png: &[u8]) -> (u32, u32, Vec<u8>) {
    let path = test.path(name);
    std::fs::write(&path, png).expect("should write the PNG");
    let video = super::decode(&path);
    (video.width, video.height, video.frames[0].clone())
}

pub fn assert_no_leftovers(test: &TestDir) {
    let leftovers = test.settle_and_list_leftovers();
    assert!(
        leftovers.is_empty(),
        "processes left behind: {leftovers:#?}"
    );
}
