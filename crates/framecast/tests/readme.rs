//! The README's CLI section is the `--help` of every command, word for word: each command has a
//! block that starts with `$ framecast <command> --help`, and this test fails when a block drifts
//! from what the binary prints, or when a command has no block. Run with
//! `FRAMECAST_UPDATE_README=1` to rewrite the blocks from the binary.

use std::path::Path;
use std::process::Command;

fn help(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_framecast"))
        .args(args)
        .arg("--help")
        .output()
        .expect("framecast should run");
    assert!(output.status.success());
    String::from_utf8(output.stdout).expect("help should be UTF-8")
}

/// The commands `framecast --help` lists, `help` excepted.
fn commands(top: &str) -> Vec<String> {
    top.lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// The body of the block that starts with `$ {invocation}`, and where it is in `readme`.
fn block(readme: &str, invocation: &str) -> Option<(usize, usize)> {
    let marker = format!("```text\n$ {invocation}\n");
    let start = readme.find(&marker)? + marker.len();
    let end = start + readme[start..].find("```")?;
    Some((start, end))
}

#[test]
fn the_readme_lists_every_command_and_flag_as_help_prints_them() {
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let mut readme = std::fs::read_to_string(&readme_path).unwrap();
    let top = help(&[]);
    let mut invocations = vec![(String::from("framecast --help"), top.clone())];
    for command in commands(&top) {
        let text = help(&[&command]);
        invocations.push((format!("framecast {command} --help"), text));
    }
    assert!(invocations.len() >= 5, "{top}");
    let update = std::env::var_os("FRAMECAST_UPDATE_README").is_some();
    let mut drifted = Vec::new();
    for (invocation, expected) in &invocations {
        match block(&readme, invocation) {
            Some((start, end)) if readme[start..end] == **expected => {}
            Some((start, end)) if update => readme.replace_range(start..end, expected),
            Some(_) => drifted.push(format!(
                "{invocation}: the README's block differs; it should be\n{expected}"
            )),
            None => drifted.push(format!(
                "{invocation}: the README has no block for it; add one starting with \"```text\" and \"$ {invocation}\""
            )),
        }
    }
    if update {
        std::fs::write(&readme_path, &readme).unwrap();
    }
    assert!(
        drifted.is_empty(),
        "run FRAMECAST_UPDATE_README=1 cargo nextest run -p framecast --test readme\n{}",
        drifted.join("\n")
    );
}
