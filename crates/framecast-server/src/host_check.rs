//! Refusing requests addressed to a name other than this machine's loopback, on both servers.
//!
//! A page on `http://evil.example.com` can point its own name at `127.0.0.1` (DNS rebinding)
//! and then read a loopback server as same-origin; the browser still sends `Host:
//! evil.example.com`. Answering only requests whose `Host` is a loopback name or the address
//! the server bound, with the server's port, closes that door, as Vite and webpack-dev-server
//! do. Chrome's capture requests use the server's own `http://127.0.0.1:PORT/` URL, so they
//! always pass. The preview's `--host NAME` adds a name its user chose.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The port a `Host` value without one means.
const HTTP_PORT: u16 = 80;

/// The `Host` names a server answers to.
#[derive(Debug, Clone)]
pub(crate) struct AllowedHosts {
    /// The address and port the server listens on.
    bound: SocketAddr,
    /// Names allowed besides the loopback ones (the preview's `--host NAME`), lower case.
    names: Arc<[String]>,
}

impl AllowedHosts {
    pub(crate) fn new(bound: SocketAddr, names: &[String]) -> Self {
        AllowedHosts {
            bound,
            names: names.iter().map(|name| name.to_ascii_lowercase()).collect(),
        }
    }

    /// Whether a request with this `Host` value (`name[:port]`) is answered: a loopback name or
    /// address, the bound address, or an added name, with the server's port.
    pub(crate) fn allows(&self, host: &str) -> bool {
        let Some((name, port)) = split_host(host) else {
            return false;
        };
        if port != self.bound.port() {
            return false;
        }
        if name.eq_ignore_ascii_case("localhost")
            || self
                .names
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(name))
        {
            return true;
        }
        let address = if host.starts_with('[') {
            name.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
        } else {
            name.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
        };
        // A server listening on every interface (`--host 0.0.0.0`) is reached by any of the
        // machine's addresses; an address literal cannot be rebound, only a name can.
        let bound = self.bound.ip();
        address.is_some_and(|address| {
            address.is_loopback() || address == bound || bound.is_unspecified()
        })
    }

    /// The `Host` values a refusal lists, as a person would type them.
    pub(crate) fn listing(&self) -> String {
        let port = self.bound.port();
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        if !self.bound.ip().is_loopback() && !self.bound.ip().is_unspecified() {
            hosts.push(self.bound.to_string());
        }
        hosts.extend(self.names.iter().map(|name| format!("{name}:{port}")));
        hosts.join(", ")
    }
}

/// The name and port of a `Host` value: `[::1]:80` gives `::1` and 80, `localhost` gives
/// `localhost` and 80. `None` when the port is not a number.
fn split_host(host: &str) -> Option<(&str, u16)> {
    let (name, port) = match host.strip_prefix('[') {
        Some(bracketed) => {
            let (name, after) = bracketed.split_once(']')?;
            match after {
                "" => (name, None),
                _ => (name, Some(after.strip_prefix(':')?)),
            }
        }
        None => match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let port = match port {
        None => HTTP_PORT,
        Some(port) if !port.is_empty() && port.bytes().all(|byte| byte.is_ascii_digit()) => {
            port.parse().ok()?
        }
        Some(_) => return None,
    };
    Some((name, port))
}

/// The middleware: a request without an allowed `Host` gets 403 and a line saying why and which
/// hosts are answered. One without any `Host` (HTTP/1.0) is refused too, unless its target
/// names the host.
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
        "refused a request not addressed to an allowed host"
    );
    let body = format!(
        "framecast refused this request: its Host header ({}) is not one this server answers to ({}). Other names are refused to protect against DNS rebinding; open the URL framecast printed instead, or add a name with --host.\n",
        host.unwrap_or("none"),
        allowed.listing()
    );
    (
        StatusCode::FORBIDDEN,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback(port: u16) -> AllowedHosts {
        AllowedHosts::new(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port), &[])
    }

    #[test]
    fn answers_loopback_names_with_the_servers_port() {
        let allowed = loopback(3002);
        for host in [
            "127.0.0.1:3002",
            "localhost:3002",
            "LocalHost:3002",
            "[::1]:3002",
            "127.0.0.2:3002",
        ] {
            assert!(allowed.allows(host), "{host}");
        }
        let on_80 = loopback(80);
        for host in ["127.0.0.1", "localhost", "[::1]", "localhost:80"] {
            assert!(on_80.allows(host), "{host}");
        }
    }

    #[test]
    fn refuses_other_names_other_ports_and_malformed_values() {
        let allowed = loopback(3002);
        for host in [
            "evil.example.com",
            "evil.example.com:3002",
            "localhost.evil.example.com:3002",
            "127.0.0.1.nip.io:3002",
            "localhost",
            "127.0.0.1:3003",
            "[::1]:80",
            "localhost:80x",
            "localhost:",
            "localhost:99999",
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
        let lan = AllowedHosts::new("192.168.1.5:3002".parse().unwrap(), &[]);
        assert!(lan.allows("192.168.1.5:3002"));
        assert!(!lan.allows("192.168.1.6:3002"));
        let all = AllowedHosts::new("0.0.0.0:3002".parse().unwrap(), &[]);
        assert!(all.allows("192.168.1.6:3002"));
        assert!(all.allows("[fe80::1]:3002"));
        assert!(!all.allows("evil.example.com:3002"));
    }

    #[test]
    fn an_added_name_is_answered_and_listed() {
        let allowed = AllowedHosts::new(
            "0.0.0.0:3002".parse().unwrap(),
            &["Studio.Local".to_string()],
        );
        assert!(allowed.allows("studio.local:3002"));
        assert!(allowed.allows("STUDIO.LOCAL:3002"));
        assert!(!allowed.allows("studio.local:3003"));
        assert!(!allowed.allows("other.local:3002"));
        assert_eq!(
            allowed.listing(),
            "127.0.0.1:3002, localhost:3002, [::1]:3002, studio.local:3002"
        );
        let lan = AllowedHosts::new("192.168.1.5:3002".parse().unwrap(), &[]);
        assert!(lan.listing().ends_with(", 192.168.1.5:3002"));
    }
}
