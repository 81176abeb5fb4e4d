//! `framecast render --batch rows.json`: one output per row of variable values, as HyperFrames'
//! `--batch` reads them (a JSON array of objects, or `{"rows": [...]}`), each output named by
//! the `-o` template's `{index}` and `{field}` placeholders.
//!
//! Every row's options and output are resolved (and every output checked for collisions)
//! before the first Chrome starts, the composition is linted once, and the rows run in one
//! process: the Chrome processes (a [`ChromePool`]: a row's workers open their pages in the
//! Chrome a previous row used), the font setup, the fetched outside assets and the decoded
//! video frames of the composition's media are prepared once and shared by every row. A failing row is reported
//! with its error while the others go on, unless `--batch-fail-fast`; a summary ends the run.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use framecast_render::{CancelFlag, ChromePool, RenderOptions};
use serde_json::{Map, Value, json};
use tokio::task::JoinSet;

use crate::progress::ProgressDisplay;

/// One row of the batch, resolved.
struct Row {
    index: usize,
    output: PathBuf,
    options: RenderOptions,
}

/// How a row ended.
enum Outcome {
    Rendered { seconds: f64 },
    Failed(String),
    Skipped,
}

pub(crate) struct BatchSettings<'a> {
    pub rows_file: &'a Path,
    /// `-o` as given, or the default template.
    pub template: String,
    pub concurrency: usize,
    pub fail_fast: bool,
    pub json: bool,
}

/// Reads the rows: a JSON array of objects, or an object with a `rows` array.
pub(crate) fn read_rows(path: &Path) -> anyhow::Result<Vec<Map<String, Value>>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read --batch {}", path.display()))?;
    let value: Value = serde_json::from_str(&text)
        .with_context(|| format!("--batch {} is not valid JSON", path.display()))?;
    let rows = match value {
        Value::Array(rows) => rows,
        Value::Object(mut object) => match object.remove("rows") {
            Some(Value::Array(rows)) => rows,
            _ => anyhow::bail!(
                "--batch {}: expected a JSON array of objects, or an object with a \"rows\" array",
                path.display()
            ),
        },
        _ => anyhow::bail!(
            "--batch {}: expected a JSON array of objects, or an object with a \"rows\" array",
            path.display()
        ),
    };
    if rows.is_empty() {
        anyhow::bail!("--batch {} has no rows", path.display());
    }
    rows.into_iter()
        .enumerate()
        .map(|(index, row)| match row {
            Value::Object(values) => Ok(values),
            other => anyhow::bail!(
                "--batch {}: row {index} is {other}, not an object of variable values",
                path.display()
            ),
        })
        .collect()
}

/// The output of row `index`: `{index}` is the row's index, `{name}` its `name` value (a
/// string, number or boolean).
pub(crate) fn resolve_template(
    template: &str,
    row: &Map<String, Value>,
    index: usize,
) -> anyhow::Result<PathBuf> {
    let mut resolved = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        resolved.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            resolved.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let key = &after[..close];
        let value = match (key, row.get(key)) {
            ("index", _) => index.to_string(),
            (_, Some(Value::String(text))) => text.clone(),
            (_, Some(Value::Number(number))) => number.to_string(),
            (_, Some(Value::Bool(flag))) => flag.to_string(),
            (_, Some(_)) => anyhow::bail!(
                "-o {template}: {{{key}}} in row {index} is not a string, number or boolean"
            ),
            (_, None) => anyhow::bail!("-o {template}: row {index} has no value for {{{key}}}"),
        };
        if value.contains('/') || value == ".." {
            anyhow::bail!(
                "-o {template}: {{{key}}} in row {index} is {value:?}, which would leave the \
                 output's folder; use a value without '/'"
            );
        }
        resolved.push_str(&value);
        rest = &after[close + 1..];
    }
    resolved.push_str(rest);
    Ok(PathBuf::from(resolved))
}

/// Renders every row; an error when any row failed or was skipped, naming them.
pub(crate) async fn run(
    settings: BatchSettings<'_>,
    rows: Vec<Map<String, Value>>,
    options_for: impl Fn(PathBuf, Map<String, Value>) -> anyhow::Result<RenderOptions>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut resolved = Vec::with_capacity(rows.len());
    for (index, values) in rows.into_iter().enumerate() {
        let output = resolve_template(&settings.template, &values, index)?;
        if let Some(earlier) = resolved.iter().find(|row: &&Row| row.output == output) {
            anyhow::bail!(
                "rows {} and {index} both write {}; put {{index}} or a field that differs per row in -o (e.g. -o \"renders/{{index}}.mp4\")",
                earlier.index,
                output.display()
            );
        }
        let options =
            options_for(output.clone(), values).with_context(|| format!("batch row {index}"))?;
        resolved.push(Row {
            index,
            output,
            options,
        });
    }
    let total = resolved.len();
    if !settings.json {
        eprintln!(
            "batch: {total} rows from {}, {} at a time",
            settings.rows_file.display(),
            settings.concurrency
        );
    }
    let cancel = CancelFlag::default();
    crate::stop::watch(cancel.clone(), |message| eprintln!("{message}"));
    let pool = Arc::new(ChromePool::default());
    let outcomes = render_rows(&settings, resolved, &cancel, &pool).await;
    pool.close().await;
    if cancel.is_cancelled() {
        anyhow::bail!("the batch was stopped");
    }
    summarize(&settings, &outcomes, started.elapsed().as_secs_f64())
}

async fn render_rows(
    settings: &BatchSettings<'_>,
    rows: Vec<Row>,
    cancel: &CancelFlag,
    pool: &Arc<ChromePool>,
) -> Vec<(usize, PathBuf, Outcome)> {
    let total = rows.len();
    let mut outcomes: Vec<(usize, PathBuf, Outcome)> = Vec::with_capacity(total);
    let mut pending = rows.into_iter();
    let mut running = JoinSet::new();
    let mut stop_launching = false;
    loop {
        while !stop_launching && running.len() < settings.concurrency {
            let Some(row) = pending.next() else { break };
            // A bar of its own only when rows go one at a time; otherwise plain lines.
            let display = Arc::new(ProgressDisplay::for_batch_row(
                settings.json,
                settings.concurrency == 1,
                format!("row {}/{total}", row.index),
            ));
            if !settings.json {
                display.message(&format!("row {}: {}", row.index, row.output.display()));
            }
            let cancel = cancel.clone();
            let pool = Arc::clone(pool);
            running.spawn(async move {
                let row_started = Instant::now();
                let events = Arc::clone(&display);
                let result = framecast_render::render_with_pool(
                    &row.options,
                    Arc::new(move |event| events.handle(&event)),
                    cancel,
                    pool,
                )
                .await;
                display.finish();
                let outcome = match result {
                    Ok(_) => Outcome::Rendered {
                        seconds: row_started.elapsed().as_secs_f64(),
                    },
                    Err(error) => Outcome::Failed(format!("{:#}", anyhow::Error::new(error))),
                };
                (row.index, row.output, outcome)
            });
        }
        let Some(done) = running.join_next().await else {
            break;
        };
        let (index, output, outcome) = done.expect("a batch row's task should not panic");
        if let Outcome::Failed(error) = &outcome {
            eprintln!("row {index} failed: {error}");
            stop_launching |= settings.fail_fast;
        }
        stop_launching |= cancel.is_cancelled();
        outcomes.push((index, output, outcome));
    }
    outcomes.extend(pending.map(|row| (row.index, row.output, Outcome::Skipped)));
    outcomes.sort_by_key(|(index, ..)| *index);
    outcomes
}

fn summarize(
    settings: &BatchSettings<'_>,
    outcomes: &[(usize, PathBuf, Outcome)],
    seconds: f64,
) -> anyhow::Result<()> {
    let count =
        |wanted: fn(&Outcome) -> bool| outcomes.iter().filter(|(_, _, o)| wanted(o)).count();
    let rendered = count(|outcome| matches!(outcome, Outcome::Rendered { .. }));
    let failed = count(|outcome| matches!(outcome, Outcome::Failed(_)));
    let skipped = count(|outcome| matches!(outcome, Outcome::Skipped));
    if settings.json {
        let rows: Vec<Value> = outcomes
            .iter()
            .map(|(index, output, outcome)| {
                let (status, seconds, error) = match outcome {
                    Outcome::Rendered { seconds } => ("rendered", Some(*seconds), None),
                    Outcome::Failed(error) => ("failed", None, Some(error.as_str())),
                    Outcome::Skipped => ("skipped", None, Some("skipped after --batch-fail-fast")),
                };
                json!({"index": index, "output": output, "status": status, "seconds": seconds, "error": error})
            })
            .collect();
        println!(
            "{}",
            json!({"event": "batch_finished", "total": outcomes.len(), "rendered": rendered,
                   "failed": failed, "skipped": skipped, "seconds": seconds, "rows": rows})
        );
    } else {
        eprintln!(
            "batch: {rendered} of {} rows rendered, {failed} failed, {skipped} skipped, in {seconds:.2} s",
            outcomes.len()
        );
        for (index, output, outcome) in outcomes {
            let line = match outcome {
                Outcome::Rendered { seconds } => format!("ok      {:.2} s", seconds),
                Outcome::Failed(_) => "failed".to_string(),
                Outcome::Skipped => "skipped".to_string(),
            };
            eprintln!("  row {index:>3}  {line:<10}  {}", output.display());
        }
    }
    if failed + skipped > 0 {
        let names: Vec<String> = outcomes
            .iter()
            .filter(|(_, _, outcome)| !matches!(outcome, Outcome::Rendered { .. }))
            .map(|(index, ..)| index.to_string())
            .collect();
        anyhow::bail!(
            "{failed} batch row(s) failed and {skipped} skipped: row {}",
            names.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_take_the_index_and_row_fields() {
        let row: Map<String, Value> =
            serde_json::from_str(r#"{"name":"intro","n":3,"hd":true,"list":[1]}"#).unwrap();
        let path = |template| resolve_template(template, &row, 7);
        assert_eq!(
            path("renders/{name}-{index}.mp4").unwrap(),
            PathBuf::from("renders/intro-7.mp4")
        );
        assert_eq!(path("{n}_{hd}.webm").unwrap(), PathBuf::from("3_true.webm"));
        assert_eq!(path("plain.mp4").unwrap(), PathBuf::from("plain.mp4"));
        assert!(
            path("{missing}.mp4")
                .unwrap_err()
                .to_string()
                .contains("no value for {missing}")
        );
        assert!(path("{list}.mp4").is_err());
        let climbing: Map<String, Value> = serde_json::from_str(r#"{"name":"../x"}"#).unwrap();
        assert!(resolve_template("{name}.mp4", &climbing, 0).is_err());
    }

    #[test]
    fn rows_are_an_array_or_an_object_with_rows() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rows.json");
        std::fs::write(&file, r#"[{"a":1},{"a":2}]"#).unwrap();
        assert_eq!(read_rows(&file).unwrap().len(), 2);
        std::fs::write(&file, r#"{"rows":[{"a":1}]}"#).unwrap();
        assert_eq!(read_rows(&file).unwrap().len(), 1);
        for bad in ["[]", "[1]", r#"{"a":1}"#, "nope"] {
            std::fs::write(&file, bad).unwrap();
            assert!(read_rows(&file).is_err(), "{bad}");
        }
    }
}
