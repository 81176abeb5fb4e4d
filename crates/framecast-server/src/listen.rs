//! Where a server listens and how it stops, the same for the capture file server and the
//! preview: binding (one port, or the first free one of a range), the axum task with the
//! loopback `Host` check in front of every route, shutdown with a grace period, and a stop
//! signal when the handle is dropped.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::ServerError;
use crate::host_check::{AllowedHosts, check_host};

/// How long `shutdown` waits for open requests to finish before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A bound listener and the address it got.
pub(crate) struct Bound {
    listener: TcpListener,
    address: SocketAddr,
}

impl Bound {
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }
}

/// Binds `host` on the first free port of `first_port` and the `attempts - 1` ports after it.
/// Port 0 asks the system for any free port.
pub(crate) async fn bind(
    host: IpAddr,
    first_port: u16,
    attempts: u16,
) -> Result<Bound, ServerError> {
    let last = first_port.saturating_add(attempts.max(1) - 1);
    for port in first_port..=last {
        let requested = SocketAddr::new(host, port);
        match TcpListener::bind(requested).await {
            Ok(listener) => {
                let address = listener.local_addr().map_err(|source| ServerError::Bind {
                    address: requested,
                    source,
                })?;
                return Ok(Bound { listener, address });
            }
            // With a single port to try, its own error says more than "all taken".
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse && first_port < last => {
                tracing::debug!(port, "port taken; trying the next one");
            }
            Err(source) => {
                return Err(ServerError::Bind {
                    address: requested,
                    source,
                });
            }
        }
    }
    Err(ServerError::PortsTaken {
        host,
        first: first_port,
        last,
    })
}

/// A server running on the current tokio runtime. It stops on `shutdown`, or when dropped (then
/// without waiting for open requests).
pub(crate) struct ServerTask {
    address: SocketAddr,
    /// What the logs call the server.
    name: &'static str,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl ServerTask {
    /// Serves `app` on `bound`, behind the `Host` check of `allowed`. `on_stop` runs once the
    /// stop signal arrives, before open connections are waited for (the preview ends its event
    /// streams there, which would otherwise never finish).
    pub(crate) fn start(
        bound: Bound,
        allowed: AllowedHosts,
        app: Router,
        name: &'static str,
        on_stop: impl FnOnce() + Send + 'static,
    ) -> ServerTask {
        let Bound { listener, address } = bound;
        let app = app.layer(axum::middleware::from_fn_with_state(allowed, check_host));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // A dropped sender stops the server as well as an explicit signal.
                    let _ = stopped.await;
                    on_stop();
                })
                .await
        });
        tracing::debug!(%address, "{name} started");
        ServerTask {
            address,
            name,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops accepting connections, lets open requests finish for a moment, then returns.
    pub(crate) async fn shutdown(mut self) {
        let name = self.name;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else {
            return;
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(error))) => tracing::warn!(%error, "{name} stopped with an error"),
            Ok(Err(error)) => tracing::warn!(%error, "{name} task failed"),
            Err(_) => {
                tracing::debug!("{name}: connections still open after the grace period");
                task.abort();
            }
        }
        tracing::debug!(address = %self.address, "{name} stopped");
    }
}

impl Drop for ServerTask {
    fn drop(&mut self) {
        // Dropping the sender signals the graceful shutdown; the task ends on its own once the
        // open connections close.
        self.stop.take();
    }
}
