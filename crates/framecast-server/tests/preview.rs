//! The preview server over real HTTP, without a browser: the player page, the runtime injected
//! into the entry HTML only, traversal refused, reload events after a change, and the next port
//! when the first is taken. Raw HTTP/1.1 over a `TcpStream`, so `..` reaches the server as sent.

use std::fs;
use std::sync::Arc;
use std::time::Duration;

use framecast_server::{PreviewConfig, PreviewServer, Problem, VendorLibraries};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const RUNTIME: &str = "window.__hf = { __test_runtime: true };";

struct Project {
    temp: tempfile::TempDir,
}

impl Project {
    fn new() -> Self {
        let temp = tempfile::tempdir().expect("should create a temp dir");
        fs::create_dir_all(temp.path().join("project/sub")).expect("should mkdir");
        fs::write(temp.path().join("secret"), "TOP SECRET").expect("should write");
        fs::write(
            temp.path().join("project/index.html"),
            "<!doctype html><html><head><title>t</title></head><body>hello</body></html>",
        )
        .expect("should write");
        fs::write(temp.path().join("project/sub/page.html"), "<head></head>")
            .expect("should write");
        Project { temp }
    }

    fn root(&self) -> std::path::PathBuf {
        self.temp.path().join("project")
    }

    fn config(&self) -> PreviewConfig {
        let mut config = PreviewConfig::new(self.root(), "index.html", RUNTIME);
        config.port = 0;
        config.vendor = VendorLibraries::none();
        config.prelude = "window.__framecastConfig = {};".to_string();
        config.debounce = Duration::from_millis(50);
        config
    }
}

async fn get(server: &PreviewServer, target: &str) -> (u16, String) {
    let host = format!("localhost:{}", server.address().port());
    get_as(server, &host, target).await
}

/// A GET with the given `Host` header.
async fn get_as(server: &PreviewServer, host: &str, target: &str) -> (u16, String) {
    let (status, _, body) = request(server, host, target, &[]).await;
    (status, body)
}

/// A GET with the given `Host` and other headers: the status, the response head and the body.
async fn request(
    server: &PreviewServer,
    host: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(server.address())
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
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply[9..12].parse().expect("should have a status code");
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    (status, head.to_string(), body.to_string())
}

#[tokio::test]
async fn serves_the_player_and_the_entry_with_the_runtime_first() {
    let project = Project::new();
    let server = PreviewServer::start(project.config())
        .await
        .expect("should start");

    let (status, player) = get(&server, "/").await;
    assert_eq!(status, 200);
    assert!(player.contains("/__framecast/player.js"), "{player}");
    let (status, script) = get(&server, "/__framecast/player.js").await;
    assert_eq!(status, 200);
    assert!(script.contains("__hf.seek"));

    let (status, entry) = get(&server, "/index.html").await;
    assert_eq!(status, 200);
    let runtime_at = entry
        .find("<script src=\"/__framecast/runtime.js\"")
        .expect("the entry should load the runtime");
    assert!(entry.find("<head>").expect("head") < runtime_at);
    assert!(runtime_at < entry.find("<title>").expect("title"));
    let (status, runtime) = get(&server, "/__framecast/runtime.js").await;
    assert_eq!(status, 200);
    assert_eq!(
        runtime,
        format!("window.__framecastConfig = {{}};\n{RUNTIME}")
    );

    // Other HTML files (sub-compositions) are served as written.
    let (status, page) = get(&server, "/sub/page.html").await;
    assert_eq!(status, 200);
    assert_eq!(page, "<head></head>");
    server.shutdown().await;
}

#[tokio::test]
async fn refuses_paths_outside_the_project() {
    let project = Project::new();
    let server = PreviewServer::start(project.config())
        .await
        .expect("should start");
    for target in ["/../secret", "/%2e%2e/secret", "/sub/../../secret"] {
        let (status, body) = get(&server, target).await;
        assert!(status == 403 || status == 404, "{target}: {status}");
        assert!(!body.contains("TOP SECRET"), "{target}");
    }
    server.shutdown().await;
}

#[cfg(unix)]
#[tokio::test]
async fn follows_symlinks_beside_the_project_and_no_further() {
    use std::os::unix::fs::symlink;
    // `outer/shelf/project` is served, `outer/shelf/shared` lies beside it, `outer/private`
    // further away.
    let outer = tempfile::tempdir().expect("should create a temp dir");
    let shelf = outer.path().join("shelf");
    let root = shelf.join("project");
    for dir in [&root, &shelf.join("shared"), &outer.path().join("private")] {
        fs::create_dir_all(dir).expect("should mkdir");
    }
    fs::write(root.join("index.html"), "<head></head>").expect("should write");
    fs::write(shelf.join("shared/logo.txt"), "shared logo").expect("should write");
    fs::write(outer.path().join("private/secret"), "TOP SECRET").expect("should write");
    symlink("../shared", root.join("shared")).expect("should symlink");
    symlink(outer.path().join("private"), root.join("private")).expect("should symlink");
    let mut config = PreviewConfig::new(&root, "index.html", RUNTIME);
    config.port = 0;
    config.vendor = VendorLibraries::none();
    let server = PreviewServer::start(config).await.expect("should start");

    assert_eq!(
        get(&server, "/shared/logo.txt").await,
        (200, "shared logo".to_string())
    );
    let (status, body) = get(&server, "/private/secret").await;
    assert_eq!(status, 403);
    assert!(!body.contains("TOP SECRET"));
    server.shutdown().await;
}

#[tokio::test]
async fn answers_only_requests_addressed_to_a_loopback_name() {
    let project = Project::new();
    let server = PreviewServer::start(project.config())
        .await
        .expect("should start");
    let port = server.address().port();

    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        for target in ["/", "/index.html", "/__framecast/status"] {
            let (status, _) = get_as(&server, &host, target).await;
            assert_eq!(status, 200, "{host} {target}");
        }
    }
    let other_port = format!("localhost:{}", port.wrapping_add(1));
    for host in [
        "evil.example.com",
        &format!("evil.example.com:{port}"),
        "localhost",
        &other_port,
    ] {
        for target in [
            "/",
            "/index.html",
            "/__framecast/status",
            "/__framecast/events",
        ] {
            let (status, body) = get_as(&server, host, target).await;
            assert_eq!(status, 403, "{host} {target}");
            assert!(body.contains("DNS rebinding"), "{host} {target}: {body}");
            assert!(
                body.contains(&format!(
                    "(127.0.0.1:{port}, localhost:{port}, [::1]:{port})"
                )),
                "the refusal names the allowed hosts: {body}"
            );
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_name_given_with_host_is_answered_too() {
    let project = Project::new();
    let mut config = project.config();
    config.allowed_names = vec!["studio.local".to_string()];
    let server = PreviewServer::start(config).await.expect("should start");
    let port = server.address().port();
    let (status, _) = get_as(&server, &format!("studio.local:{port}"), "/").await;
    assert_eq!(status, 200);
    let (status, body) = get_as(&server, &format!("evil.example.com:{port}"), "/").await;
    assert_eq!(status, 403);
    assert!(body.contains(&format!("studio.local:{port}")), "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn refuses_other_websites_and_sends_no_cors_headers() {
    let project = Project::new();
    let server = PreviewServer::start(project.config())
        .await
        .expect("should start");
    let port = server.address().port();
    let host = format!("127.0.0.1:{port}");
    let own = format!("http://127.0.0.1:{port}");
    let other_port = format!("http://127.0.0.1:{}", port.wrapping_add(1));

    // What a page on another site sends when it fetches the endpoints or opens the stream.
    for target in ["/__framecast/status", "/__framecast/events"] {
        for headers in [
            vec![
                ("Sec-Fetch-Site", "cross-site"),
                ("Origin", "http://evil.example.com"),
            ],
            vec![("Sec-Fetch-Site", "same-site"), ("Origin", &other_port)],
            vec![("Origin", "http://evil.example.com")],
            vec![("Origin", "null")],
        ] {
            let (status, head, body) = request(&server, &host, target, &headers).await;
            assert_eq!(status, 403, "{target} {headers:?}");
            assert!(body.contains("answers only the preview player"), "{body}");
            assert!(
                !head.to_ascii_lowercase().contains("access-control"),
                "{head}"
            );
        }
    }
    // The player's own requests.
    let (status, head, _) = request(
        &server,
        &host,
        "/__framecast/status",
        &[("Sec-Fetch-Site", "same-origin"), ("Origin", &own)],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        !head.to_ascii_lowercase().contains("access-control"),
        "{head}"
    );
    // Files and the player page stay reachable by a link from elsewhere (a navigation).
    for target in ["/", "/index.html"] {
        let (status, head, _) = request(
            &server,
            &host,
            target,
            &[
                ("Sec-Fetch-Site", "cross-site"),
                ("Sec-Fetch-Mode", "navigate"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{target}");
        assert!(
            !head.to_ascii_lowercase().contains("access-control"),
            "{head}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_change_sends_one_reload_event_with_the_current_problems() {
    let project = Project::new();
    let mut config = project.config();
    let marker = project.root().join("broken");
    config.check = Arc::new(move || {
        if marker.exists() {
            vec![Problem {
                message: "root is missing data-width".to_string(),
                file: Some("index.html".to_string()),
                line: Some(3),
            }]
        } else {
            Vec::new()
        }
    });
    let server = PreviewServer::start(config).await.expect("should start");

    let stream = TcpStream::connect(server.address())
        .await
        .expect("should connect");
    let (read, mut write) = stream.into_split();
    write
        .write_all(
            format!(
                "GET /__framecast/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
                server.address().port()
            )
            .as_bytes(),
        )
        .await
        .expect("should send");
    let mut lines = BufReader::new(read).lines();
    // Wait for the response headers, so the subscription exists before the change.
    while let Some(line) = lines.next_line().await.expect("should read") {
        if line.is_empty() {
            break;
        }
    }
    fs::write(project.root().join("broken"), "x").expect("should write");
    fs::write(project.root().join("index.html"), "<head></head>changed").expect("should write");

    let data = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(line) = lines.next_line().await.expect("should read") {
            if let Some(data) = line.strip_prefix("data: ") {
                return data.to_string();
            }
        }
        panic!("the event stream ended");
    })
    .await
    .expect("a reload event should arrive");
    let event: serde_json::Value = serde_json::from_str(&data).expect("should be JSON");
    assert_eq!(event["type"], "reload");
    assert_eq!(event["problems"][0]["line"], 3);
    assert_eq!(event["problems"][0]["file"], "index.html");

    let (_, status) = get(&server, "/__framecast/status").await;
    let status: serde_json::Value = serde_json::from_str(&status).expect("should be JSON");
    assert_eq!(status["entry"], "/index.html");
    assert_eq!(
        status["problems"][0]["message"],
        "root is missing data-width"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn tries_the_next_port_when_one_is_taken() {
    let project = Project::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("should bind");
    let port = taken.local_addr().expect("should have an address").port();
    let mut config = project.config();
    config.port = port;
    let server = match PreviewServer::start(config).await {
        Ok(server) => server,
        // The next port may belong to someone else too; that is the same error path.
        Err(error) => panic!("should find a free port after {port}: {error}"),
    };
    assert_ne!(server.address().port(), port);
    assert!(server.address().port() > port);
    assert!(server.address().ip().is_loopback());
    server.shutdown().await;
}

#[tokio::test]
async fn the_exact_frame_endpoint_checks_the_time_host_and_origin() {
    let project = Project::new();
    let server = PreviewServer::start(project.config())
        .await
        .expect("should start");
    for bad in [
        "/__framecast/frame",
        "/__framecast/frame?t=x",
        "/__framecast/frame?t=-2",
    ] {
        let (status, body) = get(&server, bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains("seconds"), "{bad}: {body}");
    }
    // Without a frame source (the CLI passes one) there are no exact frames, and the player
    // shows the live page.
    let (status, body) = get(&server, "/__framecast/frame?t=1").await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("no exact frames"), "{body}");
    let (status, _) = get_as(&server, "evil.example.com", "/__framecast/frame?t=1").await;
    assert_eq!(status, 403);
    let host = format!("localhost:{}", server.address().port());
    let (status, _, body) = request(
        &server,
        &host,
        "/__framecast/frame?t=1",
        &[
            ("Origin", "http://evil.example.com"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    server.shutdown().await;
}
