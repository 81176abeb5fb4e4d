//! Frames arrive from N workers in any order; the encoder takes them strictly by index. The
//! window holds at most `capacity` frames ahead of the encoder's cursor: a worker asks for
//! admission before it captures frame `i` and waits while `i >= cursor + capacity`, so memory is
//! bounded by the window, never by the length of the video.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};

use tokio::sync::watch;

/// The window was closed (the render failed or was cancelled); stop producing frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowClosed;

#[derive(Debug)]
pub struct ReorderWindow<T> {
    capacity: u64,
    state: Mutex<State<T>>,
    arrived: Condvar,
    /// The encoder's cursor, published for workers waiting on admission; `u64::MAX` once closed.
    cursor: watch::Sender<u64>,
}

#[derive(Debug)]
struct State<T> {
    cursor: u64,
    pending: BTreeMap<u64, T>,
    closed: bool,
}

impl<T> ReorderWindow<T> {
    pub fn new(capacity: usize) -> Self {
        Self::starting_at(0, capacity)
    }

    /// A window whose first frame is `first` (a render of a range of frames).
    pub fn starting_at(first: u64, capacity: usize) -> Self {
        ReorderWindow {
            capacity: capacity.max(1) as u64,
            state: Mutex::new(State {
                cursor: first,
                pending: BTreeMap::new(),
                closed: false,
            }),
            arrived: Condvar::new(),
            cursor: watch::Sender::new(first),
        }
    }

    /// Waits until frame `index` fits in the window. This is the back-pressure point: a worker
    /// that runs ahead of the encoder waits here before doing any work on the frame.
    pub async fn admit(&self, index: u64) -> Result<(), WindowClosed> {
        let mut cursor = self.cursor.subscribe();
        let capacity = self.capacity;
        let admitted = cursor
            .wait_for(|&cursor| cursor == u64::MAX || index < cursor.saturating_add(capacity))
            .await
            .map_err(|_| WindowClosed)?;
        if *admitted == u64::MAX {
            return Err(WindowClosed);
        }
        Ok(())
    }

    /// Hands frame `index` to the window. Called from any thread.
    pub fn insert(&self, index: u64, frame: T) -> Result<(), WindowClosed> {
        let mut state = self.lock();
        if state.closed {
            return Err(WindowClosed);
        }
        debug_assert!(index >= state.cursor, "frame {index} was already consumed");
        state.pending.insert(index, frame);
        if index == state.cursor {
            self.arrived.notify_all();
        }
        Ok(())
    }

    /// Blocks until the frame at the cursor is available and returns it with its index. Called
    /// by the encoder thread only.
    pub fn next_blocking(&self) -> Result<(u64, T), WindowClosed> {
        let mut state = self.lock();
        loop {
            if state.closed {
                return Err(WindowClosed);
            }
            let cursor = state.cursor;
            if let Some(frame) = state.pending.remove(&cursor) {
                state.cursor += 1;
                drop(state);
                self.cursor.send_replace(cursor + 1);
                return Ok((cursor, frame));
            }
            state = self
                .arrived
                .wait(state)
                .expect("reorder window lock should not be poisoned");
        }
    }

    /// Closes the window: waiting workers and the encoder wake up with [`WindowClosed`], and
    /// frames still held are dropped.
    pub fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        state.pending.clear();
        drop(state);
        self.arrived.notify_all();
        self.cursor.send_replace(u64::MAX);
    }

    /// Frames held that the encoder has not taken yet.
    pub fn held(&self) -> usize {
        self.lock().pending.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state
            .lock()
            .expect("reorder window lock should not be poisoned")
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn out_of_order_frames_come_out_in_order() {
        let window = Arc::new(ReorderWindow::new(4));
        let consumer = {
            let window = Arc::clone(&window);
            std::thread::spawn(move || {
                (0..8)
                    .map(|_| window.next_blocking().unwrap())
                    .collect::<Vec<_>>()
            })
        };
        for index in [1u64, 0, 3, 2, 5, 4, 7, 6] {
            window.admit(index).await.unwrap();
            window.insert(index, index * 10).unwrap();
        }
        let frames = consumer.join().unwrap();
        assert_eq!(
            frames,
            (0..8).map(|index| (index, index * 10)).collect::<Vec<_>>()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_window_of_a_frame_range_starts_at_its_first_frame() {
        let window = ReorderWindow::starting_at(100, 2);
        window.admit(101).await.unwrap();
        window.insert(101, "b").unwrap();
        window.insert(100, "a").unwrap();
        assert_eq!(window.next_blocking().unwrap(), (100, "a"));
        assert_eq!(window.next_blocking().unwrap(), (101, "b"));
        // Frame 103 is admitted only once the cursor (102) leaves it inside the window.
        assert!(
            tokio::time::timeout(Duration::from_millis(50), window.admit(104))
                .await
                .is_err()
        );
        window.admit(103).await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_worker_ahead_of_the_window_waits_for_the_encoder() {
        let window = Arc::new(ReorderWindow::<u64>::new(2));
        window.admit(1).await.unwrap();
        let blocked = tokio::time::timeout(Duration::from_millis(100), window.admit(2)).await;
        assert!(
            blocked.is_err(),
            "frame 2 must wait while the cursor is at 0"
        );
        window.insert(0, 0).unwrap();
        assert_eq!(window.next_blocking().unwrap(), (0, 0));
        tokio::time::timeout(Duration::from_secs(1), window.admit(2))
            .await
            .expect("frame 2 fits once frame 0 is consumed")
            .unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn closing_wakes_everyone() {
        let window = Arc::new(ReorderWindow::<u64>::new(1));
        let consumer = {
            let window = Arc::clone(&window);
            std::thread::spawn(move || window.next_blocking())
        };
        let waiting = {
            let window = Arc::clone(&window);
            tokio::spawn(async move { window.admit(5).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        window.close();
        assert_eq!(consumer.join().unwrap(), Err(WindowClosed));
        assert_eq!(waiting.await.unwrap(), Err(WindowClosed));
        assert_eq!(window.insert(0, 1), Err(WindowClosed));
    }
}
