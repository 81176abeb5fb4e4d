//! Outside assets a composition names (a stylesheet with its font, an image) are fetched once
//! into framecast's cache before Chrome starts and served from it, so a later render, even
//! offline, sees the same bytes; one that cannot be fetched is a warning naming it and the page
//! goes on without it, unless `--strict`; `--offline` never touches the network.
//!
//! The "outside" host is a small HTTP server of the test's own on another loopback port: the
//! page may reach only the composition's server, so to the page it is as outside as any CDN.

mod support;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use support::{TestDir, assert_success, decode, pixel};

/// An HTTP server answering fixed paths, recording every path asked for.
struct Origin {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Origin {
    fn start(routes: HashMap<&'static str, (&'static str, Vec<u8>)>) -> Origin {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split(' ').nth(1).unwrap_or("").to_string();
                log.lock().unwrap().push(path.clone());
                let route = path.split('?').next().unwrap_or("");
                let (status, content_type, body) = match routes.get(route) {
                    Some((content_type, body)) => ("200 OK", *content_type, body.clone()),
                    None => ("404 Not Found", "text/plain", b"no".to_vec()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        });
        Origin { url, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// A 16×16 PNG of one colour, written by FFmpeg.
fn png(test: &TestDir, rgb: &str) -> Vec<u8> {
    let path = test.path("colour.png");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("color=c=0x{rgb}:s=16x16"))
        .args(["-frames:v", "1"])
        .arg(&path)
        .status()
        .expect("ffmpeg should run");
    assert!(status.success());
    std::fs::read(path).unwrap()
}

fn font() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../node_modules/@fontsource/jetbrains-mono/files/jetbrains-mono-latin-400-normal.woff2"
    );
    std::fs::read(path).expect("scripts/setup installs @fontsource/jetbrains-mono")
}

/// A composition with a remote stylesheet (whose font is named by a relative URL, as Google
/// Fonts names its files) and a remote image.
fn composition(origin: &str) -> String {
    format!(
        r#"<!doctype html><html><head>
<link rel="preconnect" href="{origin}">
<link rel="stylesheet" href="{origin}/css2?family=Remote+Test&display=swap">
<style>body {{ margin: 0; background: #000 }}</style>
</head><body>
<div id="root" data-composition-id="main" data-width="320" data-height="64" data-duration="0.2" data-fps="10">
  <img src="{origin}/images/red.png" style="position:absolute;left:0;top:0;width:32px;height:32px">
  <span style="position:absolute;left:40px;top:10px;color:#fff;font:20px 'Remote Test', serif">iiiiiiiiii</span>
</div>
</body></html>"#
    )
}

fn routes(test: &TestDir) -> HashMap<&'static str, (&'static str, Vec<u8>)> {
    let css = "@font-face { font-family: 'Remote Test'; font-style: normal; font-weight: 400; \
               src: url(/fonts/remote-test.woff2) format('woff2'); }";
    HashMap::from([
        (
            "/css2",
            ("text/css; charset=utf-8", css.as_bytes().to_vec()),
        ),
        ("/fonts/remote-test.woff2", ("font/woff2", font())),
        ("/images/red.png", ("image/png", png(test, "ff0000"))),
    ])
}

fn render(test: &TestDir, input: &Path, output: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_framecast"))
        .args([
            "render",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ])
        .args(["--workers", "1"])
        .args(extra)
        .env("FRAMECAST_CACHE_DIR", test.path("cache"))
        .env("TMPDIR", test.dir.path())
        .output()
        .expect("framecast should run")
}

/// The width of the white text's ink, right of the image.
fn text_width(video: &framecast_media::DecodedVideo) -> u32 {
    let lit: Vec<u32> = (40..video.width)
        .filter(|&x| {
            (0..video.height).any(|y| pixel(video, 0, x, y).iter().all(|&channel| channel > 100))
        })
        .collect();
    match (lit.first(), lit.last()) {
        (Some(first), Some(last)) => last - first + 1,
        _ => 0,
    }
}

#[test]
fn a_remote_stylesheet_its_font_and_an_image_are_fetched_once_and_cached() {
    let test = TestDir::new();
    let origin = Origin::start(routes(&test));
    let input = test.composition("remote", &composition(&origin.url));
    let first = test.path("first.mp4");
    let run = render(&test, &input, &first, &[]);
    assert_success(&run);
    let mut asked = origin.requests();
    asked.sort();
    assert_eq!(
        asked,
        [
            "/css2?family=Remote+Test&display=swap",
            "/fonts/remote-test.woff2",
            "/images/red.png"
        ],
        "each asset is fetched once, by framecast, and Chrome's requests are answered from the cache"
    );
    let video = decode(&first);
    assert!(
        support::near(pixel(&video, 0, 16, 16), [255, 0, 0], 40),
        "the remote image should show: {:?}",
        pixel(&video, 0, 16, 16)
    );
    // Ten monospaced `i`s at 20 px span about 115 px; in the serif fallback about 50.
    let width = text_width(&video);
    assert!(
        width > 90,
        "the remote font should be used: text {width} px wide"
    );

    // Again, offline: the cache answers, the network is not touched, the frames are the same.
    let second = test.path("second.mp4");
    let run = render(&test, &input, &second, &["--offline"]);
    assert_success(&run);
    assert_eq!(
        origin.requests().len(),
        3,
        "an offline render asked the network"
    );
    assert_eq!(decode(&second).frames, video.frames);
}

#[test]
fn an_asset_that_cannot_be_fetched_is_a_warning_and_the_page_goes_on() {
    let test = TestDir::new();
    let origin = Origin::start(HashMap::new());
    let html = composition(&origin.url).replace(
        "<link rel=\"preconnect\"",
        "<link rel=\"stylesheet\" href=\"https://fonts.googleapis.com/css2?family=Roboto:wght@700\"><link rel=\"preconnect\"",
    );
    let input = test.composition("unreachable", &html);
    let output = test.path("out.mp4");
    let run = render(&test, &input, &output, &[]);
    assert_success(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    for url in [
        "https://fonts.googleapis.com/css2?family=Roboto:wght@700".to_string(),
        format!("{}/css2?family=Remote+Test&display=swap", origin.url),
        format!("{}/images/red.png", origin.url),
    ] {
        assert!(
            stderr.contains(&format!("could not fetch {url}")),
            "expected a warning naming {url} in:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("HTTP 404"),
        "the reason is given:\n{stderr}"
    );
    let video = decode(&output);
    // Chrome draws its broken-image placeholder there, as in a browser offline.
    assert!(
        !support::near(pixel(&video, 0, 16, 16), [255, 0, 0], 60),
        "no image where it could not be fetched"
    );
    let width = text_width(&video);
    assert!(
        (1..90).contains(&width),
        "the text falls back to another font: {width} px wide"
    );
}

#[test]
fn strict_stops_before_chrome_naming_every_asset_and_writes_nothing() {
    let test = TestDir::new();
    let origin = Origin::start(HashMap::new());
    let input = test.composition("strict", &composition(&origin.url));
    let output = test.path("out.mp4");
    let run = render(&test, &input, &output, &["--strict"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(
        stderr.contains("2 outside assets that could not be fetched")
            && stderr.contains(&format!(
                "{}/images/red.png (named in index.html <img>): HTTP 404",
                origin.url
            )),
        "stderr:\n{stderr}"
    );
    assert!(!output.exists());
    assert_eq!(test.settle_and_list_leftovers(), Vec::<String>::new());
}

#[test]
fn offline_never_touches_the_network() {
    let test = TestDir::new();
    let origin = Origin::start(routes(&test));
    let input = test.composition("offline", &composition(&origin.url));
    let output = test.path("out.mp4");
    let run = render(&test, &input, &output, &["--offline"]);
    assert_success(&run);
    assert_eq!(origin.requests(), Vec::<String>::new());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("the render is offline"),
        "the warning says why:\n{stderr}"
    );
    let run = render(
        &test,
        &input,
        &test.path("strict.mp4"),
        &["--offline", "--strict"],
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(!test.path("strict.mp4").exists());
}

#[test]
fn a_remote_video_is_decoded_from_the_cached_copy() {
    let test = TestDir::new();
    let clip = test.path("green.mp4");
    let status = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=0x00ff00:s=64x64:d=1:r=10",
        ])
        .args(["-pix_fmt", "yuv420p"])
        .arg(&clip)
        .status()
        .expect("ffmpeg should run");
    assert!(status.success());
    let origin = Origin::start(HashMap::from([(
        "/media/green.mp4",
        ("video/mp4", std::fs::read(&clip).unwrap()),
    )]));
    let html = format!(
        r#"<html><body style="margin:0;background:#000">
<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="0.3" data-fps="10">
  <video src="{}/media/green.mp4" muted data-start="0" style="width:64px;height:64px"></video>
</div></body></html>"#,
        origin.url
    );
    let input = test.composition("video", &html);
    let output = test.path("out.mp4");
    let run = render(&test, &input, &output, &[]);
    assert_success(&run);
    let video = decode(&output);
    assert_eq!(video.frames.len(), 3);
    assert!(
        support::near(pixel(&video, 2, 32, 32), [0, 255, 0], 40),
        "the remote clip should show: {:?}",
        pixel(&video, 2, 32, 32)
    );
}
