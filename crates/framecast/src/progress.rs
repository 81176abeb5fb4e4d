//! Progress display: an indicatif bar on a terminal, JSON lines on stdout with `--json`, and
//! plain lines on stderr otherwise (CI logs, `nohup`, a pipe), so a long render never looks
//! hung: one when the render is planned, then one every few seconds or each tenth of the
//! frames, with frames done, speed and the time left.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use framecast_render::ProgressEvent;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct ProgressDisplay {
    json: bool,
    /// `--quiet`: no bar, no lines; only the written path at the end.
    quiet: bool,
    /// Draw a bar when stderr is a terminal; without, plain lines even there (batch rows
    /// rendered side by side).
    bar_allowed: bool,
    /// Put before each plain line (`row 2/5: `).
    prefix: String,
    bar: Mutex<Option<ProgressBar>>,
    lines: Mutex<Option<ProgressLines>>,
}

/// The plain-line display when stderr is not a terminal.
struct ProgressLines {
    frames: u64,
    started: Instant,
    last_line: Instant,
    last_tenth: u64,
}

/// A line at least this often while frames are being encoded…
const LINE_EVERY: Duration = Duration::from_secs(5);
/// …and on each tenth of the frames, but never more often than this.
const LINE_AT_MOST: Duration = Duration::from_secs(1);

impl ProgressLines {
    /// The line for `encoded` frames, if one is due.
    fn line(&mut self, encoded: u64, now: Instant) -> Option<String> {
        let tenth = encoded * 10 / self.frames.max(1);
        let since = now.duration_since(self.last_line);
        let due = since >= LINE_EVERY || (tenth > self.last_tenth && since >= LINE_AT_MOST);
        if !due || encoded == 0 || encoded >= self.frames {
            return None;
        }
        self.last_line = now;
        self.last_tenth = tenth;
        let elapsed = now.duration_since(self.started).as_secs_f64();
        let fps = encoded as f64 / elapsed.max(1e-9);
        let left = (self.frames - encoded) as f64 / fps.max(1e-9);
        Some(format!(
            "frames {encoded}/{} ({}%), {fps:.1} fps, ETA {}",
            self.frames,
            encoded * 100 / self.frames,
            clock(left)
        ))
    }
}

/// `42 s`, `3 min 05 s`, `1 h 02 min`.
fn clock(seconds: f64) -> String {
    let seconds = seconds.round() as u64;
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min {:02} s", seconds / 60, seconds % 60),
        _ => format!("{} h {:02} min", seconds / 3600, seconds % 3600 / 60),
    }
}

impl ProgressDisplay {
    pub fn new(json: bool) -> Self {
        ProgressDisplay {
            json,
            quiet: false,
            bar_allowed: true,
            prefix: String::new(),
            bar: Mutex::new(None),
            lines: Mutex::new(None),
        }
    }

    pub fn with_quiet(self, quiet: bool) -> Self {
        ProgressDisplay { quiet, ..self }
    }

    /// The display of one `--batch` row: its plain lines start with `label`, and it draws a
    /// bar only if `bar_allowed` (rows rendered one at a time).
    pub fn for_batch_row(json: bool, bar_allowed: bool, label: String) -> Self {
        ProgressDisplay {
            bar_allowed,
            prefix: format!("{label}: "),
            ..ProgressDisplay::new(json)
        }
    }

    pub fn handle(&self, event: &ProgressEvent) {
        if self.json {
            let line = serde_json::to_string(event).expect("progress events should serialize");
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{line}");
            let _ = stdout.flush();
            return;
        }
        if self.quiet {
            if let ProgressEvent::Finished { output, .. } = event {
                eprintln!("{output}");
            }
            return;
        }
        match event {
            ProgressEvent::Planned {
                width,
                height,
                fps,
                frames,
                workers,
                capture,
                ..
            } => {
                let terminal = self.bar_allowed && std::io::stderr().is_terminal();
                let target = if terminal {
                    ProgressDrawTarget::stderr()
                } else {
                    ProgressDrawTarget::hidden()
                };
                let bar = ProgressBar::with_draw_target(Some(*frames), target);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix} [{bar:30}] {pos}/{len} frames  {per_sec}  ETA {eta}",
                    )
                    .expect("the progress template should be valid")
                    .progress_chars("=> "),
                );
                let prefix = format!("{width}x{height}@{fps} ({workers} workers, {capture})");
                if !terminal {
                    eprintln!("{}rendering {frames} frames at {prefix}", self.prefix);
                    let now = Instant::now();
                    *self
                        .lines
                        .lock()
                        .expect("progress lines lock should not be poisoned") =
                        Some(ProgressLines {
                            frames: *frames,
                            started: now,
                            last_line: now,
                            last_tenth: 0,
                        });
                }
                bar.set_prefix(prefix);
                *self.lock() = Some(bar);
            }
            ProgressEvent::Frame { encoded, .. } => {
                if let Some(bar) = self.lock().as_ref() {
                    bar.set_position(*encoded);
                }
                let line = self
                    .lines
                    .lock()
                    .expect("progress lines lock should not be poisoned")
                    .as_mut()
                    .and_then(|lines| lines.line(*encoded, Instant::now()));
                if let Some(line) = line {
                    eprintln!("{}{line}", self.prefix);
                }
            }
            ProgressEvent::WorkerRestarted {
                worker,
                frame,
                reason,
            } => {
                self.message(&format!(
                    "worker {worker}: Chrome restarted at frame {frame} ({reason})"
                ));
            }
            ProgressEvent::Finished {
                frames,
                seconds,
                fps,
                output,
            } => {
                eprintln!("rendered {frames} frames in {seconds:.2} s ({fps:.1} fps) -> {output}");
            }
        }
    }

    pub fn message(&self, text: &str) {
        match self.lock().as_ref() {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = self.lock().take() {
            bar.finish_and_clear();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.bar
            .lock()
            .expect("progress bar lock should not be poisoned")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_every_few_seconds_or_each_tenth_never_faster_than_a_second() {
        let started = Instant::now();
        let mut lines = ProgressLines {
            frames: 1000,
            started,
            last_line: started,
            last_tenth: 0,
        };
        let at = |seconds: f64| started + Duration::from_secs_f64(seconds);
        assert_eq!(
            lines.line(50, at(0.5)),
            None,
            "too soon, and no tenth crossed"
        );
        assert_eq!(
            lines.line(99, at(3.0)),
            None,
            "no tenth crossed, under five seconds"
        );
        assert_eq!(
            lines.line(100, at(4.0)).as_deref(),
            Some("frames 100/1000 (10%), 25.0 fps, ETA 36 s")
        );
        assert_eq!(
            lines.line(200, at(4.5)),
            None,
            "a tenth, but within a second"
        );
        assert!(
            lines.line(210, at(9.0)).is_some(),
            "five seconds since the last line"
        );
        assert_eq!(
            lines.line(1000, at(20.0)),
            None,
            "the final line says the rest"
        );
        assert_eq!(clock(185.0), "3 min 05 s");
        assert_eq!(clock(3720.0), "1 h 02 min");
    }
}
