//! Stopping on Ctrl-C (SIGINT) or SIGTERM, the signal service managers, CI runners and `timeout`
//! send: the first one cancels the running work cleanly (Chrome closed, its profile removed,
//! nothing written at the destination); a second one exits at once. Chrome processes die with
//! framecast either way (parent-death signal).

use std::sync::atomic::{AtomicI32, Ordering};

use tokio::signal::unix::{SignalKind, signal};

/// POSIX signal numbers (the same on every Unix framecast runs on).
const SIGINT: i32 = 2;
const SIGTERM: i32 = 15;

/// The signal that stopped the work, 0 while none has arrived.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// The exit code of a command stopped by a signal: 128 + its number, as shells expect (130 for
/// Ctrl-C, 143 for SIGTERM).
pub(crate) fn exit_code() -> u8 {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => 130,
        signal => u8::try_from(128 + signal).unwrap_or(130),
    }
}

/// Watches for SIGINT and SIGTERM: the first calls `announce` and `cancel`, the second exits.
pub(crate) fn watch(
    cancel: framecast_render::CancelFlag,
    announce: impl Fn(&str) + Send + 'static,
) {
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return;
    };
    tokio::spawn(async move {
        let first = next_signal(&mut interrupt, &mut terminate).await;
        RECEIVED.store(first, Ordering::SeqCst);
        announce("stopping: finishing cleanly (press Ctrl-C again to stop at once)");
        cancel.cancel();
        let second = next_signal(&mut interrupt, &mut terminate).await;
        std::process::exit(128 + second);
    });
}

async fn next_signal(
    interrupt: &mut tokio::signal::unix::Signal,
    terminate: &mut tokio::signal::unix::Signal,
) -> i32 {
    tokio::select! {
        _ = interrupt.recv() => SIGINT,
        _ = terminate.recv() => SIGTERM,
    }
}
