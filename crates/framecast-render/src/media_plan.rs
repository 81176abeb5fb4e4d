//! The composition's media, planned before Chrome starts: every `<video>` and `<audio>` the
//! loaded composition lists (`framecast-composition` parsed them; nothing here reads the HTML),
//! probed with FFmpeg (an unreadable or unsupported file fails here, naming the element and
//! file, before any capture), the `<video>` frames each render frame needs decoded into a
//! content-addressed cache, and the audible elements mixed into the soundtrack.
//!
//! The page never decodes media: `runtime-js/media.js` strips the elements' sources and shows
//! the frames extracted here, which the composition's own loopback server serves by file name
//! (`<cache key>-<clip frame>.jpg`, as vendor fallback files) so they come from the page's origin.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use framecast_browser::remote::RemoteAssets;

use framecast_browser::MediaVolumes;
use framecast_composition::{Composition, Fps, MediaKind, PageAudio, PageMedia, PageVideo};
use framecast_media::{
    AudioClip, AudioTrack, VideoFrameRequest, VolumeEnvelope, audio_frames_for_video,
    clip_frame_count, extract_video_frames, mix_audio, probe_media, silent_track,
};
use framecast_server::VendorLibraries;

use crate::{FramePlan, RenderError};

/// What to do about audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AudioMode {
    /// Mix every audible element; no audio stream when there is none.
    #[default]
    Auto,
    /// Like `Auto`, but write a silent track when nothing is audible.
    Silence,
    /// Never write audio.
    Off,
}

/// Where extracted `<video>` frames are kept between renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameCache {
    /// A persistent cache directory, trimmed to `max_bytes` after each render.
    Directory { path: PathBuf, max_bytes: u64 },
    /// A fresh directory per render, removed afterwards (no reuse).
    Off,
}

impl Default for FrameCache {
    fn default() -> Self {
        FrameCache::Directory {
            path: framecast_browser::cache_dir().join("video-frames"),
            max_bytes: 2 << 30,
        }
    }
}

/// One `<video>` whose frames framecast supplies.
#[derive(Debug, Clone)]
pub(crate) struct PlannedVideo {
    /// A `<video>`, or an `<img>` showing an animated GIF.
    tag: MediaKind,
    element: String,
    path: PathBuf,
    /// Position among the document's `<video>` elements.
    index: usize,
    start: f64,
    end: Option<f64>,
    media_start: f64,
    rate: f64,
    looped: bool,
    /// Clip frames from `media_start` to the end of the source.
    segment: u64,
    alpha: bool,
    /// The cache subdirectory: a digest of the source's identity and the frame grid.
    key: String,
}

/// One element that may be heard, and where the page has it. Elements at `data-volume="0"` are
/// kept too: the page may fade them in.
#[derive(Debug, Clone)]
struct PlannedAudio {
    clip: AudioClip,
    /// An `<audio>` or a `<video>`.
    tag: MediaKind,
    /// Position among the document's elements of that tag.
    index: usize,
}

/// The planned media of one render.
#[derive(Debug)]
pub(crate) struct MediaPlan {
    videos: Vec<PlannedVideo>,
    audio: Vec<PlannedAudio>,
    cache_root: PathBuf,
    cache: FrameCache,
    fps: Fps,
}

/// Where the page requests video frames; the file name alone selects the frame.
const FRAME_URL_PREFIX: &str = "/__framecast/video-frames/";

impl MediaPlan {
    /// Probes the composition's media.
    pub(crate) fn load(
        composition: &Composition,
        render_fps: Fps,
        cache: &FrameCache,
        remote: &RemoteAssets,
    ) -> Result<MediaPlan, RenderError> {
        let fps = render_fps.as_f64();
        let cache_root = match cache {
            FrameCache::Directory { path, .. } => path.clone(),
            FrameCache::Off => std::env::temp_dir().join(format!(
                "framecast-frames-{}-{}",
                std::process::id(),
                unique()
            )),
        };
        let mut videos = Vec::new();
        let mut audio = Vec::new();
        for element in &composition.media {
            let Some(src) = &element.src else { continue };
            // A remote source that could not be fetched (already warned about) shows nothing,
            // as in a browser that cannot load it.
            let Some(path) = resolve_source(&composition.dir, src, &element.describe, remote)?
            else {
                continue;
            };
            let probe = probe_media(&path, &element.describe)?;
            if matches!(element.tag, MediaKind::Video | MediaKind::Img) {
                if !probe.has_video {
                    return Err(media_error(
                        &element.describe,
                        &path,
                        "it has no video stream",
                    ));
                }
                // The clip ends with the video stream, as HyperFrames' extraction does, not with
                // a longer audio stream: a loop wraps where the pictures end.
                let segment = clip_frame_count(probe.video_duration, element.media_start, fps);
                videos.push(PlannedVideo {
                    key: cache_key(&path, element.media_start, fps, probe.has_alpha),
                    element: element.describe.clone(),
                    path: path.clone(),
                    tag: element.tag,
                    index: element.index,
                    start: element.start,
                    end: element.duration.map(|d| element.start + d),
                    media_start: element.media_start,
                    rate: element.rate,
                    // A GIF loops unless its own loop count says otherwise; framecast always loops.
                    looped: element.looped || element.tag == MediaKind::Img,
                    segment,
                    alpha: probe.has_alpha,
                });
            }
            let audible = element.tag == MediaKind::Audio || element.has_audio;
            if audible && !element.muted && !element.hidden {
                if !probe.has_audio {
                    // An unmuted video with no sound of its own is silent; one said to have
                    // sound, or an <audio>, must have it.
                    let declared = element.tag == MediaKind::Audio || element.has_audio_declared;
                    if declared && element.volume > 0.0 {
                        return Err(media_error(
                            &element.describe,
                            &path,
                            "it has no audio stream",
                        ));
                    }
                    continue;
                }
                audio.push(PlannedAudio {
                    clip: AudioClip {
                        element: element.describe.clone(),
                        path,
                        start: element.start,
                        media_start: element.media_start,
                        duration: element.duration,
                        volume: element.volume,
                        rate: element.rate,
                        looped: element.looped,
                        envelope: None,
                    },
                    tag: element.tag,
                    index: element.index,
                });
            }
        }
        Ok(MediaPlan {
            videos,
            audio,
            cache_root,
            cache: cache.clone(),
            fps: render_fps,
        })
    }

    /// Adds every video frame the page may request to the server's by-name fallback files.
    /// With the duration known only the frames the render shows are listed, else the whole
    /// clip of each source.
    /// Every media file the render reads.
    pub(crate) fn source_paths(&self) -> impl Iterator<Item = &Path> {
        let videos = self.videos.iter().map(|video| video.path.as_path());
        videos.chain(self.audio.iter().map(|audio| audio.clip.path.as_path()))
    }

    pub(crate) fn has_videos(&self) -> bool {
        !self.videos.is_empty()
    }

    pub(crate) fn serve_frames(
        &self,
        vendor: VendorLibraries,
        duration: Option<f64>,
    ) -> VendorLibraries {
        self.serve(vendor, |video| match duration {
            Some(duration) => {
                let plan = FramePlan::new(2, 2, self.fps, duration);
                needed_frames(video, &plan, self.fps.as_f64())
            }
            None => (0..video.segment).collect(),
        })
    }

    /// Serves the frames [`extract_frames_at`](Self::extract_frames_at) decodes for `times`.
    pub(crate) fn serve_frames_at(
        &self,
        vendor: VendorLibraries,
        times: &[f64],
    ) -> VendorLibraries {
        self.serve(vendor, |video| {
            still_frames(video, times, self.fps.as_f64())
        })
    }

    fn serve(
        &self,
        mut vendor: VendorLibraries,
        needed: impl Fn(&PlannedVideo) -> BTreeSet<u64>,
    ) -> VendorLibraries {
        for video in &self.videos {
            let frames = needed(video);
            let extension = if video.alpha { "png" } else { "jpg" };
            for k in frames {
                vendor = vendor.with_file(
                    format!("{}-{k}.{extension}", video.key),
                    self.cache_root
                        .join(&video.key)
                        .join(format!("{k}.{extension}")),
                );
            }
        }
        vendor
    }

    /// The `media` entry of the page config that `runtime-js/media.js` reads.
    /// Always present in a render, so the page knows the renderer supplies the media.
    pub(crate) fn media_config(&self) -> PageMedia {
        let fps = self.fps.as_f64();
        let videos = self
            .videos
            .iter()
            .map(|video| PageVideo {
                tag: video.tag,
                index: video.index,
                start: video.start,
                end: video.end,
                rate: video.rate,
                fps,
                frames: video.segment,
                looped: video.looped,
                url: format!("{FRAME_URL_PREFIX}{}-", video.key),
                ext: if video.alpha { "png" } else { "jpg" }.to_string(),
            })
            .collect();
        // The elements whose volume the page may animate: media.js samples them at ready time.
        let audio = self
            .audio
            .iter()
            .map(|audio| PageAudio {
                tag: audio.tag,
                index: audio.index,
                volume: audio.clip.volume,
            })
            .collect();
        PageMedia { videos, audio }
    }
    /// Decodes every `<video>` frame the render needs that is not cached yet, sources in
    /// parallel on the rayon pool. Blocking: run it off the async runtime.
    pub(crate) fn extract_frames(&self, plan: &FramePlan) -> Result<usize, RenderError> {
        let fps = plan.fps.as_f64();
        self.extract(fps, |video| needed_frames(video, plan, fps))
    }

    /// Decodes the frames a page seeked only to `times` shows (`framecast snapshot`, lint's
    /// in-page pass): each clip's frame at each time, and its first frame, which the page
    /// shows when it becomes ready. Blocking, like [`extract_frames`](Self::extract_frames).
    pub(crate) fn extract_frames_at(&self, times: &[f64]) -> Result<usize, RenderError> {
        let fps = self.fps.as_f64();
        self.extract(fps, |video| still_frames(video, times, fps))
    }

    fn extract(
        &self,
        fps: f64,
        needed: impl Fn(&PlannedVideo) -> BTreeSet<u64>,
    ) -> Result<usize, RenderError> {
        if self.videos.is_empty() {
            return Ok(0);
        }
        std::fs::create_dir_all(&self.cache_root).map_err(|source| RenderError::Output {
            path: self.cache_root.clone(),
            source,
        })?;
        // Elements showing the same source at the same offset share a cache directory: one
        // request per directory, with the union of their frames, so no two threads decode and
        // write the same files.
        let mut requests: Vec<VideoFrameRequest> = Vec::new();
        for video in &self.videos {
            let directory = self.cache_root.join(&video.key);
            let frames = needed(video);
            match requests
                .iter_mut()
                .find(|request| request.directory == directory)
            {
                Some(request) => request.frames.extend(frames),
                None => requests.push(VideoFrameRequest {
                    element: video.element.clone(),
                    path: video.path.clone(),
                    media_start: video.media_start,
                    fps,
                    frames,
                    directory,
                    alpha: video.alpha,
                }),
            }
        }
        use rayon::prelude::*;
        let started = std::time::Instant::now();
        let written: Result<Vec<usize>, _> =
            requests.par_iter().map(extract_video_frames).collect();
        let written = written?.into_iter().sum();
        tracing::info!(
            "video frames: {written} decoded and written in {:.2} s ({} sources, cache {})",
            started.elapsed().as_secs_f64(),
            requests.len(),
            self.cache_root.display()
        );
        if let FrameCache::Directory { max_bytes, .. } = self.cache {
            trim_cache(&self.cache_root, max_bytes);
        }
        Ok(written)
    }

    /// The render's soundtrack, exactly as long as the video. `volumes` are the page's sampled
    /// volumes, when it animates any: they replace `data-volume` for those elements.
    pub(crate) fn soundtrack(
        &self,
        plan: &FramePlan,
        mode: AudioMode,
        volumes: Option<&MediaVolumes>,
    ) -> Result<Option<AudioTrack>, RenderError> {
        let total = audio_frames_for_video(plan.frame_count, plan.fps.num, plan.fps.den);
        let clips: Vec<AudioClip> = self
            .audio
            .iter()
            .enumerate()
            .map(|(position, audio)| AudioClip {
                envelope: volumes.and_then(|volumes| envelope(volumes, position)),
                ..audio.clip.clone()
            })
            .collect();
        let mixed = match mode {
            AudioMode::Off => return Ok(None),
            _ => mix_audio(&clips, total)?,
        };
        Ok(match (mixed, mode) {
            (None, AudioMode::Silence) => Some(silent_track(total)),
            (mixed, _) => mixed,
        })
    }
}

impl Drop for MediaPlan {
    fn drop(&mut self) {
        if self.cache == FrameCache::Off {
            let _ = std::fs::remove_dir_all(&self.cache_root);
        }
    }
}

/// The envelope of the `position`th audio element, if the page sampled one for it.
fn envelope(volumes: &MediaVolumes, position: usize) -> Option<VolumeEnvelope> {
    let gains = volumes.elements.get(position)?.as_ref()?;
    VolumeEnvelope::new(volumes.times.clone(), gains.clone())
}

/// The clip frame shown at time `t`, as the page computes it (same expression, same doubles).
pub(crate) fn clip_frame_at(
    t: f64,
    start: f64,
    rate: f64,
    fps: f64,
    segment: u64,
    looped: bool,
) -> u64 {
    let k = ((t - start) * rate * fps + 1e-9).floor();
    let k = if k < 0.0 { 0 } else { k as u64 };
    if looped {
        k % segment.max(1)
    } else {
        k.min(segment.saturating_sub(1))
    }
}

/// The clip frames a page seeked only to `times` shows: each time's, and the first, which the
/// page shows when it becomes ready.
fn still_frames(video: &PlannedVideo, times: &[f64], fps: f64) -> BTreeSet<u64> {
    let mut frames = BTreeSet::from([0]);
    frames.extend(
        times
            .iter()
            .map(|&t| clip_frame_at(t, video.start, video.rate, fps, video.segment, video.looped)),
    );
    frames
}

fn needed_frames(video: &PlannedVideo, plan: &FramePlan, fps: f64) -> BTreeSet<u64> {
    let mut frames = BTreeSet::new();
    for index in 0..plan.frame_count {
        let t = plan.frame_time(index);
        let visible = t >= video.start && video.end.is_none_or(|end| t < end);
        if visible || (index == 0 && t < video.start) {
            frames.insert(clip_frame_at(
                t,
                video.start,
                video.rate,
                fps,
                video.segment,
                video.looped,
            ));
        }
    }
    if frames.is_empty() {
        frames.insert(0);
    }
    frames
}

/// The file a media `src` names: below the composition's folder, or the cached copy of an
/// outside URL; `None` for an outside URL that could not be fetched.
fn resolve_source(
    dir: &Path,
    src: &str,
    element: &str,
    remote: &RemoteAssets,
) -> Result<Option<PathBuf>, RenderError> {
    if let Some(url) = framecast_composition::remote_url(src) {
        if let Some(file) = remote.get(&url) {
            return Ok(Some(file.path.clone()));
        }
        if remote.is_unavailable(&url) {
            return Ok(None);
        }
    }
    if src.contains("://") && !src.starts_with("file://") {
        return Err(RenderError::Media(framecast_media::MediaError::Source {
            element: element.to_string(),
            path: PathBuf::from(src),
            reason: "only http, https and relative sources can be rendered".to_string(),
        }));
    }
    let relative = src.trim_start_matches("file://");
    let relative = relative.split(['?', '#']).next().unwrap_or(relative);
    let path = Path::new(relative);
    Ok(Some(if path.is_absolute() && path.exists() {
        path.to_path_buf()
    } else {
        dir.join(relative.trim_start_matches('/'))
    }))
}

fn media_error(element: &str, path: &Path, reason: &str) -> RenderError {
    RenderError::Media(framecast_media::MediaError::Source {
        element: element.to_string(),
        path: path.to_path_buf(),
        reason: reason.to_string(),
    })
}

fn cache_key(path: &Path, media_start: f64, fps: f64, alpha: bool) -> String {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let metadata = std::fs::metadata(path).ok();
    let modified = metadata
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let size = metadata.map_or(0, |m| m.len());
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (
        canonical,
        modified,
        size,
        media_start.to_bits(),
        fps.to_bits(),
        alpha,
    )
        .hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Removes the least recently written source directories until the cache fits `max_bytes`.
fn trim_cache(root: &Path, max_bytes: u64) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut directories: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| {
            let path = entry.path();
            let (mut newest, mut bytes) = (std::time::UNIX_EPOCH, 0);
            for file in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                if let Ok(metadata) = file.metadata() {
                    bytes += metadata.len();
                    newest = newest.max(metadata.modified().unwrap_or(std::time::UNIX_EPOCH));
                }
            }
            (newest, bytes, path)
        })
        .collect();
    let mut total: u64 = directories.iter().map(|(_, bytes, _)| bytes).sum();
    directories.sort();
    for (_, bytes, path) in directories {
        if total <= max_bytes {
            break;
        }
        if std::fs::remove_dir_all(&path).is_ok() {
            total -= bytes;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_frames_follow_start_rate_and_loop() {
        // Starts at 1 s, plays at 2x, 60 clip frames, at 30 fps.
        assert_eq!(clip_frame_at(1.0, 1.0, 2.0, 30.0, 60, true), 0);
        assert_eq!(clip_frame_at(1.0 + 1.0 / 30.0, 1.0, 2.0, 30.0, 60, true), 2);
        assert_eq!(clip_frame_at(2.0, 1.0, 2.0, 30.0, 60, true), 0);
        assert_eq!(clip_frame_at(2.5, 1.0, 2.0, 30.0, 60, true), 30);
        assert_eq!(clip_frame_at(2.5, 1.0, 2.0, 30.0, 60, false), 59);
        assert_eq!(clip_frame_at(0.5, 1.0, 2.0, 30.0, 60, false), 0);
    }
}
