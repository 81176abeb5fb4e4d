//! Stills of exact times through the render path (a [`StillCamera`]: the same file server,
//! Chrome worker, runtime injection, seek and BeginFrame capture as a render), with PNG instead
//! of JPEG and no encoder.
//! `framecast snapshot` and tests use it to check a frame without encoding a video.

use std::path::PathBuf;

use framecast_composition::{Composition, Fps, frame_count};

use crate::job::{StillTimes, StillsPage};
use crate::publish::{FileKind, OutputKind, ReadSet};
use crate::still_camera::StillCamera;
use crate::{BrowserSettings, CancelFlag, RenderError, Setting};

/// What to capture, and where to write it.
#[derive(Debug, Clone)]
pub struct SnapshotOptions {
    /// A composition directory (with `index.html`) or an `.html` file.
    pub input: PathBuf,
    /// Which stills: times, frame indices, or a number of evenly spaced frames.
    pub stills: Stills,
    /// The directory the PNG files go to; created if missing.
    pub output_dir: PathBuf,
    pub browser: BrowserSettings,
    /// Stops the snapshot cleanly: Chrome closed, no still half-written.
    pub cancel: CancelFlag,
}

impl SnapshotOptions {
    pub fn new(input: impl Into<PathBuf>, stills: Stills, output_dir: impl Into<PathBuf>) -> Self {
        SnapshotOptions {
            input: input.into(),
            stills,
            output_dir: output_dir.into(),
            browser: BrowserSettings::default(),
            cancel: CancelFlag::default(),
        }
    }
}

/// The stills a snapshot takes, in this order.
#[derive(Debug, Clone, PartialEq)]
pub enum Stills {
    /// Times in seconds (`--at`).
    Times(Vec<f64>),
    /// Frame indices at the composition's frame rate (`--frame`): frame `i` is the one a
    /// render writes at `i / fps`.
    Frames(Vec<u64>),
    /// This many frames spread evenly from the first frame to the last (`--frames`, as
    /// HyperFrames counts it; one is the middle frame).
    Evenly(u32),
}

impl Stills {
    /// The times to capture, given the composition's frame rate and declared duration.
    fn times(&self, fps: Fps, duration: Option<f64>) -> Result<Vec<f64>, RenderError> {
        let setting = |reason: String| RenderError::Setting {
            setting: Setting::Times,
            reason,
        };
        let frame_count = duration.map(|duration| frame_count(duration, fps));
        match self {
            Stills::Times(times) => {
                if let Some(bad) = times.iter().find(|t| !t.is_finite() || **t < 0.0) {
                    return Err(setting(format!(
                        "{bad} is not a time; use seconds from 0, such as 1.5"
                    )));
                }
                Ok(times.clone())
            }
            Stills::Frames(frames) => {
                if let (Some(count), Some(late)) = (
                    frame_count,
                    frames.iter().find(|&&frame| Some(frame) >= frame_count),
                ) {
                    return Err(setting(format!(
                        "frame {late} is past the last frame ({} of {count} at {fps} fps)",
                        count.saturating_sub(1)
                    )));
                }
                Ok(frames.iter().map(|&frame| fps.frame_time(frame)).collect())
            }
            Stills::Evenly(count) => {
                let Some(frames) = frame_count.filter(|&frames| frames > 0) else {
                    return Err(setting(
                        "the composition declares no data-duration, so evenly spaced frames                          cannot be placed before the page runs; give times (--at) or frame                          indices (--frame)"
                            .to_string(),
                    ));
                };
                let last = frames - 1;
                let indices: Vec<u64> = match *count {
                    0 => return Err(setting("a number of frames from 1".to_string())),
                    1 => vec![last / 2],
                    count => (0..u64::from(count))
                        .map(|i| (i * last + (u64::from(count) - 1) / 2) / (u64::from(count) - 1))
                        .collect(),
                };
                let mut indices = indices;
                indices.dedup();
                Ok(indices
                    .into_iter()
                    .map(|frame| fps.frame_time(frame))
                    .collect())
            }
        }
    }
}

/// One written still.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub time: f64,
    pub path: PathBuf,
}

/// `frame_1.500.png` for 1.5 s: milliseconds are enough to tell stills apart by name.
pub fn snapshot_file_name(time: f64) -> String {
    format!("frame_{time:.3}.png")
}

/// Captures each of `options.times` as a PNG in `options.output_dir`. Every Chrome process is
/// gone when this returns, whatever happened, cancellation included (dropping a worker kills its
/// Chrome and removes its profile; a still is written whole or not at all).
pub async fn snapshot(options: &SnapshotOptions) -> Result<Vec<Snapshot>, RenderError> {
    tokio::select! {
        result = snapshot_uncancelled(options) => result,
        () = options.cancel.cancelled() => Err(RenderError::Cancelled),
    }
}

async fn snapshot_uncancelled(options: &SnapshotOptions) -> Result<Vec<Snapshot>, RenderError> {
    let composition = Composition::load(&options.input)?;
    let fps = composition.root.fps.unwrap_or(crate::job::DEFAULT_FPS);
    let times = options.stills.times(fps, composition.root.duration)?;
    if times.is_empty() {
        return Err(RenderError::Setting {
            setting: Setting::Times,
            reason: "no times given; list seconds such as 0.5,1.5".to_string(),
        });
    }
    // Each still is checked against the output rule before Chrome starts, and written whole.
    let mut reads = ReadSet::for_folder(&composition.dir);
    reads.add_file(&composition.html_path);
    for &time in &times {
        let path = options.output_dir.join(snapshot_file_name(time));
        crate::publish::check_target(&path, OutputKind::File(FileKind::Png), &reads)?;
    }
    // Video frames come from the media plan, as in a render: what a still shows is what the
    // render writes at that time.
    let page = StillsPage::prepare(&composition, &options.browser, StillTimes::At(&times)).await?;
    for path in page.media.source_paths() {
        reads.add_file(path);
    }
    let mut camera = StillCamera::start(&composition, page).await?;
    let result = capture_times(options, &times, &mut camera, &reads).await;
    camera.close().await;
    result
}

async fn capture_times(
    options: &SnapshotOptions,
    times: &[f64],
    camera: &mut StillCamera,
    reads: &ReadSet,
) -> Result<Vec<Snapshot>, RenderError> {
    // Every time is checked before the first still is written.
    if let (Some(duration), Some(late)) = (
        camera.duration(),
        times.iter().find(|t| Some(**t) > camera.duration()),
    ) {
        return Err(RenderError::Setting {
            setting: Setting::Times,
            reason: format!("{late} s is past the end of the composition ({duration} s long)"),
        });
    }
    let mut written = Vec::with_capacity(times.len());
    for &time in times {
        let png = camera.capture(time).await?;
        let path = options.output_dir.join(snapshot_file_name(time));
        let path = crate::publish::write_file(&path, FileKind::Png, &png, reads)?;
        written.push(Snapshot { time, path });
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_evenly_spaced_stills_are_frame_times() {
        let fps = Fps::new(30, 1).unwrap();
        let times = |stills: Stills, duration| stills.times(fps, duration);
        assert_eq!(
            times(Stills::Frames(vec![0, 15, 59]), Some(2.0)).unwrap(),
            vec![0.0, 0.5, 59.0 / 30.0]
        );
        assert!(times(Stills::Frames(vec![60]), Some(2.0)).is_err());
        assert_eq!(times(Stills::Frames(vec![90]), None).unwrap(), vec![3.0]);
        // 60 frames: 0, 20 (19.67 rounded), 39 (39.33), 59.
        assert_eq!(
            times(Stills::Evenly(4), Some(2.0)).unwrap(),
            vec![0.0, 20.0 / 30.0, 39.0 / 30.0, 59.0 / 30.0]
        );
        assert_eq!(
            times(Stills::Evenly(1), Some(2.0)).unwrap(),
            vec![29.0 / 30.0]
        );
        assert_eq!(times(Stills::Evenly(100), Some(0.1)).unwrap().len(), 3);
        assert!(times(Stills::Evenly(5), None).is_err());
        assert!(times(Stills::Times(vec![-1.0]), None).is_err());
    }

    #[test]
    fn names_stills_by_millisecond() {
        assert_eq!(snapshot_file_name(1.5), "frame_1.500.png");
        assert_eq!(snapshot_file_name(0.0), "frame_0.000.png");
        assert_eq!(snapshot_file_name(3.2), "frame_3.200.png");
    }
}
