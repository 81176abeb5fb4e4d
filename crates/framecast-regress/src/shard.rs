//! Splitting fixtures into CI shards of about equal run time.
//!
//! Each fixture's recorded time comes from `regression/timings.json` (written by
//! `--update-timings`). Fixtures are packed longest first, each into the shard with the least
//! time so far (longest-processing-time bin packing, within 4/3 of the best split). A fixture
//! with no recorded time is packed with the median of the recorded times as its estimate, so it
//! still lands in exactly one shard and the split stays deterministic.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use crate::RegressError;

/// `--shard I/N`: the I-th (1-based) of N shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: usize,
    pub count: usize,
}

impl FromStr for ShardSpec {
    type Err = RegressError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| RegressError::BadShard {
            value: value.to_string(),
            reason: reason.to_string(),
        };
        let (index, count) = value
            .split_once('/')
            .ok_or_else(|| bad("use I/N, e.g. 1/2"))?;
        let index: usize = index.trim().parse().map_err(|_| bad("I is not a number"))?;
        let count: usize = count.trim().parse().map_err(|_| bad("N is not a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(bad("I must be from 1 to N, and N at least 1"));
        }
        Ok(ShardSpec { index, count })
    }
}

/// Recorded seconds per fixture id, as stored in `regression/timings.json`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings(pub BTreeMap<String, f64>);

impl Timings {
    /// Reads the file; a missing file is an empty record (every fixture gets the same estimate).
    pub fn load(path: &Path) -> Result<Self, RegressError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Timings::default());
            }
            Err(source) => {
                return Err(RegressError::Io {
                    path: path.to_path_buf(),
                    action: "reading",
                    source,
                });
            }
        };
        let seconds: BTreeMap<String, f64> =
            serde_json::from_str(&text).map_err(|error| RegressError::Timings {
                path: path.to_path_buf(),
                reason: format!("expected an object of fixture name to seconds: {error}"),
            })?;
        if let Some((name, value)) = seconds.iter().find(|(_, s)| !(s.is_finite() && **s >= 0.0)) {
            return Err(RegressError::Timings {
                path: path.to_path_buf(),
                reason: format!("{name} has {value} seconds"),
            });
        }
        Ok(Timings(seconds))
    }

    /// Writes the record, one fixture per line, sorted, so diffs of the committed file are small.
    pub fn save(&self, path: &Path) -> Result<(), RegressError> {
        let rounded: BTreeMap<&str, f64> = self
            .0
            .iter()
            .map(|(name, seconds)| (name.as_str(), (seconds * 10.0).round() / 10.0))
            .collect();
        let mut text = serde_json::to_string_pretty(&rounded).expect("a map of numbers serialises");
        text.push('\n');
        std::fs::write(path, text).map_err(|source| RegressError::Io {
            path: path.to_path_buf(),
            action: "writing",
            source,
        })
    }

    /// The estimate for fixtures with no record: the median recorded time, 1 s with none.
    fn default_estimate(&self) -> f64 {
        let mut values: Vec<f64> = self.0.values().copied().collect();
        if values.is_empty() {
            return 1.0;
        }
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    }

    pub fn estimate(&self, id: &str) -> f64 {
        self.0
            .get(id)
            .copied()
            .unwrap_or_else(|| self.default_estimate())
    }
}

/// Splits `ids` into `count` shards by longest-processing-time packing. Every id lands in
/// exactly one shard; each shard's ids come back sorted by name.
pub fn pack_shards(ids: &[String], timings: &Timings, count: usize) -> Vec<Vec<String>> {
    let count = count.max(1);
    let mut order: Vec<(&String, f64)> = ids.iter().map(|id| (id, timings.estimate(id))).collect();
    // Longest first; ties by name so the split never depends on the input order.
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut shards: Vec<(f64, Vec<String>)> = vec![(0.0, Vec::new()); count];
    for (id, seconds) in order {
        let lightest = shards
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.0.total_cmp(&b.1.0).then_with(|| a.0.cmp(&b.0)))
            .map(|(index, _)| index)
            .expect("there is at least one shard");
        shards[lightest].0 += seconds;
        shards[lightest].1.push(id.clone());
    }
    shards
        .into_iter()
        .map(|(_, mut ids)| {
            ids.sort();
            ids
        })
        .collect()
}

/// The ids of shard `spec` of `ids`.
pub fn select_shard(ids: &[String], timings: &Timings, spec: ShardSpec) -> Vec<String> {
    pack_shards(ids, timings, spec.count).swap_remove(spec.index - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    fn timings(pairs: &[(&str, f64)]) -> Timings {
        Timings(
            pairs
                .iter()
                .map(|(name, seconds)| (name.to_string(), *seconds))
                .collect(),
        )
    }

    fn load(shard: &[String], timings: &Timings) -> f64 {
        shard.iter().map(|id| timings.estimate(id)).sum()
    }

    #[test]
    fn every_fixture_lands_in_exactly_one_shard() {
        let all = ids(&["a", "b", "c", "d", "e", "f", "g", "new-1", "new-2"]);
        let recorded = timings(&[("a", 9.0), ("b", 1.0), ("c", 4.0), ("d", 2.0), ("g", 7.0)]);
        for count in 1..=5 {
            let shards = pack_shards(&all, &recorded, count);
            assert_eq!(shards.len(), count);
            let mut seen: Vec<String> = shards.concat();
            seen.sort();
            assert_eq!(seen, all, "{count} shards");
        }
    }

    #[test]
    fn shards_are_balanced_by_recorded_time() {
        let all = ids(&["a", "b", "c", "d", "e", "f"]);
        let recorded = timings(&[
            ("a", 8.0),
            ("b", 7.0),
            ("c", 6.0),
            ("d", 5.0),
            ("e", 4.0),
            ("f", 2.0),
        ]);
        let shards = pack_shards(&all, &recorded, 2);
        // LPT: a(8) -> 0, b(7) -> 1, c(6) -> 1 (13), d(5) -> 0 (13), e(4) -> 0 (17), f(2) -> 1 (15).
        assert_eq!(shards[0], ids(&["a", "d", "e"]));
        assert_eq!(shards[1], ids(&["b", "c", "f"]));
        let (first, second) = (load(&shards[0], &recorded), load(&shards[1], &recorded));
        assert!((first - second).abs() <= 2.0, "{first} vs {second}");
        // A name-sorted split would have been 21 vs 11.
    }

    #[test]
    fn one_long_fixture_gets_a_shard_of_its_own() {
        let all = ids(&["long", "s1", "s2", "s3", "s4"]);
        let recorded = timings(&[
            ("long", 20.0),
            ("s1", 2.0),
            ("s2", 2.0),
            ("s3", 2.0),
            ("s4", 2.0),
        ]);
        let shards = pack_shards(&all, &recorded, 2);
        assert_eq!(shards[0], ids(&["long"]));
        assert_eq!(shards[1], ids(&["s1", "s2", "s3", "s4"]));
    }

    #[test]
    fn missing_timings_get_the_median_and_a_deterministic_shard() {
        let all = ids(&["a", "b", "c", "unknown"]);
        let recorded = timings(&[("a", 1.0), ("b", 3.0), ("c", 10.0)]);
        assert_eq!(recorded.estimate("unknown"), 3.0);
        let first = pack_shards(&all, &recorded, 3);
        let mut reversed = all.clone();
        reversed.reverse();
        assert_eq!(pack_shards(&reversed, &recorded, 3), first);
        assert_eq!(
            first
                .iter()
                .filter(|s| s.contains(&"unknown".into()))
                .count(),
            1
        );
    }

    #[test]
    fn shard_specs_parse_and_reject_nonsense() {
        assert_eq!(
            "2/3".parse::<ShardSpec>().unwrap(),
            ShardSpec { index: 2, count: 3 }
        );
        for bad in ["0/2", "3/2", "1/0", "x/2", "2"] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn timings_round_trip_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("timings.json");
        assert_eq!(Timings::load(&path).unwrap(), Timings::default());
        let recorded = timings(&[("a", 1.25), ("b", 30.0)]);
        recorded.save(&path).unwrap();
        let loaded = Timings::load(&path).unwrap();
        assert_eq!(loaded.estimate("a"), 1.3);
        assert_eq!(loaded.estimate("b"), 30.0);
    }
}
