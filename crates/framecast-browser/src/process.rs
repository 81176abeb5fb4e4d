//! One Chrome process group: spawned in its own process group so that a terminal's Ctrl-C reaches
//! framecast first and framecast decides how Chrome ends, with stderr drained from the start
//! (a full pipe would stall Chrome) and its tail kept for error reports.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::BrowserError;

const STDERR_TAIL_LINES: usize = 30;

#[derive(Debug)]
pub struct ChromeProcess {
    child: Child,
    stderr_tail: StderrTail,
    /// Chrome's profile directory; removed when the process is gone.
    user_data_dir: tempfile::TempDir,
}

impl ChromeProcess {
    /// Starts Chrome and waits for the DevTools WebSocket address it prints on stderr.
    ///
    /// Chrome is spawned from the calling thread, which must outlive it (the parent-death signal
    /// is tied to that thread): a tokio worker thread is fine, a blocking-pool thread is not.
    pub(crate) async fn spawn(
        chrome: &Path,
        args_for_profile: impl FnOnce(&str) -> Vec<String>,
        env: &[(&str, &Path)],
        launch_timeout: Duration,
    ) -> Result<(Self, String), BrowserError> {
        if !chrome.is_file() {
            return Err(BrowserError::ChromeMissing {
                path: chrome.to_path_buf(),
            });
        }
        let user_data_dir = tempfile::Builder::new()
            .prefix("framecast-chrome-")
            .tempdir()
            .map_err(|error| {
                launch_error(
                    chrome,
                    format!("cannot create a profile directory: {error}"),
                    "",
                )
            })?;
        let args = args_for_profile(&user_data_dir.path().to_string_lossy());
        let mut command = Command::new(chrome);
        command
            .args(&args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0);
        // SAFETY: prctl is async-signal-safe and touches only the calling (child) process. It
        // makes the kernel kill Chrome if framecast itself dies without cleaning up.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = command
            .spawn()
            .map_err(|error| launch_error(chrome, error.to_string(), ""))?;

        let stderr = child.stderr.take().expect("stderr should be piped");
        let stderr_tail = StderrTail::new();
        let (address_tx, address_rx) = tokio::sync::oneshot::channel();
        let tail = stderr_tail.clone();
        std::thread::Builder::new()
            .name(format!("chrome-stderr-{}", child.id()))
            .spawn(move || drain_stderr(stderr, &tail, address_tx))
            .map_err(|error| launch_error(chrome, error.to_string(), ""))?;

        let mut process = ChromeProcess {
            child,
            stderr_tail,
            user_data_dir,
        };
        match tokio::time::timeout(launch_timeout, address_rx).await {
            Ok(Ok(address)) => Ok((process, address)),
            _ => {
                process.kill();
                let reason = match process.child.try_wait() {
                    Ok(Some(status)) => format!("it exited with {status} before opening DevTools"),
                    _ => format!(
                        "it did not open DevTools within {} s",
                        launch_timeout.as_secs()
                    ),
                };
                Err(launch_error(chrome, reason, &process.stderr_tail()))
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines Chrome wrote to stderr, for error reports.
    pub fn stderr_tail(&self) -> String {
        self.stderr_tail.text()
    }

    /// CPU time (user + system) used so far by every live process of this Chrome's process
    /// group, or `None` where `/proc` cannot tell.
    pub fn cpu_time(&self) -> Option<Duration> {
        let group = self.child.id();
        // SAFETY: sysconf only reads a system constant.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        if ticks <= 0 {
            return None;
        }
        let mut total = 0u64;
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let name = entry.file_name();
            if !name
                .to_str()
                .is_some_and(|name| name.bytes().all(|b| b.is_ascii_digit()))
            {
                continue;
            }
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // Fields after the parenthesised command name: state, ppid, pgrp, ..., utime (12th),
            // stime (13th).
            let Some((_, rest)) = stat.rsplit_once(')') else {
                continue;
            };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let field = |i: usize| fields.get(i).and_then(|value| value.parse::<u64>().ok());
            if field(2) == Some(u64::from(group)) {
                total += field(11).unwrap_or(0) + field(12).unwrap_or(0);
            }
        }
        Some(Duration::from_secs_f64(total as f64 / ticks as f64))
    }

    /// A handle on the stderr tail that stays valid after the process is gone.
    pub fn stderr_handle(&self) -> StderrTail {
        self.stderr_tail.clone()
    }

    /// Whether the main Chrome process has exited.
    pub fn has_exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// Kills the whole process group (browser, renderer, GPU and utility processes) and reaps the
    /// main process. Safe to call more than once.
    pub fn kill(&mut self) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: killpg only sends a signal; the group id is the one we created at spawn.
        unsafe {
            libc::killpg(pid, libc::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The profile directory, kept alive as long as the process.
    pub fn user_data_dir(&self) -> &Path {
        self.user_data_dir.path()
    }
}

/// The last lines a Chrome process wrote to stderr, shared with the thread that drains it, and
/// whether stderr has closed: that happens when every process of the group is gone, which is
/// how a crash is noticed without waiting for a DevTools timeout.
#[derive(Debug, Clone)]
pub struct StderrTail {
    lines: Arc<Mutex<VecDeque<String>>>,
    closed: Arc<tokio::sync::watch::Sender<bool>>,
}

impl StderrTail {
    fn new() -> Self {
        StderrTail {
            lines: Arc::default(),
            closed: Arc::new(tokio::sync::watch::Sender::new(false)),
        }
    }

    pub fn text(&self) -> String {
        let lines = self
            .lines
            .lock()
            .expect("stderr tail lock should not be poisoned");
        lines.iter().map(|line| format!("  {line}\n")).collect()
    }

    /// Resolves once Chrome's stderr has closed (Chrome and all its children have exited).
    pub async fn closed(&self) {
        let mut closed = self.closed.subscribe();
        let _ = closed.wait_for(|closed| *closed).await;
    }
}

impl Drop for ChromeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn drain_stderr(
    stderr: std::process::ChildStderr,
    tail: &StderrTail,
    address_tx: tokio::sync::oneshot::Sender<String>,
) {
    const MARKER: &str = "DevTools listening on ";
    let mut address_tx = Some(address_tx);
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        if let Some(address) = line.strip_prefix(MARKER) {
            if let Some(sender) = address_tx.take() {
                let _ = sender.send(address.trim().to_string());
            }
            continue;
        }
        let mut lines = tail
            .lines
            .lock()
            .expect("stderr tail lock should not be poisoned");
        if lines.len() == STDERR_TAIL_LINES {
            lines.pop_front();
        }
        lines.push_back(line);
    }
    tail.closed.send_replace(true);
}

fn launch_error(chrome: &Path, reason: String, stderr: &str) -> BrowserError {
    BrowserError::Launch {
        path: chrome.to_path_buf(),
        reason,
        stderr: stderr.to_string(),
    }
}
