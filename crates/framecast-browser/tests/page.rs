//! Real Chrome, real pages: readiness, seeking, capture and page errors.

use std::time::Duration;

use framecast_browser::{
    BrowserError, BrowserSession, CaptureMode, CapturedFrame, ImageFormat, LaunchOptions,
};

fn data_url(html: &str) -> String {
    let mut encoded = String::new();
    for byte in html.bytes() {
        if byte.is_ascii_alphanumeric() {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("data:text/html,{encoded}")
}

const BOX: &str = r#"<html><body style="margin:0;background:#000">
<div id="root" data-composition-id="main" data-width="64" data-height="64" data-duration="2">
  <div id="a" class="clip" data-start="0" data-duration="1" style="position:absolute;inset:0;background:#f00"></div>
  <div id="b" class="clip" data-start="1" data-duration="1" style="position:absolute;inset:0;background:#00f"></div>
</div></body></html>"#;

async fn open(
    html: &str,
    begin_frame: bool,
) -> (
    BrowserSession,
    Result<framecast_browser::CapturePage, BrowserError>,
) {
    let mut options = LaunchOptions::new(64, 64);
    options.begin_frame = begin_frame;
    options.step_timeout = Duration::from_secs(10);
    let mut session = BrowserSession::launch(options)
        .await
        .expect("Chrome should start");
    let page = session.open_page(&data_url(html), "").await;
    (session, page)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn begin_frame_captures_the_seeked_state() {
    let (session, page) = open(BOX, true).await;
    let mut page = page.unwrap();
    assert_eq!(page.mode(), CaptureMode::BeginFrame);
    let info = page.wait_ready(Duration::from_secs(10)).await.unwrap();
    assert_eq!(info.id, "main");
    assert_eq!(info.duration, Some(2.0));
    assert_eq!(info.clip_count, 2);
    page.probe_begin_frame().await.unwrap();

    page.seek(0, 0.5).await.unwrap();
    let first = page.capture(0, ImageFormat::Png).await.unwrap();
    let CapturedFrame::Image(first) = first else {
        panic!("the first frame must have pixels")
    };
    assert_eq!(&first[1..4], b"PNG");

    page.seek(1, 0.6).await.unwrap();
    let same = page.capture(1, ImageFormat::Png).await.unwrap();
    assert!(
        matches!(same, CapturedFrame::Unchanged),
        "nothing changed between 0.5 s and 0.6 s"
    );

    page.seek(2, 1.5).await.unwrap();
    let CapturedFrame::Image(second) = page
        .capture(2, ImageFormat::Jpeg { quality: 90 })
        .await
        .unwrap()
    else {
        panic!("switching clips must damage the frame");
    };
    assert_eq!(&second[..2], &[0xFF, 0xD8]);
    session.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshot_mode_captures_too() {
    let (session, page) = open(BOX, false).await;
    let mut page = page.unwrap();
    assert_eq!(page.mode(), CaptureMode::Screenshot);
    page.wait_ready(Duration::from_secs(10)).await.unwrap();
    page.seek(0, 1.5).await.unwrap();
    let CapturedFrame::Image(png) = page.capture(0, ImageFormat::Png).await.unwrap() else {
        panic!("screenshots always have pixels");
    };
    assert_eq!(&png[1..4], b"PNG");
    session.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_script_errors_and_wrong_timeline_ids_are_reported() {
    let broken = BOX.replace("</body>", "<script>undefinedFunction();</script></body>");
    let (session, page) = open(&broken, true).await;
    let error = page
        .unwrap()
        .wait_ready(Duration::from_secs(10))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("undefinedFunction"), "{error}");
    session.close().await;

    let mismatch = BOX.replace(
        "</body>",
        "<script>const t = { totalTime() {}, duration() { return 1; } }; window.__timelines = { other: t, another: t };</script></body>",
    );
    let (session, page) = open(&mismatch, true).await;
    let error = page
        .unwrap()
        .wait_ready(Duration::from_secs(10))
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("\"other\"") && message.contains("\"main\""),
        "{message}"
    );
    session.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_session_leaves_no_process() {
    let (session, _page) = open(BOX, true).await;
    let pid = session.pid() as i32;
    session.close().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !live_group_members(pid).is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        live_group_members(pid),
        Vec::<i32>::new(),
        "Chrome's process group {pid} is still alive"
    );
}

/// Processes of process group `group` that are alive (zombies waiting for init do not count).
fn live_group_members(group: i32) -> Vec<i32> {
    let mut members = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // Fields after the parenthesised command name: state, ppid, pgrp, ...
        let Some(rest) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 2 && fields[2] == group.to_string() && fields[0] != "Z" {
            members.push(pid);
        }
    }
    members
}
