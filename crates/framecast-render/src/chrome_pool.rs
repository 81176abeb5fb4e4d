//! Chrome processes kept between the renders of one batch (`framecast render --batch`): a
//! render's workers take an idle Chrome that was started with the same window, scale, capture
//! mode and network rules instead of starting one, open their page in it, and give it back
//! when the render is done (the page closed). A Chrome that failed, hung or exited is never
//! given back. Dropping the pool kills what is idle in it.

use std::sync::Mutex;

use framecast_browser::{BrowserSession, LaunchOptions};

#[derive(Default)]
pub struct ChromePool {
    idle: Mutex<Vec<BrowserSession>>,
}

impl std::fmt::Debug for ChromePool {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "ChromePool({} idle)", self.idle())
    }
}

impl ChromePool {
    /// How many Chrome processes wait in the pool.
    pub fn idle(&self) -> usize {
        self.lock().len()
    }

    /// An idle, living Chrome that can serve `options`, ready for them.
    pub(crate) fn take(&self, options: &LaunchOptions) -> Option<BrowserSession> {
        let mut idle = self.lock();
        while let Some(at) = idle.iter().position(|session| session.can_serve(options)) {
            let mut session = idle.swap_remove(at);
            if session.has_exited() {
                continue;
            }
            session.adopt(options);
            tracing::debug!(
                "reusing Chrome (pid {}) from the batch's pool",
                session.pid()
            );
            return Some(session);
        }
        None
    }

    /// Keeps a healthy Chrome, its pages closed, for the next render.
    pub(crate) fn give(&self, session: BrowserSession) {
        self.lock().push(session);
    }

    /// Closes every idle Chrome.
    pub async fn close(&self) {
        let sessions: Vec<BrowserSession> = std::mem::take(&mut *self.lock());
        futures::future::join_all(sessions.into_iter().map(BrowserSession::close)).await;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<BrowserSession>> {
        self.idle
            .lock()
            .expect("the Chrome pool lock should not be poisoned")
    }
}
