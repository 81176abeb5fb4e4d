//! Outside assets a composition names (a Google Fonts stylesheet and its font files, an image or
//! a video on a CDN), fetched once into a content-addressed cache and served to every page of a
//! render from it, so that every worker and every later render sees the same bytes.
//!
//! The cache lives in `<cache dir>/remote/`: `objects/<sha256>` holds each body, and
//! `urls/<sha256 of the URL>.json` records which body a URL answered with and its content type.
//! A URL in the cache is never fetched again (delete the folder to refresh it). Both kinds of
//! file are written under a temporary name and renamed into place, so a render stopped half-way
//! leaves no entry that looks complete.
//!
//! Which URLs are assets is the composition's business (`framecast-composition/src/remote.rs`);
//! what a render does when one cannot be fetched is the render's (`framecast-render`).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The most an asset may weigh: a long 4K clip, not an endless stream.
const MAX_ASSET_BYTES: u64 = 4 << 30;

/// What Google Fonts answers depends on the browser asking: this is the Chrome that renders, so
/// the stylesheet names WOFF2 files split by unicode range, as Chrome would get them.
const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                          Chrome/120.0.0.0 Safari/537.36";

/// One fetched asset in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFile {
    pub url: String,
    /// The body in the cache.
    pub path: PathBuf,
    pub content_type: String,
    /// Hex SHA-256 of the body: the object's name.
    pub sha256: String,
}

impl RemoteFile {
    /// A stylesheet, whose own references are assets too.
    pub fn is_css(&self) -> bool {
        self.content_type
            .split(';')
            .next()
            .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("text/css"))
    }
}

/// The outside assets a page may load, by URL: those in the cache, and those that could not be
/// fetched (the page's requests for them fail, as a browser offline fails them).
#[derive(Debug, Clone, Default)]
pub struct RemoteAssets {
    files: HashMap<String, Arc<RemoteFile>>,
    unavailable: HashMap<String, String>,
}

impl RemoteAssets {
    pub fn insert(&mut self, file: RemoteFile) {
        self.files.insert(file.url.clone(), Arc::new(file));
    }

    /// Records a URL that could not be fetched, with why.
    pub fn insert_unavailable(&mut self, url: &str, reason: &str) {
        self.unavailable.insert(url.to_string(), reason.to_string());
    }

    pub fn get(&self, url: &str) -> Option<&Arc<RemoteFile>> {
        self.files.get(url)
    }

    /// The URLs that could not be fetched, sorted.
    pub fn unavailable_urls(&self) -> Vec<String> {
        let mut urls: Vec<String> = self.unavailable.keys().cloned().collect();
        urls.sort();
        urls
    }

    pub fn is_unavailable(&self, url: &str) -> bool {
        self.unavailable.contains_key(url)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The index entry of one URL.
#[derive(Debug, Serialize, Deserialize)]
struct IndexEntry {
    url: String,
    sha256: String,
    content_type: String,
}

/// The remote-asset cache, and the network when the render may use it.
#[derive(Debug)]
pub struct RemoteCache {
    root: PathBuf,
    agent: Option<ureq::Agent>,
}

impl RemoteCache {
    /// The cache below `cache_dir`; `offline` never touches the network, only the cache.
    pub fn open(cache_dir: &Path, offline: bool) -> RemoteCache {
        let agent = (!offline).then(|| {
            ureq::AgentBuilder::new()
                .timeout_connect(Duration::from_secs(10))
                .timeout_read(Duration::from_secs(30))
                .user_agent(USER_AGENT)
                .build()
        });
        RemoteCache {
            root: cache_dir.join("remote"),
            agent,
        }
    }

    /// The asset at `url`: from the cache when it is there, else fetched and stored. The error
    /// says why in a few words (`HTTP 404`, `offline and not in the cache`, a transport error).
    /// Blocks on the network and the file system.
    pub fn get(&self, url: &str) -> Result<RemoteFile, String> {
        if let Some(file) = self.cached(url) {
            return Ok(file);
        }
        let Some(agent) = &self.agent else {
            return Err(format!(
                "not in the remote-asset cache ({}) and the render is offline",
                self.root.display()
            ));
        };
        self.fetch(agent, url)
    }

    fn index_path(&self, url: &str) -> PathBuf {
        self.root
            .join("urls")
            .join(format!("{}.json", hex(&Sha256::digest(url.as_bytes()))))
    }

    fn object_path(&self, sha256: &str) -> PathBuf {
        self.root.join("objects").join(sha256)
    }

    /// The cached entry of `url`, if its index entry and object are both there and intact.
    fn cached(&self, url: &str) -> Option<RemoteFile> {
        let entry: IndexEntry =
            serde_json::from_slice(&std::fs::read(self.index_path(url)).ok()?).ok()?;
        if entry.url != url {
            return None;
        }
        let path = self.object_path(&entry.sha256);
        let mut hasher = Sha256::new();
        std::io::copy(&mut std::fs::File::open(&path).ok()?, &mut hasher).ok()?;
        if hex(&hasher.finalize()) != entry.sha256 {
            tracing::warn!(
                "the cached copy of {url} ({}) is damaged; fetching it again",
                path.display()
            );
            return None;
        }
        Some(RemoteFile {
            url: url.to_string(),
            path,
            content_type: entry.content_type,
            sha256: entry.sha256,
        })
    }

    fn fetch(&self, agent: &ureq::Agent, url: &str) -> Result<RemoteFile, String> {
        let response = agent.get(url).call().map_err(|error| match error {
            ureq::Error::Status(status, response) => {
                format!("HTTP {status} {}", response.status_text())
            }
            ureq::Error::Transport(transport) => transport.to_string(),
        })?;
        let content_type = response
            .header("Content-Type")
            .unwrap_or("application/octet-stream")
            .to_string();
        let objects = self.root.join("objects");
        create_dir(&objects)?;
        let mut temporary = tempfile::Builder::new()
            .prefix(".incoming-")
            .tempfile_in(&objects)
            .map_err(|error| format!("cannot write in {}: {error}", objects.display()))?;
        let mut hasher = Sha256::new();
        let mut body = response.into_reader().take(MAX_ASSET_BYTES + 1);
        let mut buffer = vec![0u8; 1 << 16];
        let mut size = 0u64;
        loop {
            let read = body
                .read(&mut buffer)
                .map_err(|error| format!("reading the response: {error}"))?;
            if read == 0 {
                break;
            }
            size += read as u64;
            if size > MAX_ASSET_BYTES {
                return Err(format!("larger than {} GiB", MAX_ASSET_BYTES >> 30));
            }
            hasher.update(&buffer[..read]);
            temporary
                .write_all(&buffer[..read])
                .map_err(|error| format!("writing {}: {error}", objects.display()))?;
        }
        let sha256 = hex(&hasher.finalize());
        let path = self.object_path(&sha256);
        temporary
            .persist(&path)
            .map_err(|error| format!("storing {}: {}", path.display(), error.error))?;
        let entry = IndexEntry {
            url: url.to_string(),
            sha256: sha256.clone(),
            content_type: content_type.clone(),
        };
        self.write_index(url, &entry)?;
        tracing::info!("fetched {url} ({size} bytes) into {}", path.display());
        Ok(RemoteFile {
            url: url.to_string(),
            path,
            content_type,
            sha256,
        })
    }

    fn write_index(&self, url: &str, entry: &IndexEntry) -> Result<(), String> {
        let urls = self.root.join("urls");
        create_dir(&urls)?;
        let json = serde_json::to_vec_pretty(entry).expect("an index entry serialises");
        let mut temporary = tempfile::Builder::new()
            .prefix(".incoming-")
            .tempfile_in(&urls)
            .map_err(|error| format!("cannot write in {}: {error}", urls.display()))?;
        temporary
            .write_all(&json)
            .map_err(|error| format!("writing {}: {error}", urls.display()))?;
        let path = self.index_path(url);
        temporary
            .persist(&path)
            .map_err(|error| format!("storing {}: {}", path.display(), error.error))?;
        Ok(())
    }
}

fn create_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|error| format!("cannot create {}: {error}", dir.display()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-file HTTP server on loopback that answers every request with `body`, counting
    /// requests; stops when dropped with the test.
    fn serve(
        body: &'static [u8],
        content_type: &'static str,
    ) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = Arc::clone(&count);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let status = if request.starts_with(b"GET /missing") {
                    "404 Not Found"
                } else {
                    "200 OK"
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body);
            }
        });
        (format!("http://{address}"), count)
    }

    #[test]
    fn an_asset_is_fetched_once_and_then_served_from_the_cache() {
        let (origin, requests) = serve(b"body { color: red }", "text/css; charset=utf-8");
        let dir = tempfile::tempdir().unwrap();
        let url = format!("{origin}/sheet.css");
        let first = RemoteCache::open(dir.path(), false).get(&url).unwrap();
        assert!(first.is_css());
        assert_eq!(std::fs::read(&first.path).unwrap(), b"body { color: red }");
        assert_eq!(
            first.sha256,
            hex(&Sha256::digest(b"body { color: red }")),
            "objects are named by their content"
        );
        // Offline, the cached copy still answers; no second request is made.
        let again = RemoteCache::open(dir.path(), true).get(&url).unwrap();
        assert_eq!(again, first);
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
        // No temporary file is left beside the objects.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("remote/objects"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from(&first.sha256)]);
    }

    #[test]
    fn failures_say_why() {
        let (origin, _) = serve(b"", "text/plain");
        let dir = tempfile::tempdir().unwrap();
        let cache = RemoteCache::open(dir.path(), false);
        let missing = cache.get(&format!("{origin}/missing.png")).unwrap_err();
        assert!(missing.starts_with("HTTP 404"), "{missing}");
        let offline = RemoteCache::open(dir.path(), true)
            .get(&format!("{origin}/never.png"))
            .unwrap_err();
        assert!(offline.contains("offline"), "{offline}");
    }

    #[test]
    fn a_damaged_object_is_fetched_again() {
        let (origin, requests) = serve(b"abc", "image/png");
        let dir = tempfile::tempdir().unwrap();
        let url = format!("{origin}/a.png");
        let cache = RemoteCache::open(dir.path(), false);
        let file = cache.get(&url).unwrap();
        std::fs::write(&file.path, b"abd").unwrap();
        assert_eq!(cache.get(&url).unwrap(), file);
        assert_eq!(std::fs::read(&file.path).unwrap(), b"abc");
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
