//! A page under capture: runtime injection, navigation, readiness, seeking and frame capture.

use std::time::Duration;

use base64::Engine;
use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::dom::Rgba;
use chromiumoxide::cdp::browser_protocol::emulation::{
    SetDefaultBackgroundColorOverrideParams, SetDeviceMetricsOverrideParams,
};
use chromiumoxide::cdp::browser_protocol::headless_experimental::{
    BeginFrameParams, ScreenshotParams, ScreenshotParamsFormat,
};
use chromiumoxide::cdp::browser_protocol::page::{
    AddScriptToEvaluateOnNewDocumentParams, CaptureScreenshotFormat, CaptureScreenshotParams,
    FontFamilies, NavigateParams, SetFontFamiliesParams,
};
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use serde::Deserialize;

use crate::network::NetworkGuard;
use crate::session::LaunchOptions;
use crate::{BrowserError, StderrTail};

/// How frames are taken from the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureMode {
    /// `HeadlessExperimental.beginFrame` with a screenshot: one round trip that runs the whole
    /// rendering pipeline and returns the frame.
    BeginFrame,
    /// `Page.captureScreenshot`, for Chrome builds where BeginFrame is missing.
    Screenshot,
}

/// The encoding Chrome uses for captured frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Jpeg { quality: u8 },
    Png,
}

/// One captured frame, still encoded as Chrome produced it.
#[derive(Debug, Clone)]
pub enum CapturedFrame {
    Image(Vec<u8>),
    /// BeginFrame reported no damage: the frame is identical to the previous one.
    Unchanged,
}

/// What only the page can tell `framecast lint` (`window.__hf.inspect()` in the runtime), read
/// after the page is ready and has been seeked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageState {
    /// Families of `@font-face` rules whose files failed to load.
    pub failed_fonts: Vec<String>,
    /// Each composition's timeline length beside its `data-duration`.
    pub timelines: Vec<TimelineLength>,
    /// Errors page scripts raised (with file and line where the browser gave them).
    pub errors: Vec<String>,
}

/// One composition's registered timeline against the duration it declares.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineLength {
    /// Its `data-composition-id`.
    pub id: String,
    /// The element, as `#id` or `[data-composition-id="…"]`.
    pub element: String,
    /// The timeline's `duration()` in seconds, when it has one that is finite.
    pub timeline: Option<f64>,
    /// Its `data-duration`, when it declares one above 0.
    pub declared: Option<f64>,
}

/// What the page runtime reports once the composition is ready.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub id: String,
    pub width: f64,
    pub height: f64,
    pub duration: Option<f64>,
    pub has_timeline: bool,
    pub clip_count: u32,
    /// Scene transitions the page scheduled (HyperShader writes them to
    /// `window.__hf.transitions`), in composition seconds.
    #[serde(default)]
    pub transitions: Vec<PageTransition>,
    /// The volumes of the render's audible media elements over time, sampled at ready time
    /// when the page animates any of them (`runtime-js/media.js`); `None` when none changes.
    #[serde(default)]
    pub volumes: Option<MediaVolumes>,
    /// Whether `<html>`, `<body>` and the composition's root all paint no background (a webm
    /// then keeps its alpha channel unless `--alpha` says otherwise).
    #[serde(default)]
    pub transparent_background: bool,
}

/// Volumes sampled from the page: for each entry of the render's media config `audio` list
/// (in that order), its `volume` at each of `times`, or `None` when it never changes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MediaVolumes {
    /// Composition seconds, increasing.
    pub times: Vec<f64>,
    pub elements: Vec<Option<Vec<f32>>>,
}

/// One shader transition between two scenes, as the page declared it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageTransition {
    pub time: f64,
    pub duration: f64,
    /// The shader's name; `None` for a plain crossfade.
    pub shader: Option<String>,
    pub ease: Option<String>,
    pub from_scene: String,
    pub to_scene: String,
    /// The accent colour (CSS hex) some shaders glow with; `None` for the shader's default.
    #[serde(default)]
    pub accent: Option<String>,
}

/// A page with the framecast runtime, driven frame by frame.
#[derive(Debug)]
pub struct CapturePage {
    page: Page,
    mode: CaptureMode,
    width: u32,
    height: u32,
    device_scale_factor: f64,
    step_timeout: Duration,
    stderr: StderrTail,
    /// BeginFrame times must only increase; this is the last one sent, in milliseconds.
    frame_ticks: f64,
    /// The previous capture as Chrome sent it (base64) and its frame index, to recognise a frame
    /// that did not change from the one just before it.
    previous_capture: String,
    previous_frame: Option<u64>,
    /// Request interception; its blocked URLs fail the render once the page is ready and at
    /// every frame after.
    network: NetworkGuard,
}

/// The compositor interval reported with each BeginFrame; it does not drive animation (the
/// runtime's seek does), so any fixed value works.
const FRAME_INTERVAL_MS: f64 = 1000.0 / 60.0;

impl CapturePage {
    pub(crate) fn new(
        page: Page,
        mode: CaptureMode,
        options: &LaunchOptions,
        stderr: StderrTail,
        network: NetworkGuard,
    ) -> Self {
        CapturePage {
            page,
            mode,
            width: options.width,
            height: options.height,
            device_scale_factor: options.device_scale_factor,
            step_timeout: options.step_timeout,
            stderr,
            frame_ticks: 1000.0,
            previous_capture: String::new(),
            previous_frame: None,
            network,
        }
    }

    /// Closes the page (its tab), leaving its Chrome running for another page.
    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.page.close()).await;
    }

    pub fn mode(&self) -> CaptureMode {
        self.mode
    }

    /// Injects the font setup and the runtime (after `prelude`, which carries render settings
    /// for it) so they run before any page script, points the generic font families at the
    /// framecast fonts, and fixes the viewport to the composition's size.
    pub(crate) async fn prepare(
        &mut self,
        prelude: &str,
        fonts_script: &str,
    ) -> Result<(), BrowserError> {
        let source = format!("{prelude}\n{fonts_script}\n{}", crate::RUNTIME_JS);
        self.step(
            "injecting the runtime",
            self.page
                .execute(AddScriptToEvaluateOnNewDocumentParams::new(source)),
        )
        .await?;
        let metrics = SetDeviceMetricsOverrideParams::new(
            i64::from(self.width),
            i64::from(self.height),
            self.device_scale_factor,
            false,
        );
        self.step("setting the viewport", self.page.execute(metrics))
            .await?;
        // Generic families name system fonts only (CSS cannot redefine them); Chrome's fontconfig
        // knows Inter and JetBrains Mono as the same files the page loads as web fonts.
        let families = FontFamilies {
            standard: Some(crate::fonts::SANS_SERIF.to_string()),
            sans_serif: Some(crate::fonts::SANS_SERIF.to_string()),
            fixed: Some(crate::fonts::MONOSPACE.to_string()),
            ..FontFamilies::default()
        };
        self.step(
            "setting the generic font families",
            self.page.execute(SetFontFamiliesParams::new(families)),
        )
        .await?;
        Ok(())
    }

    pub(crate) async fn navigate(&mut self, url: &str) -> Result<(), BrowserError> {
        let step = format!("loading {url}");
        let response = self
            .step(&step, self.page.execute(NavigateParams::new(url)))
            .await?;
        if let Some(error) = &response.result.error_text {
            return Err(BrowserError::Page {
                step,
                message: error.clone(),
            });
        }
        Ok(())
    }

    /// Makes the page background transparent, for outputs that keep alpha.
    pub async fn set_transparent_background(&mut self) -> Result<(), BrowserError> {
        let params = SetDefaultBackgroundColorOverrideParams {
            color: Some(Rgba {
                r: 0,
                g: 0,
                b: 0,
                a: Some(0.0),
            }),
        };
        self.step(
            "making the background transparent",
            self.page.execute(params),
        )
        .await?;
        Ok(())
    }

    /// Waits until the page is loaded, its fonts and images are in, and the runtime has found the
    /// composition. Meanwhile BeginFrames without display updates keep the page's own frame
    /// callbacks running, since under BeginFrame control nothing ticks on its own.
    pub async fn wait_ready(&mut self, timeout: Duration) -> Result<PageInfo, BrowserError> {
        let step = "waiting for the page to be ready (load event, fonts, images, timelines)";
        let ready = evaluate(
            &self.page,
            "window.__hf.whenReady().then(async (info) => { if (window.__framecastFonts) await window.__framecastFonts.settle(); return info; })",
        );
        let ready = tokio::time::timeout(timeout, async {
            tokio::pin!(ready);
            loop {
                tokio::select! {
                    result = &mut ready => return result,
                    () = tokio::time::sleep(Duration::from_millis(20)) => {
                        if self.mode == CaptureMode::BeginFrame {
                            self.frame_ticks += FRAME_INTERVAL_MS;
                            let params = BeginFrameParams::builder()
                                .frame_time_ticks(self.frame_ticks)
                                .interval(FRAME_INTERVAL_MS)
                                .no_display_updates(true)
                                .build();
                            // A pump frame may fail while the renderer is still starting; the
                            // readiness promise is what decides.
                            let _ = self.page.execute(params).await;
                        }
                    }
                }
            }
        })
        .await;
        // A refused request is the cause of whatever else went wrong (a failed image, a script
        // that never defined its timeline), so it is reported first.
        self.network.check()?;
        let value = match ready {
            Ok(result) => result.map_err(|message| BrowserError::Page {
                step: step.to_string(),
                message,
            })?,
            Err(_) => {
                return Err(BrowserError::Timeout {
                    step: step.to_string(),
                    after: timeout,
                    stderr: self.stderr.text(),
                });
            }
        };
        serde_json::from_value(value).map_err(|error| BrowserError::Page {
            step: step.to_string(),
            message: format!("the runtime reported an unexpected value: {error}"),
        })
    }

    /// Seeks the composition to `time` seconds (the runtime applies timelines and clip
    /// visibility synchronously).
    pub async fn seek(&mut self, frame: u64, time: f64) -> Result<(), BrowserError> {
        let step = format!("seeking frame {frame} (t = {time:.6} s)");
        self.script(&step, &format!("window.__hf.seek({time:?})"))
            .await
            .map(|_| ())
    }

    /// Seeks the compositions' timelines to each of `times` in order, in one round trip and
    /// capturing nothing: brings a page that starts in the middle of the video to the state a
    /// page seeked frame by frame from the start would have (a GSAP `.to()` takes its start
    /// values when it first renders). Media, clip visibility and the clock are left alone: they
    /// are functions of the time the next [`seek`](Self::seek) gives, and seeking a video
    /// through every frame would load every frame.
    pub async fn seek_through(&mut self, times: &[f64]) -> Result<(), BrowserError> {
        let (Some(first), Some(last)) = (times.first(), times.last()) else {
            return Ok(());
        };
        let list: Vec<String> = times.iter().map(|time| format!("{time:?}")).collect();
        let step = format!(
            "seeking through {} frames ({first:.3} s to {last:.3} s)",
            times.len()
        );
        let expression = format!(
            "(() => {{ const seek = window.__framecastInternals.seekTimelines; for (const t of [{}]) seek(t); return null; }})()",
            list.join(",")
        );
        self.script(&step, &expression).await.map(|_| ())
    }

    /// Seeks like [`seek`](Self::seek), then fails on any request the page made and was
    /// refused, without capturing (lint's in-page pass).
    pub async fn seek_checked(&mut self, frame: u64, time: f64) -> Result<(), BrowserError> {
        self.seek(frame, time).await?;
        self.network.check()
    }

    /// Reads what only the page can tell lint: failed font files, timeline lengths, errors.
    pub async fn inspect(&mut self) -> Result<PageState, BrowserError> {
        let step = "reading the page's fonts, timelines and errors";
        let value = self.script(step, "window.__hf.inspect()").await?;
        serde_json::from_value(value).map_err(|error| BrowserError::Page {
            step: step.to_string(),
            message: format!("the runtime reported an unexpected value: {error}"),
        })
    }

    /// Renders and captures the current state of the page.
    pub async fn capture(
        &mut self,
        frame: u64,
        format: ImageFormat,
    ) -> Result<CapturedFrame, BrowserError> {
        let step = format!("capturing frame {frame}");
        // A request the page made since the last frame and was refused fails the render here;
        // one made while this frame was seeked or drawn is caught right after the capture, so
        // even the last frame of a render is covered.
        self.network.check()?;
        let captured = self.capture_unchecked(frame, &step, format).await?;
        self.network.check()?;
        Ok(captured)
    }

    async fn capture_unchecked(
        &mut self,
        frame: u64,
        step: &str,
        format: ImageFormat,
    ) -> Result<CapturedFrame, BrowserError> {
        let step = step.to_string();
        match self.mode {
            CaptureMode::BeginFrame => {
                self.frame_ticks += FRAME_INTERVAL_MS;
                let params = BeginFrameParams::builder()
                    .frame_time_ticks(self.frame_ticks)
                    .interval(FRAME_INTERVAL_MS)
                    .screenshot(screenshot_params(format))
                    .build();
                let response = self.step(&step, self.page.execute(params)).await?;
                let data =
                    response
                        .result
                        .screenshot_data
                        .as_ref()
                        .ok_or_else(|| BrowserError::Page {
                            step: step.clone(),
                            message: "Chrome returned a frame without a screenshot".to_string(),
                        })?;
                self.image_or_unchanged(frame, data.as_ref(), &step)
            }
            CaptureMode::Screenshot => {
                let mut params = CaptureScreenshotParams::builder().optimize_for_speed(true);
                params = match format {
                    ImageFormat::Jpeg { quality } => params
                        .format(CaptureScreenshotFormat::Jpeg)
                        .quality(i64::from(quality)),
                    ImageFormat::Png => params.format(CaptureScreenshotFormat::Png),
                };
                let response = self.step(&step, self.page.execute(params.build())).await?;
                self.image_or_unchanged(frame, response.result.data.as_ref(), &step)
            }
        }
    }

    /// Chrome reports damage for every frame it is asked to screenshot, so "unchanged" is decided
    /// on the encoded bytes: the same pixels encode to the same bytes, and comparing ~100 KB is far
    /// cheaper than decoding and converting the frame again. Only a capture of the frame just
    /// before counts: "unchanged" tells the encoder to repeat the frame before this one.
    fn image_or_unchanged(
        &mut self,
        frame: u64,
        base64: &str,
        step: &str,
    ) -> Result<CapturedFrame, BrowserError> {
        let follows = frame
            .checked_sub(1)
            .is_some_and(|before| self.previous_frame == Some(before));
        self.previous_frame = Some(frame);
        if follows && self.previous_capture == base64 {
            return Ok(CapturedFrame::Unchanged);
        }
        let _owner = framecast_memory::enter(framecast_memory::Owner::Capture);
        let image = decode_base64(base64, step)?;
        self.previous_capture.clear();
        self.previous_capture.push_str(base64);
        Ok(CapturedFrame::Image(image))
    }

    /// Captures one scene of a shader-transition frame: `show` fully visible, `hide` hidden,
    /// everything else as the last seek left it. Always returns pixels (a layer is never
    /// "unchanged"), and the next regular capture is not compared against it.
    pub async fn capture_layer(
        &mut self,
        frame: u64,
        format: ImageFormat,
        show: &str,
        hide: &str,
    ) -> Result<Vec<u8>, BrowserError> {
        let quote = |id: &str| serde_json::to_string(id).expect("a string should serialize");
        let step = format!("isolating scene #{show} for frame {frame}");
        let isolate = format!("window.__hf.isolateScene({}, {})", quote(show), quote(hide));
        self.script(&step, &isolate).await?;
        self.previous_frame = None;
        let captured = self.capture(frame, format).await;
        self.previous_frame = None;
        self.script(&step, "window.__hf.restoreScenes()").await?;
        match captured? {
            CapturedFrame::Image(image) => Ok(image),
            CapturedFrame::Unchanged => {
                unreachable!("a capture with no previous one always has pixels")
            }
        }
    }

    /// Runs a runtime call under the step timeout; a thrown error becomes a page error.
    async fn script(
        &self,
        step: &str,
        expression: &str,
    ) -> Result<serde_json::Value, BrowserError> {
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(self.step_timeout, evaluate(&self.page, expression)) => outcome,
            () = self.stderr.closed() => return Err(self.crashed(step)),
        };
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(message)) => Err(BrowserError::Page {
                step: step.to_string(),
                message,
            }),
            Err(_) => Err(self.timed_out(step.to_string())),
        }
    }

    /// Checks once that BeginFrame works on this Chrome; the caller falls back to screenshots
    /// when it does not.
    pub async fn probe_begin_frame(&mut self) -> Result<(), BrowserError> {
        self.frame_ticks += FRAME_INTERVAL_MS;
        let params = BeginFrameParams::builder()
            .frame_time_ticks(self.frame_ticks)
            .interval(FRAME_INTERVAL_MS)
            .no_display_updates(true)
            .build();
        self.step(
            "probing HeadlessExperimental.beginFrame",
            self.page.execute(params),
        )
        .await
        .map(|_| ())
    }

    /// Runs one DevTools command under the step timeout, naming the step in any error.
    async fn step<T>(
        &self,
        step: &str,
        command: impl Future<Output = chromiumoxide::Result<T>>,
    ) -> Result<T, BrowserError> {
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(self.step_timeout, command) => outcome,
            () = self.stderr.closed() => return Err(self.crashed(step)),
        };
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(BrowserError::Protocol {
                step: step.to_string(),
                message: error.to_string(),
            }),
            Err(_) => Err(self.timed_out(step.to_string())),
        }
    }

    fn crashed(&self, step: &str) -> BrowserError {
        BrowserError::Crashed {
            step: step.to_string(),
            stderr: self.stderr.text(),
        }
    }

    fn timed_out(&self, step: String) -> BrowserError {
        BrowserError::Timeout {
            step,
            after: self.step_timeout,
            stderr: self.stderr.text(),
        }
    }
}

fn screenshot_params(format: ImageFormat) -> ScreenshotParams {
    match format {
        ImageFormat::Jpeg { quality } => ScreenshotParams {
            format: Some(ScreenshotParamsFormat::Jpeg),
            quality: Some(i64::from(quality)),
            optimize_for_speed: Some(true),
        },
        ImageFormat::Png => ScreenshotParams {
            format: Some(ScreenshotParamsFormat::Png),
            quality: None,
            optimize_for_speed: Some(true),
        },
    }
}

fn decode_base64(data: &str, step: &str) -> Result<Vec<u8>, BrowserError> {
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|error| BrowserError::Protocol {
            step: step.to_string(),
            message: format!("Chrome sent an image that is not valid base64: {error}"),
        })
}

/// Evaluates an expression in the page, awaiting a returned promise; a thrown exception becomes
/// `Err` with its message and stack.
async fn evaluate(page: &Page, expression: &str) -> Result<serde_json::Value, String> {
    let params = EvaluateParams::builder()
        .expression(expression)
        .await_promise(true)
        .return_by_value(true)
        .build()
        .expect("an expression is the only required parameter");
    let response = page
        .execute(params)
        .await
        .map_err(|error| error.to_string())?;
    if let Some(details) = &response.result.exception_details {
        let description = details
            .exception
            .as_ref()
            .and_then(|exception| exception.description.clone())
            .unwrap_or_else(|| details.text.clone());
        // The stack points into the runtime, which is not the author's code: keep the message,
        // and the first frame in one of the composition's files, when there is one.
        let mut frames = description.split("\n    at ");
        let message = frames.next().unwrap_or(&description);
        let message = message.strip_prefix("Error: ").unwrap_or(message);
        return Err(match frames.find_map(page_file_location) {
            Some(location) if !message.contains(&location) => format!("{message} ({location})"),
            _ => message.to_string(),
        });
    }
    Ok(response
        .result
        .result
        .value
        .clone()
        .unwrap_or(serde_json::Value::Null))
}

/// `index.html:9:70` from a stack frame such as `onUpdate (http://127.0.0.1:4100/index.html:9:70)`:
/// a frame in a file the file server serves, named relative to the composition's folder.
fn page_file_location(frame: &str) -> Option<String> {
    let frame = frame.trim();
    let location = frame
        .strip_suffix(')')
        .and_then(|inner| inner.rsplit_once('(').map(|(_, location)| location))
        .unwrap_or(frame);
    let rest = location
        .strip_prefix("http://127.0.0.1:")
        .or_else(|| location.strip_prefix("http://localhost:"))?;
    let (_, path) = rest.split_once('/')?;
    (!path.is_empty()).then(|| path.to_string())
}

#[cfg(test)]
mod location_tests {
    use super::page_file_location;

    #[test]
    fn stack_frames_in_served_files_are_named_by_path() {
        assert_eq!(
            page_file_location("onUpdate (http://127.0.0.1:4100/index.html:9:70)").as_deref(),
            Some("index.html:9:70")
        );
        assert_eq!(
            page_file_location("http://127.0.0.1:4100/scenes/a.js:3:1").as_deref(),
            Some("scenes/a.js:3:1")
        );
        assert_eq!(page_file_location("Object.seek (<anonymous>:12:5)"), None);
    }
}
