//! Clip timing in each composition scope of the entry file, resolved as the page's
//! `runtime-js/timing.js` resolves it: starts in seconds or as references to another clip's end,
//! unknown references, cycles, values that are neither, and clips that overlap on one track.

use std::collections::HashMap;
use std::sync::LazyLock;

use framecast_composition::{SourceElement, SourceFile};
use regex::Regex;

use super::Findings;
use crate::rules::{CLIP_OVERLAP, START_INVALID, START_REFERENCE_CYCLE, START_UNKNOWN_REFERENCE};

/// A clip's window in its composition's time; `end` is `None` when nothing says how long it is.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Window {
    start: f64,
    end: Option<f64>,
}

/// A timing problem, reported on the element it belongs to.
struct Problem {
    rule: &'static crate::Rule,
    element: usize,
    message: String,
}

/// Whether an element starts a composition scope of its own.
fn is_scope(element: &SourceElement) -> bool {
    element.is_root
        || (element.in_root
            && (element.has_attr("data-composition-id")
                || element.has_attr("data-composition-src")))
}

/// The members of each scope of the document: for each scope element, the elements whose
/// nearest scope ancestor it is.
fn scopes(file: &SourceFile) -> Vec<Vec<usize>> {
    let mut by_scope: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut order = Vec::new();
    for (index, element) in file.elements.iter().enumerate() {
        if !element.in_root {
            continue;
        }
        let mut parent = element.parent;
        while let Some(at) = parent {
            if is_scope(&file.elements[at]) {
                break;
            }
            parent = file.elements[at].parent;
        }
        if let Some(scope) = parent {
            if !by_scope.contains_key(&scope) {
                order.push(scope);
            }
            by_scope.entry(scope).or_default().push(index);
        }
    }
    order
        .into_iter()
        .map(|scope| by_scope.remove(&scope).unwrap_or_default())
        .collect()
}

struct Resolver<'a> {
    file: &'a SourceFile,
    by_id: HashMap<&'a str, usize>,
    windows: HashMap<usize, Option<Window>>,
    visiting: Vec<usize>,
    problems: Vec<Problem>,
}

impl<'a> Resolver<'a> {
    fn new(file: &'a SourceFile, members: &[usize]) -> Self {
        let mut by_id = HashMap::new();
        for &member in members {
            if let Some(id) = file.elements[member].attr("id") {
                by_id.entry(id).or_insert(member);
            }
        }
        Resolver {
            file,
            by_id,
            windows: HashMap::new(),
            visiting: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, rule: &'static crate::Rule, element: usize, message: String) {
        self.problems.push(Problem {
            rule,
            element,
            message,
        });
    }

    /// The window of `index`, `None` when it cannot be resolved (a problem is recorded).
    fn window(&mut self, index: usize) -> Option<Window> {
        if let Some(window) = self.windows.get(&index) {
            return *window;
        }
        let element = &self.file.elements[index];
        if let Some(at) = self.visiting.iter().position(|&visiting| visiting == index) {
            let chain: Vec<String> = self.visiting[at..]
                .iter()
                .chain(std::iter::once(&index))
                .map(|&member| self.file.elements[member].describe.clone())
                .collect();
            self.problem(
                &START_REFERENCE_CYCLE,
                index,
                format!("data-start references form a cycle: {}", chain.join(" → ")),
            );
            return None;
        }
        self.visiting.push(index);
        let window = self.resolve(index, element);
        self.visiting.pop();
        self.windows.insert(index, window);
        window
    }

    fn resolve(&mut self, index: usize, element: &'a SourceElement) -> Option<Window> {
        static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^([A-Za-z_][\w.:-]*?)\s*(?:([+-])\s*(\d+(?:\.\d+)?|\.\d+))?$")
                .expect("should compile")
        });
        let mut start = 0.0;
        if let Some(raw) = element
            .attr("data-start")
            .map(str::trim)
            .filter(|raw| !raw.is_empty())
        {
            if let Ok(seconds) = raw.parse::<f64>() {
                if !seconds.is_finite() || seconds < 0.0 {
                    let message = format!(
                        "{} has data-start=\"{raw}\": a start cannot be negative",
                        element.describe
                    );
                    self.problem(&START_INVALID, index, message);
                    return None;
                }
                start = seconds;
            } else if element.has_attr("data-transition") {
                let message = format!(
                    "{} declares data-transition, so its data-start=\"{raw}\" must be a number of seconds",
                    element.describe
                );
                self.problem(&START_INVALID, index, message);
                return None;
            } else if let Some(captures) = REFERENCE.captures(raw) {
                let id = captures.get(1).map_or("", |id| id.as_str());
                let amount: f64 = captures
                    .get(3)
                    .and_then(|n| n.as_str().parse().ok())
                    .unwrap_or(0.0);
                let offset = if captures.get(2).is_some_and(|sign| sign.as_str() == "-") {
                    -amount
                } else {
                    amount
                };
                let target = self
                    .by_id
                    .get(id)
                    .copied()
                    .filter(|&target| target != index);
                let Some(target) = target else {
                    // `scene-1` reads as `scene` minus one second, as in the page.
                    let hint = if self.by_id.contains_key(raw) {
                        format!(
                            " (\"{raw}\" reads as \"{id}\" {}: rename the clip so its id does not end in -<number> or +<number>)",
                            &raw[id.len()..].trim()
                        )
                    } else {
                        String::new()
                    };
                    let message = format!(
                        "{} has data-start=\"{raw}\", but no clip in the same composition has id \"{id}\"{hint}",
                        element.describe
                    );
                    self.problem(&START_UNKNOWN_REFERENCE, index, message);
                    return None;
                };
                let anchor = self.window(target)?;
                start = (anchor.end.unwrap_or(anchor.start) + offset).max(0.0);
            } else {
                let message = format!(
                    "{} has data-start=\"{raw}\", which is neither seconds nor a clip reference",
                    element.describe
                );
                self.problem(&START_INVALID, index, message);
                return None;
            }
        }
        let seconds = |name: &str| {
            element
                .attr(name)
                .map(str::trim)
                .filter(|raw| !raw.is_empty())
                .map(|raw| (raw, raw.parse::<f64>().ok().filter(|s| s.is_finite())))
        };
        let end = match (seconds("data-duration"), seconds("data-end")) {
            // A duration of 0 or less means none, as in HyperFrames: the clip lasts to the end.
            (Some((_, Some(duration))), _) if duration <= 0.0 => None,
            (Some((_, Some(duration))), _) => Some(start + duration),
            (Some((raw, None)), _) => {
                let message = format!(
                    "{} has data-duration=\"{raw}\", which is not a number of seconds",
                    element.describe
                );
                self.problem(&START_INVALID, index, message);
                return None;
            }
            (None, Some((_, Some(end)))) => Some(start.max(end)),
            _ => None,
        };
        Some(Window { start, end })
    }
}

pub(super) fn check(findings: &mut Findings<'_>) {
    let file = &findings.project.entry;
    for members in scopes(file) {
        let mut resolver = Resolver::new(file, &members);
        let mut clips = Vec::new();
        for &member in &members {
            let element = &file.elements[member];
            if !element.is_clip {
                continue;
            }
            if let Some(window) = resolver.window(member) {
                clips.push((member, window));
            }
        }
        for problem in std::mem::take(&mut resolver.problems) {
            let offset = file.elements[problem.element].offset;
            findings.add(problem.rule, file, offset, problem.message);
        }
        overlaps(findings, file, &clips);
    }
}

/// Clips on one `data-track-index` whose windows overlap.
fn overlaps(findings: &mut Findings<'_>, file: &SourceFile, clips: &[(usize, Window)]) {
    let mut tracks: HashMap<&str, Vec<(usize, f64, f64)>> = HashMap::new();
    for &(member, window) in clips {
        let element = &file.elements[member];
        let (Some(track), Some(end)) = (element.attr("data-track-index"), window.end) else {
            continue;
        };
        let timed = element.has_attr("data-start") || element.has_attr("data-duration");
        if timed && end > window.start {
            tracks
                .entry(track.trim())
                .or_default()
                .push((member, window.start, end));
        }
    }
    let mut tracks: Vec<_> = tracks.into_iter().collect();
    tracks.sort_by_key(|(_, clips)| clips.first().map(|clip| clip.0));
    for (track, mut clips) in tracks {
        clips.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let mut latest: Option<(usize, f64, f64)> = None;
        for clip in clips {
            if let Some(previous) = latest.filter(|previous| clip.1 < previous.2 - 1e-6) {
                let (earlier, later) = (&file.elements[previous.0], &file.elements[clip.0]);
                let message = format!(
                    "{} ({}–{} s) overlaps {} ({}–{} s) on track {track}",
                    later.describe,
                    round(clip.1),
                    round(clip.2),
                    earlier.describe,
                    round(previous.1),
                    round(previous.2)
                );
                findings.add(&CLIP_OVERLAP, file, later.offset, message);
            }
            if latest.is_none_or(|previous| clip.2 > previous.2) {
                latest = Some(clip);
            }
        }
    }
}

fn round(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

/// The ends of the root scope's clips, `None` for those with no known end.
pub(super) fn root_scope_ends(file: &SourceFile) -> Vec<Option<f64>> {
    let Some(members) = scopes(file).into_iter().next() else {
        return Vec::new();
    };
    let mut resolver = Resolver::new(file, &members);
    members
        .iter()
        .filter(|&&member| file.elements[member].is_clip)
        .map(|&member| resolver.window(member).and_then(|window| window.end))
        .collect()
}
