//! `FRAMECAST_MEMORY_REPORT=path framecast render …` writes, when the render ends, a JSON
//! account of framecast's own memory: each owner's peak and its share when the Rust heap
//! peaked (framecast-memory), the C libraries' heap peak and the process's resident peak,
//! sampled every 10 ms. `scripts/bench --memory` reads it; it is a developer's measurement.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use serde_json::json;

pub struct MemoryReport {
    path: PathBuf,
    sampler: framecast_memory::Sampler,
}

impl MemoryReport {
    /// Starts counting when `FRAMECAST_MEMORY_REPORT` names a file.
    pub fn from_env() -> Option<MemoryReport> {
        let path = std::env::var_os("FRAMECAST_MEMORY_REPORT")?;
        framecast_memory::activate();
        Some(MemoryReport {
            path: PathBuf::from(path),
            sampler: framecast_memory::Sampler::start(Duration::from_millis(10)),
        })
    }

    pub fn write(self) -> anyhow::Result<()> {
        let report = framecast_memory::report(Some(&self.sampler));
        let owners: serde_json::Map<String, serde_json::Value> = report
            .owners
            .iter()
            .map(|owner| {
                (
                    owner.owner.name().to_string(),
                    json!({"peak": owner.peak, "at_total_peak": owner.at_total_peak, "current": owner.current}),
                )
            })
            .collect();
        let text = json!({
            "rust_heap_peak": report.total_peak,
            "c_heap_peak": report.c_heap_peak,
            "rss_peak": report.rss_peak,
            "owners": owners,
        })
        .to_string();
        // Written beside the asked path and renamed over it, so a report is whole or absent.
        let folder = match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let context = || {
            format!(
                "cannot write FRAMECAST_MEMORY_REPORT {}",
                self.path.display()
            )
        };
        let mut file = tempfile::NamedTempFile::new_in(&folder).with_context(context)?;
        std::io::Write::write_all(&mut file, (text + "\n").as_bytes()).with_context(context)?;
        file.persist(&self.path).with_context(context)?;
        Ok(())
    }
}
