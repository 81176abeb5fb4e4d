//! The run's report: a table for the terminal, and with `--report DIR` a `report.json` and a
//! static `index.html` that shows, for every failing checkpoint, the golden frame, the new frame
//! and their difference (PNG files in `DIR/<fixture>/`).

use std::fmt::Write as _;
use std::io::BufWriter;
use std::path::Path;

use crate::RegressError;
use crate::outcome::{AudioCheck, FixtureOutcome, RunSummary};

/// Writes packed RGB24 as a PNG file.
pub fn write_png(path: &Path, width: u32, height: u32, rgb: &[u8]) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut encoder = png::Encoder::new(BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
    writer
        .write_image_data(rgb)
        .map_err(std::io::Error::other)?;
    writer.finish().map_err(std::io::Error::other)
}

/// One line per fixture, then a closing count line, for stdout.
pub fn summary_table(summary: &RunSummary) -> String {
    let width = summary
        .fixtures
        .iter()
        .map(|outcome| outcome.id.len())
        .max()
        .unwrap_or(0)
        .max("fixture".len());
    let mut table = format!(
        "{:<width$}  {:<7}  {:>6}  {:>7}  {:>6}  {:>9}  {:<13}  {:>7}\n",
        "fixture", "result", "frames", "checked", "failed", "worst dB", "audio", "time"
    );
    for outcome in &summary.fixtures {
        table.push_str(&table_row(outcome, width));
        for problem in &outcome.problems {
            let _ = writeln!(table, "{:width$}  - {problem}", "");
        }
    }
    let count = |wanted: &[crate::Status]| {
        summary
            .fixtures
            .iter()
            .filter(|outcome| wanted.contains(&outcome.status))
            .count()
    };
    use crate::Status::*;
    let _ = writeln!(
        table,
        "{} fixture(s){} in {:.1} s, {} golden(s) updated",
        summary.fixtures.len(),
        summary
            .shard
            .as_ref()
            .map(|shard| format!(" of shard {shard}"))
            .unwrap_or_default(),
        summary.seconds,
        count(&[Updated]),
    );
    // The closing line in the plain form CI log readers recognise.
    let _ = writeln!(
        table,
        "regress: {} passed, {} failed, {} skipped",
        count(&[Passed]),
        count(&[Failed, Error]),
        count(&[Skipped]),
    );
    table
}

fn table_row(outcome: &FixtureOutcome, width: usize) -> String {
    let frames = outcome
        .frames
        .map(|frames| frames.rendered.to_string())
        .unwrap_or_else(|| "-".into());
    let checked = outcome.checkpoints.len();
    let failed = outcome.failed_checkpoints().count();
    let worst = match (checked, outcome.worst_psnr()) {
        (0, _) => "-".to_string(),
        (_, None) => "identical".to_string(),
        (_, Some(db)) => format!("{db:.1}"),
    };
    let audio = match &outcome.audio {
        None => "-".to_string(),
        Some(AudioCheck::NoAudio) => "none (skip)".to_string(),
        Some(AudioCheck::Compared { correlation, .. }) => format!("r={correlation:.3}"),
        Some(AudioCheck::Mismatch { .. }) => "mismatch".to_string(),
    };
    format!(
        "{:<width$}  {:<7}  {:>6}  {:>7}  {:>6}  {:>9}  {:<13}  {:>6.1}s\n",
        outcome.id,
        outcome.status.label(),
        frames,
        checked,
        failed,
        worst,
        audio,
        outcome.seconds
    )
}

/// Writes `report.json` and `index.html` into `dir` (the frame images are already there).
pub fn write_report(dir: &Path, summary: &RunSummary) -> Result<(), RegressError> {
    let failed = |path: &Path, reason: String| RegressError::Report {
        path: path.to_path_buf(),
        reason,
    };
    let json_path = dir.join("report.json");
    let json = serde_json::to_string_pretty(summary)
        .map_err(|error| failed(&json_path, error.to_string()))?;
    std::fs::write(&json_path, json + "\n")
        .map_err(|error| failed(&json_path, error.to_string()))?;
    let html_path = dir.join("index.html");
    std::fs::write(&html_path, html_page(summary))
        .map_err(|error| failed(&html_path, error.to_string()))?;
    Ok(())
}

fn html_page(summary: &RunSummary) -> String {
    let mut page = String::from(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>framecast regress</title>\n\
         <style>body{font:14px sans-serif;margin:2em;background:#fafafa}\
         table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;\
         text-align:left}.FAIL,.ERROR{color:#b00;font-weight:bold}.pass{color:#070}\
         figure{display:inline-block;margin:0 8px 8px 0}figcaption{font-size:12px}\
         img{max-width:420px;border:1px solid #ccc;image-rendering:pixelated}</style>\n\
         </head><body>\n<h1>framecast regress</h1>\n",
    );
    page.push_str(&format!("<pre>{}</pre>\n", escape(&summary_table(summary))));
    for outcome in &summary.fixtures {
        let failing: Vec<_> = outcome.failed_checkpoints().collect();
        if failing.is_empty() && outcome.problems.is_empty() {
            continue;
        }
        page.push_str(&format!(
            "<h2 id=\"{id}\">{id} <span class=\"{status}\">{status}</span></h2>\n<ul>\n",
            id = escape(&outcome.id),
            status = outcome.status.label()
        ));
        for problem in &outcome.problems {
            page.push_str(&format!("<li>{}</li>\n", escape(problem)));
        }
        page.push_str("</ul>\n");
        for checkpoint in failing {
            let psnr = checkpoint
                .psnr
                .map_or_else(|| "identical".to_string(), |db| format!("{db:.2} dB"));
            page.push_str(&format!(
                "<h3>frame {} (t = {:.3} s): PSNR {psnr} (floor {} dB)</h3>\n",
                checkpoint.frame, checkpoint.time, outcome.min_psnr
            ));
            if let Some(images) = &checkpoint.images {
                for (caption, src) in [
                    ("golden", &images.golden),
                    ("new", &images.rendered),
                    ("difference x4", &images.difference),
                ] {
                    page.push_str(&format!(
                        "<figure><img src=\"{src}\" alt=\"{caption}\">\
                         <figcaption>{caption}</figcaption></figure>\n",
                        src = escape(src)
                    ));
                }
            }
        }
    }
    page.push_str("</body></html>\n");
    page
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Checkpoint, CheckpointImages};
    use crate::{FixtureOutcome, Status};

    fn failing_outcome() -> FixtureOutcome {
        let mut outcome = FixtureOutcome::new("box", "Box", 30.0, 0);
        outcome.status = Status::Failed;
        outcome.frames = Some(crate::outcome::Pair {
            golden: 60,
            rendered: 60,
        });
        outcome.checkpoints = vec![
            Checkpoint {
                frame: 0,
                time: 0.0,
                psnr: None,
                passed: true,
                images: None,
            },
            Checkpoint {
                frame: 30,
                time: 1.0,
                psnr: Some(12.5),
                passed: false,
                images: Some(CheckpointImages {
                    golden: "box/frame-000030-golden.png".into(),
                    rendered: "box/frame-000030-new.png".into(),
                    difference: "box/frame-000030-diff.png".into(),
                }),
            },
        ];
        outcome
            .problems
            .push("1 of 2 checked frames are below 30 dB".into());
        outcome
    }

    #[test]
    fn the_table_lists_each_fixture_and_its_problems() {
        let summary = RunSummary {
            shard: Some("1/2".into()),
            fixtures: vec![failing_outcome()],
            seconds: 3.0,
        };
        let table = summary_table(&summary);
        assert!(table.contains("box"), "{table}");
        assert!(table.contains("FAIL"), "{table}");
        assert!(table.contains("12.5"), "{table}");
        assert!(table.contains("- 1 of 2 checked frames"), "{table}");
        assert!(
            table.contains("1 fixture(s) of shard 1/2 in 3.0 s"),
            "{table}"
        );
        assert!(
            table.ends_with("\nregress: 0 passed, 1 failed, 0 skipped\n"),
            "{table}"
        );
    }

    #[test]
    fn the_report_shows_the_three_images_of_a_failing_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let summary = RunSummary {
            shard: None,
            fixtures: vec![failing_outcome()],
            seconds: 3.0,
        };
        write_report(dir.path(), &summary).unwrap();
        let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
        for image in ["golden", "new", "diff"] {
            assert!(
                html.contains(&format!("src=\"box/frame-000030-{image}.png\"")),
                "{html}"
            );
        }
        assert!(
            html.contains("frame 30 (t = 1.000 s): PSNR 12.50 dB (floor 30 dB)"),
            "{html}"
        );
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap())
                .unwrap();
        assert_eq!(json["fixtures"][0]["status"], "failed");
        assert_eq!(json["fixtures"][0]["checkpoints"][1]["frame"], 30);
    }

    #[test]
    fn pngs_decode_back_to_the_same_pixels() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.png");
        let rgb: Vec<u8> = (0..4 * 2 * 3).map(|i| (i * 11) as u8).collect();
        write_png(&path, 4, 2, &rgb).unwrap();
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buffer).unwrap();
        assert_eq!((info.width, info.height), (4, 2));
        assert_eq!(&buffer[..info.buffer_size()], &rgb[..]);
    }
}
