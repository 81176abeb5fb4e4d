//! Progress display: an indicatif bar on a terminal, JSON lines on stdout with `--json`, and
//! nothing but the final line otherwise.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use framecast_render::ProgressEvent;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct ProgressDisplay {
    json: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl ProgressDisplay {
    pub fn new(json: bool) -> Self {
        ProgressDisplay {
            json,
            bar: Mutex::new(None),
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
                let target = if std::io::stderr().is_terminal() {
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
                bar.set_prefix(format!(
                    "{width}x{height}@{fps} ({workers} workers, {capture})"
                ));
                *self.lock() = Some(bar);
            }
            ProgressEvent::Frame { encoded, .. } => {
                if let Some(bar) = self.lock().as_ref() {
                    bar.set_position(*encoded);
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
