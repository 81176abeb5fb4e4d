//! `framecast lint`: the findings of `framecast-lint`, as text or JSON, and the exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

/// Exit codes: 0 no error (warnings allowed unless --strict), 1 errors, 2 could not lint.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// The composition: a directory containing index.html, or an .html file.
    #[arg(default_value = ".")]
    input: PathBuf,

    /// Print the report as one JSON object on stdout.
    #[arg(long)]
    json: bool,

    /// Fail on warnings too: exit 1 when there is any finding.
    #[arg(long)]
    strict: bool,
}

/// Exit codes: 0 clean (warnings allowed unless --strict), 1 errors, 2 could not lint.
pub fn run(args: &LintArgs) -> ExitCode {
    let report = match framecast_lint::lint(&args.input) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: cannot lint {}: {error}", args.input.display());
            return ExitCode::from(2);
        }
    };
    if args.json {
        let json = serde_json::json!({
            "dir": report.dir,
            "files": report.files,
            "errors": report.errors(),
            "warnings": report.warnings(),
            "findings": report.findings,
        });
        println!("{json}");
    } else {
        print!("{}", report.to_text());
    }
    let failed = report.errors() > 0 || (args.strict && report.warnings() > 0);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// What `framecast render` does first: lints the composition and prints the one-line summary
/// (on stderr, so `--json` progress on stdout stays JSON). With `strict`, errors stop the
/// render. A composition that cannot be linted is left to the render to report.
pub fn before_render(input: &Path, strict: bool) -> anyhow::Result<()> {
    let Ok(report) = framecast_lint::lint(input) else {
        return Ok(());
    };
    let details = if report.findings.is_empty() {
        String::new()
    } else {
        format!("; run framecast lint {} for details", input.display())
    };
    eprintln!("{}{details}", report.summary());
    if strict && report.errors() > 0 {
        anyhow::bail!(
            "--strict: lint found {} in {}; fix them (framecast lint {} lists each with its fix) or render without --strict",
            if report.errors() == 1 {
                "1 error".to_string()
            } else {
                format!("{} errors", report.errors())
            },
            input.display(),
            input.display()
        );
    }
    Ok(())
}
