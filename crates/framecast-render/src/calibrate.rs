//! Choosing the number of capture workers for `--workers auto`.
//!
//! One Chrome keeps about one core busy; the encoder and the decode pool need cores too. A
//! second worker therefore only helps when capture, not CPU, is the bottleneck. The choice is
//! made from a short measurement: worker 0 captures the first few frames (they are kept, not
//! thrown away) and the time per frame is compared with what the encoder will cost.

use std::time::Duration;

/// Seconds of CPU that libx264 spends per 1920x1080 frame at each preset, scaled by pixel count
/// for other sizes. `medium` is the figure ../shared/bench/README.md gives for this machine class
/// (about 100 ms); the other presets are scaled from it by x264's usual relative speeds and have
/// not been measured here.
fn x264_seconds_per_1080p_frame(preset: &str) -> f64 {
    match preset {
        "ultrafast" => 0.012,
        "superfast" => 0.020,
        "veryfast" => 0.045,
        "faster" => 0.060,
        "fast" => 0.080,
        "medium" => 0.100,
        "slow" => 0.200,
        _ => 0.300,
    }
}

/// How many workers `--workers auto` starts on this machine before calibration keeps the ones
/// that pay off: one Chrome keeps about one core busy and the encoder needs a share too, so more
/// workers than cores only adds memory (and never more than four).
pub fn auto_workers_to_start() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    cores.clamp(1, 4)
}

/// CPU seconds per frame that are not Chrome's: encoding, JPEG decode and colour conversion.
pub(crate) fn non_capture_seconds_per_frame(preset: &str, width: u32, height: u32) -> f64 {
    let scale = f64::from(width) * f64::from(height) / (1920.0 * 1080.0);
    let decode = 0.005;
    (x264_seconds_per_1080p_frame(preset) + decode) * scale
}

/// What worker 0 measured on its first frames.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Calibration {
    /// Wall time per frame of one worker capturing alone (seek, draw, screenshot).
    pub wall: Duration,
    /// CPU time Chrome spent per frame, over all its threads (raster, compositor, encoding the
    /// screenshot): one capture may keep more than one core busy.
    pub chrome_cpu: Duration,
}

/// How many workers to keep, given worker 0's measurement, the non-capture CPU cost per frame,
/// the cores, and how many workers are already running (never more).
///
/// Predicted time per frame with `w` workers is the larger of the latency-bound time and the
/// CPU-bound time. CPU: every frame costs `chrome_cpu + other` whoever captures it, spread over
/// the cores. Latency: a worker captures one frame at a time, and during a render the encoder
/// takes its share of the cores, so a capture is slower than the calibration (run before the
/// encoder starts) measured: the encoder needs `other / (cores * period)` of the machine, where
/// the period is the time per frame (at least the measured capture or the CPU bound), and the
/// capture is stretched by that fraction. On the 2-core bench machine this predicts 95 ms per
/// frame for title-card with one worker (measured 93) and 270 ms for heavy (measured 255).
/// `w` workers divide the latency. The smallest `w` within 3% of the best prediction wins: an
/// extra Chrome costs memory, so it has to pay for itself.
pub(crate) fn choose_workers(
    measured: Calibration,
    other_cpu: f64,
    cores: usize,
    running: usize,
) -> usize {
    let wall = measured.wall.as_secs_f64();
    let cpu = measured.chrome_cpu.as_secs_f64() + other_cpu;
    let cores = cores.max(1) as f64;
    let cpu_bound = cpu / cores;
    let period = wall.max(cpu_bound);
    let stretched = if period > 0.0 {
        wall * (1.0 + other_cpu / (cores * period))
    } else {
        wall
    };
    let predict = |workers: usize| (stretched / workers as f64).max(cpu_bound);
    let limit = running.max(1);
    let best = (1..=limit).map(predict).fold(f64::INFINITY, f64::min);
    (1..=limit)
        .find(|&workers| predict(workers) <= best * 1.03)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(wall_ms: u64, chrome_cpu_ms: u64) -> Calibration {
        Calibration {
            wall: Duration::from_millis(wall_ms),
            chrome_cpu: Duration::from_millis(chrome_cpu_ms),
        }
    }

    #[test]
    fn light_pages_are_encoder_bound_and_keep_one_worker() {
        let other = non_capture_seconds_per_frame("slow", 1920, 1080);
        assert_eq!(choose_workers(measured(40, 45), other, 2, 2), 1);
    }

    #[test]
    fn the_bench_pages_get_two_workers_on_two_cores() {
        // Worker 0 alone, quiet machine: title-card 60 ms a frame for 73 ms of Chrome CPU,
        // heavy 218 ms for 200 ms. Two workers rendered both faster (11.9 s against 15.4 s,
        // 68.8 s against 76.4 s).
        let other = non_capture_seconds_per_frame("medium", 1920, 1080);
        assert_eq!(choose_workers(measured(60, 73), other, 2, 2), 2);
        assert_eq!(choose_workers(measured(218, 200), other, 2, 2), 2);
    }

    #[test]
    fn a_capture_that_waits_more_than_it_computes_gets_more_workers() {
        let other = non_capture_seconds_per_frame("ultrafast", 1920, 1080);
        assert_eq!(choose_workers(measured(120, 100), other, 2, 2), 2);
        assert_eq!(choose_workers(measured(300, 250), other, 4, 4), 4);
    }

    #[test]
    fn a_capture_that_already_fills_the_cores_keeps_one_worker() {
        // Chrome's compositor and raster threads keep two cores busy for the whole capture: a
        // second Chrome would only compete for the same cores.
        let other = non_capture_seconds_per_frame("medium", 1920, 1080);
        assert_eq!(choose_workers(measured(200, 400), other, 2, 2), 1);
    }

    #[test]
    fn never_more_than_running_or_fewer_than_one() {
        assert_eq!(choose_workers(measured(500, 400), 0.0, 8, 3), 3);
        assert_eq!(choose_workers(measured(0, 0), 1.0, 2, 0), 1);
    }
}
