//! Refusing requests addressed to a name other than this machine's loopback, on both servers.
//!
//! A page on `http://evil.example.com` can point its own name at `127.0.0.1` (DNS rebinding)
//! and then read a loopback server as same-origin; the browser still sends `Host:
//! evil.example.com`. Answering only requests whose `Host` is a loopback name or the address
//! the server bound closes that door, as Vite and webpack-dev-server do. Chrome's capture
//! requests use the server's own `http://127.0.0.1:PORT/` URL, so they always pass.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const REFUSAL: &str = "framecast refused this request: its Host header does not name this machine by a loopback address (127.0.0.1, localhost or [::1]). Other names are refused to protect against DNS rebinding; open the URL framecast printed instead.\n";

/// The `Host` names a server answers to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AllowedHosts {
    /// The address the server listens on.
    bound: IpAddr,
}

impl AllowedHosts {
    pub(crate) fn new(bound: IpAddr) -> Self {
        AllowedHosts { bound }
    }

    /// Whether a request with this `Host` value (`name[:port]`) is answered. The port is not
    /// compared: rebinding changes the name, never the port.
    pub(crate) fn allows(&self, host: &str) -> bool {
        let Some(name) = name_of(host) else {
            return false;
        };
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        let address = if host.starts_with('[') {
            name.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
        } else {
            name.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
        };
        // A server listening on every interface (`--host 0.0.0.0`) is reached by any of the
        // machine's addresses; an address literal cannot be rebound, only a name can.
        address.is_some_and(|address| {
            address.is_loopback() || address == self.bound || self.bound.is_unspecified()
        })
    }
}

/// The name part of a `Host` value: `[::1]:80` gives `::1`, `localhost:80` gives `localhost`.
/// `None` when the port is not a number.
fn name_of(host: &str) -> Option<&str> {
    let (name, port) = match host.strip_prefix('[') {
        Some(bracketed) => {
            let (name, after) = bracketed.split_once(']')?;
            match after {
                "" => (name, ""),
                _ => (name, after.strip_prefix(':')?),
            }
        }
        None => match host.split_once(':') {
            Some((name, port)) => (name, port),
            None => (host, ""),
        },
    };
    port.bytes()
        .all(|byte| byte.is_ascii_digit())
        .then_some(name)
}

/// The middleware: a request without a loopback `Host` gets 403 and a line saying why. One
/// without any `Host` (HTTP/1.0) is refused too, unless its target names the host.
pub(crate) async fn check_host(
    State(allowed): State<AllowedHosts>,
    request: Request,
    next: Next,
) -> Response {
    let host = match request.headers().get(HOST) {
        Some(value) => value.to_str().ok(),
        None => request
            .uri()
            .authority()
            .map(|authority| authority.as_str()),
    };
    if host.is_some_and(|host| allowed.allows(host)) {
        return next.run(request).await;
    }
    tracing::warn!(
        host = host.unwrap_or("(none)"),
        path = request.uri().path(),
        "refused a request not addressed to a loopback name"
    );
    (
        StatusCode::FORBIDDEN,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        REFUSAL,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_loopback_names_with_or_without_a_port() {
        let allowed = AllowedHosts::new(IpAddr::V4(Ipv4Addr::LOCALHOST));
        for host in [
            "127.0.0.1",
            "127.0.0.1:3002",
            "localhost",
            "LocalHost:80",
            "[::1]",
            "[::1]:3002",
            "127.0.0.2:1",
        ] {
            assert!(allowed.allows(host), "{host}");
        }
    }

    #[test]
    fn refuses_other_names_and_malformed_values() {
        let allowed = AllowedHosts::new(IpAddr::V4(Ipv4Addr::LOCALHOST));
        for host in [
            "evil.example.com",
            "evil.example.com:3002",
            "localhost.evil.example.com",
            "127.0.0.1.nip.io",
            "localhost:80x",
            "[::1",
            "[::1]x",
            "::1",
            "192.168.1.5:3002",
            "",
        ] {
            assert!(!allowed.allows(host), "{host}");
        }
    }

    #[test]
    fn answers_the_bound_address_and_any_address_literal_when_bound_to_all() {
        let lan = AllowedHosts::new(IpAddr::V4(Ipv4Addr::new(192, 168, 1, 5)));
        assert!(lan.allows("192.168.1.5:3002"));
        assert!(!lan.allows("192.168.1.6:3002"));
        let all = AllowedHosts::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert!(all.allows("192.168.1.6:3002"));
        assert!(all.allows("[fe80::1]:3002"));
        assert!(!all.allows("evil.example.com:3002"));
    }
}
