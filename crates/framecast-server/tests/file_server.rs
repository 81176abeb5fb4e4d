//! The file server over real HTTP: each test builds a directory in its own temp dir, starts a
//! server on loopback and speaks raw HTTP/1.1 to it over a `TcpStream`, so the request target
//! reaches the server exactly as written (no client normalizes `..` away).

use framecast_server::{FileServer, FileServerConfig, ServerError, VendorLibraries};
use std::fs;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One parsed HTTP response.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A served directory inside a temp dir: `shelf/site` is the root, `shelf/shared` a folder of
/// shared assets beside it, `private` a folder further away that must never be served, and
/// `shelf/secret` the file `..` would reach.
struct Site {
    _temp: tempfile::TempDir,
    root: PathBuf,
    shelf: PathBuf,
    outside: PathBuf,
}

impl Site {
    fn new() -> Self {
        let temp = tempfile::tempdir().expect("should create a temp dir");
        let shelf = temp.path().join("shelf");
        let root = shelf.join("site");
        let outside = temp.path().join("private");
        for dir in [
            &root,
            &shelf.join("shared"),
            &shelf.join(".hidden"),
            &outside,
        ] {
            fs::create_dir_all(dir).expect("should create a directory");
        }
        fs::write(shelf.join("secret"), "TOP SECRET").expect("should write");
        fs::write(shelf.join(".hidden/secret"), "TOP SECRET").expect("should write");
        fs::write(outside.join("secret"), "TOP SECRET").expect("should write");
        fs::write(shelf.join("shared/logo.txt"), "shared logo").expect("should write");
        Site {
            _temp: temp,
            root,
            shelf,
            outside,
        }
    }

    fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().expect("should have a parent")).expect("should mkdir");
        fs::write(&path, contents).expect("should write");
        path
    }

    async fn serve(&self, vendor: VendorLibraries) -> FileServer {
        FileServer::start(FileServerConfig {
            root: self.root.clone(),
            vendor,
        })
        .await
        .expect("should start the file server")
    }
}

/// Sends `request_head` (request line and headers, without the blank line) with `Host:
/// 127.0.0.1:PORT` and reads the whole response; `Connection: close` makes the server end it.
async fn send(server: &FileServer, request_head: &str) -> Reply {
    let port = server.address().port();
    send_raw(
        server,
        &format!("{request_head}\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    )
    .await
}

/// Sends `request` as written and reads the whole response.
async fn send_raw(server: &FileServer, request: &str) -> Reply {
    let mut stream = TcpStream::connect(server.address())
        .await
        .expect("should connect to the file server");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("should send the request");
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .await
        .expect("should read the response");
    parse(&raw)
}

async fn get(server: &FileServer, target: &str) -> Reply {
    send(server, &format!("GET {target} HTTP/1.1")).await
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("should have a blank line after the headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("should have a status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("should have a numeric status");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn path_of(url: &str) -> &str {
    let after_scheme = url.strip_prefix("http://").expect("should be an http URL");
    &after_scheme[after_scheme.find('/').expect("should have a path")..]
}

#[tokio::test]
async fn serves_files_with_their_type_and_no_store() {
    let site = Site::new();
    site.write("index.html", "<h1>hello</h1>");
    site.write("js/app.mjs", "export {};");
    site.write("media/clip.mp4", "not really a video");
    site.write("fonts/inter.woff2", "wOF2");
    let server = site.serve(VendorLibraries::none()).await;

    let page = get(&server, "/index.html").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(page.text(), "<h1>hello</h1>");

    for (target, content_type) in [
        ("/js/app.mjs", "text/javascript; charset=utf-8"),
        ("/media/clip.mp4", "video/mp4"),
        ("/fonts/inter.woff2", "font/woff2"),
    ] {
        let reply = get(&server, target).await;
        assert_eq!(reply.status, 200, "{target}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{target}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn serves_directory_indexes() {
    let site = Site::new();
    site.write("index.html", "root page");
    site.write("scene/index.html", "scene page");
    let server = site.serve(VendorLibraries::none()).await;

    assert_eq!(get(&server, "/").await.text(), "root page");
    assert_eq!(get(&server, "/scene/").await.text(), "scene page");
    let redirect = get(&server, "/scene?x=1").await;
    assert_eq!(redirect.status, 307);
    assert_eq!(redirect.header("location"), Some("/scene/?x=1"));
    server.shutdown().await;
}

#[tokio::test]
async fn missing_files_are_not_found() {
    let site = Site::new();
    site.write("index.html", "root page");
    fs::create_dir_all(site.root.join("empty")).expect("should mkdir");
    let server = site.serve(VendorLibraries::none()).await;

    let missing = get(&server, "/missing.js").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("cache-control"), Some("no-store"));
    assert_eq!(get(&server, "/index.html/child").await.status, 404);
    assert_eq!(get(&server, "/empty/").await.status, 404);
    server.shutdown().await;
}

#[tokio::test]
async fn refuses_paths_that_climb_out_of_the_root() {
    let site = Site::new();
    site.write("index.html", "root page");
    let server = site.serve(VendorLibraries::none()).await;

    for target in [
        "/../secret",
        "/%2e%2e/secret",
        "/%2E%2E/secret",
        "/sub/../../secret",
        "/..%2fsecret",
        "/..%5csecret",
    ] {
        let reply = get(&server, target).await;
        assert_eq!(reply.status, 403, "{target}");
        assert!(!reply.text().contains("TOP SECRET"), "{target} leaked");
    }
    assert_eq!(get(&server, "/bad%zzescape").await.status, 400);
    server.shutdown().await;
}

#[cfg(unix)]
#[tokio::test]
async fn follows_symlinks_to_the_folders_beside_the_root_and_no_further() {
    use std::os::unix::fs::symlink;
    let site = Site::new();
    site.write("index.html", "root page");
    site.write("real.txt", "inside");
    symlink(site.root.join("real.txt"), site.root.join("alias.txt")).expect("should symlink");
    // Shared assets beside the composition, linked relatively as a project would ship them.
    symlink("../shared", site.root.join("shared")).expect("should symlink a directory");
    symlink("../shared/logo.txt", site.root.join("logo.txt")).expect("should symlink a file");
    // Further away: a file and a folder outside the parent, the parent's parent, a hidden
    // folder beside the root, and an absolute system file.
    symlink(site.outside.join("secret"), site.root.join("leak.txt")).expect("should symlink");
    symlink(&site.outside, site.root.join("linked-dir")).expect("should symlink");
    symlink("../..", site.root.join("up")).expect("should symlink");
    symlink("../.hidden", site.root.join("hidden")).expect("should symlink");
    symlink("/etc/passwd", site.root.join("passwd")).expect("should symlink");
    let server = site.serve(VendorLibraries::none()).await;

    assert_eq!(get(&server, "/alias.txt").await.text(), "inside");
    for target in ["/shared/logo.txt", "/logo.txt"] {
        let reply = get(&server, target).await;
        assert_eq!(reply.status, 200, "{target}");
        assert_eq!(reply.text(), "shared logo", "{target}");
    }
    for target in [
        "/leak.txt",
        "/linked-dir/secret",
        "/linked-dir/",
        "/up/",
        "/up/private/secret",
        "/hidden/secret",
        "/passwd",
    ] {
        let reply = get(&server, target).await;
        assert_eq!(reply.status, 403, "{target}");
        assert!(!reply.text().contains("TOP SECRET"), "{target} leaked");
        assert!(!reply.text().contains("root:"), "{target} leaked");
    }

    // What the page read is recorded by canonical path, the shared file included.
    let mut served = server.served_files();
    served.sort();
    let canonical = |path: PathBuf| path.canonicalize().expect("should canonicalize");
    let mut expected = vec![
        canonical(site.root.join("real.txt")),
        canonical(site.shelf.join("shared/logo.txt")),
    ];
    expected.sort();
    assert_eq!(served, expected);
    server.shutdown().await;
}

#[tokio::test]
async fn answers_only_requests_addressed_to_a_loopback_name() {
    let site = Site::new();
    site.write("index.html", "root page");
    let server = site.serve(VendorLibraries::none()).await;
    let port = server.address().port();

    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let request =
            format!("GET /index.html HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        let reply = send_raw(&server, &request).await;
        assert_eq!(reply.status, 200, "{host}");
        assert_eq!(reply.text(), "root page", "{host}");
    }
    for request in [
        "GET /index.html HTTP/1.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n"
            .to_string(),
        format!(
            "GET /index.html HTTP/1.1\r\nHost: evil.example.com:{port}\r\nConnection: close\r\n\r\n"
        ),
        "GET /index.html HTTP/1.0\r\n\r\n".to_string(),
        // The right name with another port is not this server.
        format!(
            "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            port.wrapping_add(1)
        ),
        "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_string(),
    ] {
        let reply = send_raw(&server, &request).await;
        assert_eq!(reply.status, 403, "{request}");
        assert!(reply.text().contains("DNS rebinding"), "{}", reply.text());
        assert!(!reply.text().contains("root page"), "{request}");
    }
    server.shutdown().await;
}

/// A file of the checkout's `node_modules`, which the embedded table was built from.
fn installed(path: &str) -> Vec<u8> {
    let node_modules = concat!(env!("CARGO_MANIFEST_DIR"), "/../../node_modules");
    fs::read(Path::new(node_modules).join(path))
        .unwrap_or_else(|error| panic!("should read the installed {path}: {error}"))
}

#[tokio::test]
async fn falls_back_to_embedded_libraries_by_file_name() {
    let site = Site::new();
    site.write("own/gsap.min.js", "/* the composition's own copy */");
    let server = site.serve(VendorLibraries::embedded()).await;

    let gsap = framecast_assets::file("gsap/dist/gsap.min.js").expect("gsap should be embedded");
    assert_eq!(gsap, installed("gsap/dist/gsap.min.js"));
    for target in ["/gsap.min.js", "/deep/dir/gsap.min.js"] {
        let reply = get(&server, target).await;
        assert_eq!(reply.status, 200, "{target}");
        assert_eq!(reply.body, gsap, "{target}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(reply.header("cache-control"), Some("no-store"));
    }
    let head = send(&server, "HEAD /gsap.min.js HTTP/1.1").await;
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(gsap.len().to_string().as_str())
    );
    assert!(head.body.is_empty());
    assert_eq!(
        get(&server, "/own/gsap.min.js").await.text(),
        "/* the composition's own copy */"
    );
    let shader = get(&server, "/hyper-shader.global.js").await;
    assert_eq!(
        shader.body,
        installed("@hyperframes/shader-transitions/dist/index.global.js")
    );
    // Only the table's names fall back: other files of the packages are not served by name.
    assert_eq!(get(&server, "/ScrollTrigger.min.js").await.status, 404);
    server.shutdown().await;
}

#[tokio::test]
async fn serves_embedded_fonts_under_the_reserved_prefix() {
    let site = Site::new();
    let server = site.serve(VendorLibraries::embedded()).await;

    let font = "@fontsource/jetbrains-mono/files/jetbrains-mono-latin-700-italic.woff";
    let reply = get(
        &server,
        "/__framecast/fonts/jetbrains-mono/jetbrains-mono-latin-700-italic.woff",
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("font/woff"));
    assert_eq!(
        reply.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(Some(reply.body.as_slice()), framecast_assets::file(font));
    assert_eq!(reply.body, installed(font));
    let missing = get(
        &server,
        "/__framecast/fonts/inter/inter-latin-100-normal.woff",
    )
    .await;
    assert_eq!(missing.status, 404);
    server.shutdown().await;
}

#[tokio::test]
async fn answers_head_and_range_requests() {
    let site = Site::new();
    site.write("clip.webm", "0123456789");
    let server = site.serve(VendorLibraries::none()).await;

    let head = send(&server, "HEAD /clip.webm HTTP/1.1").await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("10"));
    assert!(head.body.is_empty());

    let range = send(&server, "GET /clip.webm HTTP/1.1\r\nRange: bytes=2-5").await;
    assert_eq!(range.status, 206);
    assert_eq!(range.text(), "2345");
    assert_eq!(range.header("content-type"), Some("video/webm"));
    server.shutdown().await;
}

#[tokio::test]
async fn urls_from_url_for_are_served() {
    let site = Site::new();
    let absolute = site.write("sub dir/caf\u{e9} #1.html", "encoded");
    let server = site.serve(VendorLibraries::none()).await;

    let base = server.base_url();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with('/'));
    let url = server.url_for(Path::new("sub dir/caf\u{e9} #1.html"));
    assert_eq!(url, format!("{base}sub%20dir/caf%C3%A9%20%231.html"));
    assert_eq!(server.url_for(&absolute), url);
    assert_eq!(get(&server, path_of(&url)).await.text(), "encoded");
    server.shutdown().await;
}

#[tokio::test]
async fn stops_listening_after_shutdown() {
    let site = Site::new();
    let server = site.serve(VendorLibraries::none()).await;
    let address = server.address();
    server.shutdown().await;
    assert!(TcpStream::connect(address).await.is_err());
}

#[tokio::test]
async fn refuses_a_root_that_is_not_a_directory() {
    let site = Site::new();
    let file = site.write("index.html", "x");
    let missing = FileServer::start(FileServerConfig {
        root: site.root.join("nope"),
        vendor: VendorLibraries::none(),
    })
    .await;
    assert!(matches!(missing, Err(ServerError::Root { .. })));
    let not_a_dir = FileServer::start(FileServerConfig {
        root: file,
        vendor: VendorLibraries::none(),
    })
    .await;
    assert!(matches!(
        not_a_dir,
        Err(ServerError::RootNotDirectory { .. })
    ));
}
