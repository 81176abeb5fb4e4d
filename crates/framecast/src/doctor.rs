//! `framecast doctor`: whether this machine can render, and for each problem the command that
//! fixes it. Chrome (path, version, a real one-frame capture through the render path, which
//! captures with BeginFrame), the FFmpeg libraries and each encoder framecast uses, the embedded
//! fonts, memory, free disk in the temporary and cache directories, `/dev/shm`, the cores and
//! the worker count `--workers auto` would start with. The exit code says whether a render can
//! run: 0 when nothing failed (warnings allowed), 1 otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use clap::Args;
use serde_json::json;

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print the checks as one JSON object on stdout.
    #[arg(long)]
    json: bool,

    /// The chrome-headless-shell binary to check.
    #[arg(long, default_value = framecast_browser::DEFAULT_CHROME_PATH)]
    chrome: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Warning,
    /// A render cannot run (or not in its default output).
    Failed,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Failed => "failed",
        }
    }
}

/// One check's outcome.
#[derive(Debug)]
struct Check {
    name: String,
    status: Status,
    detail: String,
    /// The command (or step) that fixes a problem.
    fix: Option<String>,
}

fn check(name: impl Into<String>, status: Status, detail: impl Into<String>) -> Check {
    Check {
        name: name.into(),
        status,
        detail: detail.into(),
        fix: None,
    }
}

impl Check {
    fn fix(mut self, fix: impl Into<String>) -> Self {
        if self.status != Status::Ok {
            self.fix = Some(fix.into());
        }
        self
    }
}

const INSTALL_CHROME: &str = "sudo apt-get install chromium-headless-shell (or pass --chrome <path to chrome-headless-shell>)";
const INSTALL_FFMPEG: &str =
    "sudo apt-get install ffmpeg libavcodec-extra, then rebuild framecast (scripts/setup)";

pub async fn run(args: DoctorArgs) -> anyhow::Result<ExitCode> {
    let mut checks = chrome_checks(&args.chrome).await;
    checks.extend(ffmpeg_checks());
    checks.push(fonts_check());
    checks.push(memory_check());
    let cache = framecast_browser::cache_dir();
    for (name, dir) in [
        ("temporary directory", std::env::temp_dir()),
        ("cache directory", cache),
    ] {
        checks.push(disk_check(name, &dir));
    }
    checks.push(shm_check());
    checks.push(cores_check());
    let failed = checks.iter().any(|check| check.status == Status::Failed);
    if args.json {
        let list: Vec<_> = checks
            .iter()
            .map(|check| {
                json!({
                    "name": check.name,
                    "status": check.status.label(),
                    "detail": check.detail,
                    "fix": check.fix,
                })
            })
            .collect();
        println!("{}", json!({ "can_render": !failed, "checks": list }));
    } else {
        for check in &checks {
            println!(
                "{:<8} {}: {}",
                check.status.label(),
                check.name,
                check.detail
            );
            if let Some(fix) = &check.fix {
                println!("         fix: {fix}");
            }
        }
        if failed {
            println!("doctor: a render cannot run here until the failed checks are fixed");
        } else {
            println!("doctor: this machine can render");
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn chrome_checks(chrome: &Path) -> Vec<Check> {
    if !chrome.is_file() {
        return vec![
            check(
                "chrome",
                Status::Failed,
                format!("{} does not exist", chrome.display()),
            )
            .fix(INSTALL_CHROME),
        ];
    }
    let version = match chrome_version(chrome) {
        Ok(version) => check(
            "chrome",
            Status::Ok,
            format!("{} ({version})", chrome.display()),
        ),
        Err(reason) => check(
            "chrome",
            Status::Failed,
            format!("{} does not run: {reason}", chrome.display()),
        )
        .fix(INSTALL_CHROME),
    };
    if version.status == Status::Failed {
        return vec![version];
    }
    vec![version, capture_check(chrome).await]
}

/// `chrome --version`, waited for at most ten seconds.
fn chrome_version(chrome: &Path) -> Result<String, String> {
    let mut child = Command::new(chrome)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| error.to_string())?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match child.try_wait().map_err(|error| error.to_string())? {
            Some(_) => break,
            None if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("--version did not answer within 10 s".to_string());
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let output = child
        .wait_with_output()
        .map_err(|error| error.to_string())?;
    if !output.status.success() {
        return Err(format!("--version exited with {}", output.status));
    }
    let text = String::from_utf8_lossy(&output.stdout).trim().to_string();
    Ok(if text.is_empty() {
        "version not printed".to_string()
    } else {
        text
    })
}

/// A composition of one colour, captured at t = 0 through the snapshot path (the render's
/// launch, injection, seek and BeginFrame capture, as PNG), and its pixels checked.
async fn capture_check(chrome: &Path) -> Check {
    let name = "capture";
    let result = async {
        let dir = tempfile::Builder::new().prefix("framecast-doctor-").tempdir()?;
        let composition = dir.path().join("index.html");
        std::fs::write(
            &composition,
            "<!doctype html><html><body style=\"margin:0\"><div id=\"root\" data-composition-id=\"doctor\" data-width=\"64\" data-height=\"36\" data-duration=\"1\" style=\"width:64px;height:36px;background:rgb(255,0,0)\"></div></body></html>",
        )?;
        let mut options = framecast_render::SnapshotOptions::new(&composition, framecast_render::Stills::Times(vec![0.0]), dir.path().join("stills"));
        options.browser.chrome_path = chrome.to_path_buf();
        options.browser.remote.offline = true;
        let started = std::time::Instant::now();
        let stills = framecast_render::snapshot(&options).await?;
        let seconds = started.elapsed().as_secs_f64();
        let still = stills.first().ok_or_else(|| anyhow::anyhow!("no still was written"))?;
        let png = std::fs::read(&still.path)?;
        let frame = framecast_media::decode_png(&png)?;
        let centre = ((frame.height / 2 * frame.width + frame.width / 2) * 4) as usize;
        let pixel = frame.data.get(centre..centre + 3).unwrap_or_default().to_vec();
        anyhow::Ok((frame.width, frame.height, pixel, seconds))
    }
    .await;
    match result {
        Ok((64, 36, pixel, seconds)) if pixel.first() > Some(&240) && pixel[1] < 16 && pixel[2] < 16 => check(
            name,
            Status::Ok,
            format!("a 64×36 frame captured with BeginFrame in {seconds:.1} s, pixels as expected"),
        ),
        Ok((width, height, pixel, _)) => check(
            name,
            Status::Failed,
            format!("the captured {width}×{height} frame is wrong (centre pixel {pixel:?}, expected red)"),
        )
        .fix("run framecast doctor -vv and report the log"),
        Err(error) => check(name, Status::Failed, format!("a one-frame capture failed: {error:#}"))
            .fix(format!("{INSTALL_CHROME}; run framecast doctor -vv for Chrome's log")),
    }
}

fn ffmpeg_checks() -> Vec<Check> {
    let versions: Vec<String> = framecast_media::library_versions()
        .into_iter()
        .map(|(library, version)| format!("{library} {version}"))
        .collect();
    let mut checks = vec![check("ffmpeg libraries", Status::Ok, versions.join(", "))];
    for encoder in framecast_media::ENCODERS {
        let status = match (
            framecast_media::has_encoder(encoder.name),
            encoder.default_output,
        ) {
            (true, _) => Status::Ok,
            (false, true) => Status::Failed,
            (false, false) => Status::Warning,
        };
        let detail = if status == Status::Ok {
            encoder.used_for.to_string()
        } else {
            format!("missing: no {}", encoder.used_for)
        };
        checks.push(check(format!("encoder {}", encoder.name), status, detail).fix(INSTALL_FFMPEG));
    }
    checks
}

fn fonts_check() -> Check {
    match framecast_browser::fonts_page_script() {
        Ok(_) => check(
            "fonts",
            Status::Ok,
            "Inter and JetBrains Mono embedded, fontconfig prepared",
        ),
        Err(error) => check("fonts", Status::Failed, error.to_string())
            .fix("rebuild framecast after scripts/setup (the fonts come from its npm packages)"),
    }
}

const MIB: u64 = 1024 * 1024;

/// `MemAvailable` and `MemTotal` from /proc/meminfo, in bytes.
fn memory() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map(|kib| kib * 1024)
    };
    Some((field("MemAvailable:")?, field("MemTotal:")?))
}

fn memory_check() -> Check {
    let Some((available, total)) = memory() else {
        return check("memory", Status::Warning, "cannot read /proc/meminfo");
    };
    let detail = format!("{} MiB available of {} MiB", available / MIB, total / MIB);
    // Each capture worker is a Chrome of a few hundred MB; the encoder and decode pool add more.
    let status = match available {
        bytes if bytes < 512 * MIB => Status::Failed,
        bytes if bytes < 2048 * MIB => Status::Warning,
        _ => Status::Ok,
    };
    check("memory", status, detail).fix("close other programs, or render with --workers 1")
}

/// Free and total bytes of the file system holding `path` (its nearest existing ancestor).
fn disk_space(path: &Path) -> Option<(u64, u64)> {
    let existing = path.ancestors().find(|ancestor| ancestor.exists())?;
    let c_path = std::ffi::CString::new(existing.as_os_str().as_encoded_bytes()).ok()?;
    let mut stats = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c_path` is a NUL-terminated path and `stats` is a buffer statvfs fills.
    let result = unsafe { libc::statvfs(c_path.as_ptr(), stats.as_mut_ptr()) };
    if result != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled the buffer.
    let stats = unsafe { stats.assume_init() };
    // The fields are c_ulong or fsblkcnt_t: u64 on 64-bit Linux, where framecast runs.
    let block = stats.f_frsize.max(1);
    Some((stats.f_bavail * block, stats.f_blocks * block))
}

fn disk_check(name: &str, dir: &Path) -> Check {
    let Some((free, _)) = disk_space(dir) else {
        return check(
            name,
            Status::Warning,
            format!("cannot read the free space of {}", dir.display()),
        );
    };
    let detail = format!("{}: {} MiB free", dir.display(), free / MIB);
    let status = match free {
        bytes if bytes < 200 * MIB => Status::Failed,
        bytes if bytes < 2048 * MIB => Status::Warning,
        _ => Status::Ok,
    };
    let fix = if name == "cache directory" {
        "free space there, or set FRAMECAST_CACHE_DIR to a larger disk"
    } else {
        "free space there, or set TMPDIR to a larger disk"
    };
    check(name, status, detail).fix(fix)
}

fn shm_check() -> Check {
    // Chrome is started with --disable-dev-shm-usage, so a small /dev/shm (Docker's 64 MB
    // default) slows it down rather than crashing it.
    match disk_space(Path::new("/dev/shm")) {
        Some((free, total)) => {
            let status = if total < 256 * MIB {
                Status::Warning
            } else {
                Status::Ok
            };
            check(
                "/dev/shm",
                status,
                format!("{} MiB free of {} MiB", free / MIB, total / MIB),
            )
            .fix("give the container more shared memory: docker run --shm-size=1g …")
        }
        None => check(
            "/dev/shm",
            Status::Warning,
            "not mounted (Chrome writes its shared memory to /tmp instead)",
        )
        .fix("mount a tmpfs on /dev/shm, or run the container with --shm-size=1g"),
    }
}

fn cores_check() -> Check {
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    let workers = framecast_render::auto_workers_to_start();
    let status = if cores < 2 {
        Status::Warning
    } else {
        Status::Ok
    };
    check(
        "cores",
        status,
        format!(
            "{cores} available; --workers auto starts {workers} worker{} (one per 30 frames of a shorter video) and keeps those that pay off",
            if workers == 1 { "" } else { "s" }
        ),
    )
    .fix("renders run on one core, slowly; give the machine (or container) more CPUs")
}
