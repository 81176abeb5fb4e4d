//! framecast's heap, accounted by owner: [`Counting`] is the binary's global allocator; each
//! allocation records the [`Owner`] its thread was working for (set with [`enter`] around a
//! stage's work) in a small header, so memory allocated by one stage and freed by another (a
//! decoded frame freed by the encoder) is counted where it was made. [`report`] gives each
//! owner's current and peak bytes, the breakdown at the moment the whole heap peaked, and,
//! from glibc, the peak of the heap the C libraries (x264, FFmpeg, libjpeg-turbo) allocated
//! outside Rust, sampled by [`Sampler`].
//!
//! This crate must not allocate inside the allocator and must stay free of framecast's other
//! crates: everything depends on it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

/// Who an allocation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Owner {
    /// Everything not inside a named stage: the runtime, DevTools messages, plans.
    Other = 0,
    /// Captures as Chrome sends them (base64 and the encoded image) until decoded.
    Capture = 1,
    /// Decoded frames: the decode buffers and the frames waiting in the reorder window.
    Decode = 2,
    /// Shader-transition blends: the two decoded layers, the output and the transition fields.
    Blend = 3,
    /// framecast's side of the encoder: colour conversion and packet buffers.
    Encoder = 4,
    /// `<video>` frames extracted, scaled and cached for the page.
    MediaFrames = 5,
    /// The mixed soundtrack and the decoded audio sources.
    Audio = 6,
}

/// Every owner, in report order.
pub const OWNERS: [Owner; 7] = [
    Owner::Other,
    Owner::Capture,
    Owner::Decode,
    Owner::Blend,
    Owner::Encoder,
    Owner::MediaFrames,
    Owner::Audio,
];

impl Owner {
    pub fn name(self) -> &'static str {
        match self {
            Owner::Other => "other",
            Owner::Capture => "capture",
            Owner::Decode => "decode",
            Owner::Blend => "blend",
            Owner::Encoder => "encoder",
            Owner::MediaFrames => "media_frames",
            Owner::Audio => "audio",
        }
    }
}

thread_local! {
    static CURRENT: Cell<u8> = const { Cell::new(0) };
}

/// Makes this thread's allocations `owner`'s until the guard is dropped.
pub fn enter(owner: Owner) -> OwnerGuard {
    let previous = CURRENT.with(|current| current.replace(owner as u8));
    OwnerGuard { previous }
}

/// Restores the thread's previous owner when dropped.
#[must_use = "the owner is only set while the guard lives"]
pub struct OwnerGuard {
    previous: u8,
}

impl Drop for OwnerGuard {
    fn drop(&mut self) {
        CURRENT.with(|current| current.set(self.previous));
    }
}

const COUNT: usize = OWNERS.len();
static CURRENT_BYTES: [AtomicI64; COUNT] = [const { AtomicI64::new(0) }; COUNT];
static PEAK_BYTES: [AtomicI64; COUNT] = [const { AtomicI64::new(0) }; COUNT];
static TOTAL: AtomicI64 = AtomicI64::new(0);
static TOTAL_PEAK: AtomicI64 = AtomicI64::new(0);
/// The owners' bytes when the total last reached a new peak (taken at most once per MiB of
/// growth, so the ramp-up does not take the lock on every allocation).
static AT_PEAK: Mutex<[i64; COUNT]> = Mutex::new([0; COUNT]);
static AT_PEAK_TAKEN: AtomicI64 = AtomicI64::new(0);
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The header before each allocation: its owner, in a slot as aligned as the allocation.
fn header(layout: Layout) -> usize {
    layout.align().max(16)
}

fn account(owner: u8, delta: i64) {
    let index = usize::from(owner).min(COUNT - 1);
    let now = CURRENT_BYTES[index].fetch_add(delta, Ordering::Relaxed) + delta;
    if delta <= 0 {
        TOTAL.fetch_add(delta, Ordering::Relaxed);
        return;
    }
    PEAK_BYTES[index].fetch_max(now, Ordering::Relaxed);
    let total = TOTAL.fetch_add(delta, Ordering::Relaxed) + delta;
    let previous = TOTAL_PEAK.fetch_max(total, Ordering::Relaxed);
    if total > previous
        && total - AT_PEAK_TAKEN.load(Ordering::Relaxed) >= 1 << 20
        && ACTIVE.load(Ordering::Relaxed)
    {
        // try_lock: a snapshot is never worth waiting for inside the allocator.
        if let Ok(mut at_peak) = AT_PEAK.try_lock() {
            for (slot, bytes) in at_peak.iter_mut().zip(&CURRENT_BYTES) {
                *slot = bytes.load(Ordering::Relaxed);
            }
            AT_PEAK_TAKEN.store(total, Ordering::Relaxed);
        }
    }
}

/// The global allocator that counts: `#[global_allocator] static A: Counting = Counting;`.
pub struct Counting;

// SAFETY: every method forwards to `System` with a layout grown by the header, and hands out
// the address just past the header, which keeps the caller's alignment (the header is a
// multiple of it). The owner byte lives in the header, inside the block `System` returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let head = header(layout);
        let Ok(grown) = Layout::from_size_align(layout.size() + head, layout.align()) else {
            return std::ptr::null_mut();
        };
        // SAFETY: `grown` has a non-zero size.
        let base = unsafe { System.alloc(grown) };
        if base.is_null() {
            return base;
        }
        let owner = CURRENT.try_with(Cell::get).unwrap_or(0);
        // SAFETY: `base` points to at least `head` bytes; the user block starts after them.
        unsafe {
            base.add(head - 1).write(owner);
            account(owner, layout.size() as i64);
            base.add(head)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let head = header(layout);
        // SAFETY: `ptr` came from `alloc` with this layout, so the block starts `head` before
        // it and holds the owner byte just before `ptr`.
        unsafe {
            let base = ptr.sub(head);
            account(base.add(head - 1).read(), -(layout.size() as i64));
            let grown = Layout::from_size_align_unchecked(layout.size() + head, layout.align());
            System.dealloc(base, grown);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let head = header(layout);
        // SAFETY: as in `dealloc`; `System.realloc` keeps the header's bytes, owner included,
        // and the block stays owned by whoever made it.
        unsafe {
            let base = ptr.sub(head);
            let owner = base.add(head - 1).read();
            let grown = Layout::from_size_align_unchecked(layout.size() + head, layout.align());
            let moved = System.realloc(base, grown, new_size + head);
            if moved.is_null() {
                return moved;
            }
            account(owner, new_size as i64 - layout.size() as i64);
            moved.add(head)
        }
    }
}

/// One owner's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnerBytes {
    pub owner: Owner,
    pub current: i64,
    pub peak: i64,
    /// Its bytes when the whole Rust heap was at its peak.
    pub at_total_peak: i64,
}

/// What [`report`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub owners: Vec<OwnerBytes>,
    pub total_peak: i64,
    /// The peak of what the C libraries held outside Rust's heap, sampled.
    pub c_heap_peak: i64,
    /// The peak resident set of the process, sampled.
    pub rss_peak: i64,
}

/// Turns on the breakdown at the total's peak (off until the process says it counts, so a
/// binary that never reports never takes the lock).
pub fn activate() {
    ACTIVE.store(true, Ordering::Relaxed);
}

/// The counters so far. Only meaningful when [`Counting`] is the global allocator.
pub fn report(sampler: Option<&Sampler>) -> Report {
    let at_peak = *AT_PEAK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let owners = OWNERS
        .iter()
        .enumerate()
        .map(|(index, &owner)| OwnerBytes {
            owner,
            current: CURRENT_BYTES[index].load(Ordering::Relaxed),
            peak: PEAK_BYTES[index].load(Ordering::Relaxed),
            at_total_peak: at_peak[index],
        })
        .collect();
    let (c_heap_peak, rss_peak) = sampler.map_or((0, 0), Sampler::peaks);
    Report {
        owners,
        total_peak: TOTAL_PEAK.load(Ordering::Relaxed),
        c_heap_peak,
        rss_peak,
    }
}

/// Samples, every few milliseconds on its own thread, the C heap (glibc's bytes in use
/// minus Rust's) and the resident set, keeping their peaks.
pub struct Sampler {
    peaks: std::sync::Arc<(AtomicI64, AtomicI64)>,
    stop: std::sync::Arc<AtomicBool>,
}

impl Sampler {
    pub fn start(every: Duration) -> Sampler {
        let peaks = std::sync::Arc::new((AtomicI64::new(0), AtomicI64::new(0)));
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let (thread_peaks, thread_stop) = (peaks.clone(), stop.clone());
        let _ = std::thread::Builder::new()
            .name("memory-sampler".to_string())
            .spawn(move || {
                while !thread_stop.load(Ordering::Relaxed) {
                    let (c_heap, rss) = sample();
                    thread_peaks.0.fetch_max(c_heap, Ordering::Relaxed);
                    thread_peaks.1.fetch_max(rss, Ordering::Relaxed);
                    std::thread::sleep(every);
                }
            });
        Sampler { peaks, stop }
    }

    fn peaks(&self) -> (i64, i64) {
        let (c_heap, rss) = sample();
        self.peaks.0.fetch_max(c_heap, Ordering::Relaxed);
        self.peaks.1.fetch_max(rss, Ordering::Relaxed);
        (
            self.peaks.0.load(Ordering::Relaxed),
            self.peaks.1.load(Ordering::Relaxed),
        )
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// (C heap bytes, resident bytes) now.
fn sample() -> (i64, i64) {
    // SAFETY: mallinfo2 takes no arguments and returns plain counters.
    let info = unsafe { libc::mallinfo2() };
    // Rust's blocks (and their headers) are inside glibc's in-use bytes.
    let in_use = (info.uordblks + info.hblkhd) as i64;
    let c_heap = (in_use - TOTAL.load(Ordering::Relaxed)).max(0);
    let rss = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<i64>().ok())
        // SAFETY: sysconf with a valid name.
        .map_or(0, |pages| {
            pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) }
        });
    (c_heap, rss)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[global_allocator]
    static ALLOCATOR: Counting = Counting;

    fn current(owner: Owner) -> i64 {
        report(None).owners[owner as usize].current
    }

    #[test]
    fn allocations_count_for_the_owner_that_made_them_wherever_they_are_freed() {
        activate();
        let before = current(Owner::Decode);
        let frame = {
            let _decode = enter(Owner::Decode);
            vec![0u8; 3 << 20]
        };
        assert_eq!(current(Owner::Decode) - before, 3 << 20);
        let freed_elsewhere = std::thread::spawn(move || drop(frame));
        freed_elsewhere.join().unwrap();
        assert_eq!(current(Owner::Decode), before);
        assert!(report(None).owners[Owner::Decode as usize].peak >= 3 << 20);

        // Growing keeps the maker; alignment is kept.
        let audio = current(Owner::Audio);
        let mut grown = {
            let _audio = enter(Owner::Audio);
            Vec::<u64>::with_capacity(16)
        };
        grown.extend(0..100_000u64);
        assert_eq!(current(Owner::Audio) - audio, grown.capacity() as i64 * 8);
        drop(grown);
        assert_eq!(current(Owner::Audio), audio);
        let aligned = Layout::from_size_align(4096, 4096).unwrap();
        // SAFETY: a non-zero layout, freed with the same layout.
        unsafe {
            let block = std::alloc::alloc(aligned);
            assert_eq!(block as usize % 4096, 0);
            std::alloc::dealloc(block, aligned);
        }
    }
}
