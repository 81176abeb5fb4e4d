//! The command line every capture Chrome starts with, and why each flag is there.

/// Flags that make rendering deterministic and keep Chrome from doing work a capture does not
/// need. Names are given with `--`, as Chrome's own command line takes them.
const COMMON: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-gpu",
    // One process per worker: renderer and display compositor run as threads of the browser
    // process. Each Chrome process maps the same ~100 MB of code and fonts, so on the heavy
    // benchmark page this roughly halves a worker's memory (RSS summed over its processes:
    // 400 MB against 710 MB; PSS 330 against 377 MB) and captures no slower (205 against 235 ms
    // per frame). A worker that crashes is restarted as a whole either way.
    "--single-process",
    "--no-zygote",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    "--disable-ipc-flooding-protection",
    "--disable-hang-monitor",
    "--disable-features=Translate,BackForwardCache,MediaRouter,OptimizationHints,PaintHolding,AcceptCHFrame,DialMediaRouteProvider,InterestFeedContentSuggestions,CalculateNativeWinOcclusion",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    "--mute-audio",
    "--hide-scrollbars",
    // The same glyph shapes and colours on every machine.
    "--font-render-hinting=none",
    "--force-color-profile=srgb",
    "--force-device-scale-factor=1",
    // A seeded V8 makes Math.random repeatable from the first script on.
    "--js-flags=--random-seed=1157",
    "--remote-debugging-port=0",
];

/// Nothing but the loopback server is reachable: every other host name fails to resolve at once
/// instead of waiting on a closed network. Dropped when the user allows the network.
const CLOSED_NETWORK: &str = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1";

/// Flags for BeginFrame control: the compositor draws only when told to, and a frame is only
/// produced after every stage (layout, paint, raster) has run, so a capture is never stale.
const BEGIN_FRAME: &[&str] = &[
    "--enable-begin-frame-control",
    "--run-all-compositor-stages-before-draw",
    "--disable-new-content-rendering-timeout",
    "--disable-threaded-animation",
    "--disable-threaded-scrolling",
    "--disable-checker-imaging",
    "--disable-image-animation-resync",
];

pub(crate) fn chrome_args(
    width: u32,
    height: u32,
    device_scale_factor: f64,
    begin_frame: bool,
    allow_network: bool,
    user_data_dir: &str,
) -> Vec<String> {
    let mut args: Vec<String> = COMMON.iter().map(|flag| (*flag).to_string()).collect();
    if !allow_network {
        args.push(CLOSED_NETWORK.to_string());
    }
    if begin_frame {
        args.extend(BEGIN_FRAME.iter().map(|flag| (*flag).to_string()));
    }
    args.push(format!("--window-size={width},{height}"));
    // BeginFrame screenshots are taken at the window's own scale: the metrics override alone
    // changes layout's devicePixelRatio but not the size of the captured surface.
    if device_scale_factor != 1.0 {
        args.push(format!("--force-device-scale-factor={device_scale_factor}"));
    }
    args.push(format!("--user-data-dir={user_data_dir}"));
    args.push("about:blank".to_string());
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_resolver_rule_goes_only_with_an_open_network() {
        let closed = chrome_args(320, 180, 1.0, true, false, "/profile");
        assert!(closed.iter().any(|flag| flag == CLOSED_NETWORK));
        let open = chrome_args(320, 180, 1.0, true, true, "/profile");
        assert!(
            !open
                .iter()
                .any(|flag| flag.starts_with("--host-resolver-rules"))
        );
        assert!(open.iter().any(|flag| flag == "--user-data-dir=/profile"));
    }
}
