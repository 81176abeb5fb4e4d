//! Issue 14, "no panic on any input": property tests over everything in this crate that reads
//! user input (the composition root, frame rates, variable values). Each property asserts that
//! the input gives either an error or a value that keeps the documented invariants.
//!
//! Case counts are fixed so the run stays short under `cargo nextest`; `PROPTEST_CASES=20000`
//! runs a longer fuzz by hand. Failures are not persisted: proptest prints the minimal input,
//! which belongs in a unit test beside the code it breaks.

mod fps;
mod html;
mod root;
mod variables;

use proptest::test_runner::Config;

/// `default_cases` cases, or `PROPTEST_CASES` when it is set, and no regression files written
/// into the source tree.
pub fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}
