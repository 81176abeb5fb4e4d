//! `framecast lint`: the findings of `framecast-lint`, as text or JSON, and the exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use framecast_render::{BrowserSettings, CancelFlag, InspectOptions, RemotePolicy};

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

    /// Only the static checks: do not open the composition in Chrome (the in-page pass finds
    /// script errors, font files that do not load and timelines longer than their composition).
    #[arg(long = "static")]
    static_only: bool,

    /// The chrome-headless-shell binary the in-page pass uses.
    #[arg(long, default_value = framecast_browser::DEFAULT_CHROME_PATH)]
    chrome: PathBuf,

    /// Seconds the page may take to become ready in the in-page pass.
    #[arg(long, default_value = "30", value_parser = crate::values::seconds)]
    ready_timeout: Duration,

    /// Never touch the network in the in-page pass: outside assets come from framecast's cache
    /// only.
    #[arg(long)]
    offline: bool,
}

/// Exit codes: 0 clean (warnings allowed unless --strict), 1 errors, 2 could not lint.
pub async fn run(args: &LintArgs) -> ExitCode {
    let mut report = match framecast_lint::lint(&args.input) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: cannot lint {}: {error}", args.input.display());
            return ExitCode::from(2);
        }
    };
    if !args.static_only {
        match inspect(args).await {
            Ok(inspection) => {
                report.add_page(inspection.failure.as_deref(), inspection.state.as_ref());
            }
            Err(error) if matches!(error, framecast_render::RenderError::Cancelled) => {
                eprintln!("stopped: {error}");
                return ExitCode::from(crate::stop::exit_code());
            }
            Err(error) => {
                eprintln!(
                    "error: cannot open {} in Chrome for the in-page pass: {error} (framecast lint --static runs the static checks only)",
                    args.input.display()
                );
                return ExitCode::from(2);
            }
        }
    }
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

/// The in-page pass, through the same Chrome path a render takes; Ctrl-C stops it cleanly.
async fn inspect(
    args: &LintArgs,
) -> Result<framecast_render::Inspection, framecast_render::RenderError> {
    let options = InspectOptions {
        input: args.input.clone(),
        browser: BrowserSettings {
            chrome_path: args.chrome.clone(),
            ready_timeout: args.ready_timeout,
            remote: RemotePolicy {
                offline: args.offline,
                strict: false,
            },
            ..BrowserSettings::default()
        },
        cancel: CancelFlag::default(),
    };
    crate::stop::watch(options.cancel.clone(), |message| eprintln!("{message}"));
    framecast_render::inspect(&options).await
}

/// What `framecast render` does first: lints the composition and prints the one-line summary
/// (on stderr, so `--json` progress on stdout stays JSON). With `strict`, errors stop the
/// render. A composition that cannot be linted is left to the render to report.
pub fn before_render(input: &Path, gate: LintGate) -> anyhow::Result<()> {
    let Ok(report) = framecast_lint::lint(input) else {
        return Ok(());
    };
    let details = if report.findings.is_empty() {
        String::new()
    } else {
        format!("; run framecast lint {} for details", input.display())
    };
    if !gate.quiet || !report.findings.is_empty() {
        eprintln!("{}{details}", report.summary());
    }
    let (flag, stopping) = if gate.strict_all {
        ("--strict-all", report.errors() + report.warnings())
    } else if gate.strict {
        ("--strict", report.errors())
    } else {
        return Ok(());
    };
    if stopping > 0 {
        let what = if gate.strict_all { "finding" } else { "error" };
        anyhow::bail!(
            "{flag}: lint found {stopping} {what}{} in {}; fix them (framecast lint {} lists each with its fix) or render without {flag}",
            if stopping == 1 { "" } else { "s" },
            input.display(),
            input.display()
        );
    }
    Ok(())
}

/// What lint findings stop a render before Chrome starts, and whether a clean result is said.
#[derive(Debug, Clone, Copy, Default)]
pub struct LintGate {
    /// `--strict`: errors stop it.
    pub strict: bool,
    /// `--strict-all`: errors and warnings stop it.
    pub strict_all: bool,
    /// `--quiet`: say nothing when lint is clean.
    pub quiet: bool,
}
