//! Which local file answers a script URL of a public CDN. Compositions written for HyperFrames
//! load their libraries from jsDelivr, unpkg or cdnjs; a render has no network, so those URLs are
//! answered from the copies embedded in the binary (`framecast-assets`), whatever version the URL
//! names. Pure string work: nothing here touches the file system.

/// The npm packages whose CDN URLs are served locally.
const PACKAGES: &[Package] = &[
    Package {
        npm: "gsap",
        cdnjs: &["gsap"],
        cdnjs_dir: "dist",
        default_file: "dist/gsap.min.js",
    },
    Package {
        npm: "lottie-web",
        cdnjs: &["lottie-web", "bodymovin"],
        cdnjs_dir: "build/player",
        default_file: "build/player/lottie.min.js",
    },
    Package {
        npm: "three",
        cdnjs: &["three.js"],
        cdnjs_dir: "build",
        default_file: "build/three.min.js",
    },
    Package {
        npm: "animejs",
        cdnjs: &["animejs"],
        cdnjs_dir: "lib",
        default_file: "lib/anime.min.js",
    },
];

struct Package {
    npm: &'static str,
    /// The library's names on cdnjs, which flattens one directory of the package.
    cdnjs: &'static [&'static str],
    /// The package directory that cdnjs serves at the top of a version.
    cdnjs_dir: &'static str,
    /// The file a URL without a path names (jsDelivr and unpkg pick the package's browser build).
    default_file: &'static str,
}

/// A file inside an npm package, named by a CDN URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdnFile {
    /// The npm package (`gsap`).
    pub package: &'static str,
    /// The file inside the package (`dist/ScrollTrigger.min.js`).
    pub path: String,
    /// The version the URL asks for (`3.12.5`, `3`, `latest`, `r128`), if it names one.
    pub version: Option<String>,
}

/// The package file `url` names, if it is a jsDelivr, unpkg or cdnjs URL of a package framecast
/// serves locally. Query strings and fragments are ignored; a path that would leave the package
/// (`..`) names nothing.
pub fn cdn_file(url: &str) -> Option<CdnFile> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/')?;
    let file = match host.to_ascii_lowercase().as_str() {
        "cdn.jsdelivr.net" | "fastly.jsdelivr.net" | "gcore.jsdelivr.net" => {
            npm_path(path.strip_prefix("npm/")?)
        }
        "unpkg.com" => npm_path(path),
        "cdnjs.cloudflare.com" => cdnjs_path(path.strip_prefix("ajax/libs/")?),
        _ => None,
    }?;
    let safe = file
        .path
        .split('/')
        .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    safe.then_some(file)
}

/// `gsap@3.12.5/dist/gsap.min.js`, `gsap/dist/gsap.min.js` or `gsap@3`.
fn npm_path(path: &str) -> Option<CdnFile> {
    let (spec, file) = match path.split_once('/') {
        Some((spec, file)) => (spec, file.trim_end_matches('/')),
        None => (path, ""),
    };
    let (name, version) = match spec.split_once('@') {
        Some((name, version)) => (name, Some(version.to_string())),
        None => (spec, None),
    };
    let package = PACKAGES.iter().find(|package| package.npm == name)?;
    let path = if file.is_empty() {
        package.default_file.to_string()
    } else {
        file.to_string()
    };
    Some(CdnFile {
        package: package.npm,
        path,
        version,
    })
}

/// `gsap/3.12.5/ScrollTrigger.min.js`: cdnjs names the library, then the version, then a file
/// relative to the package directory it publishes.
fn cdnjs_path(path: &str) -> Option<CdnFile> {
    let mut parts = path.splitn(3, '/');
    let (library, version, file) = (parts.next()?, parts.next()?, parts.next()?);
    let package = PACKAGES
        .iter()
        .find(|package| package.cdnjs.contains(&library))?;
    if file.is_empty() {
        return None;
    }
    Some(CdnFile {
        package: package.npm,
        path: format!("{}/{file}", package.cdnjs_dir),
        version: Some(version.to_string()),
    })
}

/// Whether the installed version satisfies what a URL asked for: no version, `latest`, or a
/// prefix of the installed version at a component boundary (`3.12` for `3.12.5`).
pub fn version_matches(requested: Option<&str>, installed: &str) -> bool {
    let Some(requested) = requested else {
        return true;
    };
    let requested = requested.trim_start_matches(['^', '~', 'v']);
    requested == "latest"
        || requested == installed
        || installed
            .strip_prefix(requested)
            .is_some_and(|rest| rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(package: &'static str, path: &str, version: Option<&str>) -> Option<CdnFile> {
        Some(CdnFile {
            package,
            path: path.to_string(),
            version: version.map(str::to_string),
        })
    }

    #[test]
    fn maps_jsdelivr_urls() {
        assert_eq!(
            cdn_file("https://cdn.jsdelivr.net/npm/gsap@3.12.5/dist/gsap.min.js"),
            file("gsap", "dist/gsap.min.js", Some("3.12.5"))
        );
        assert_eq!(
            cdn_file("https://cdn.jsdelivr.net/npm/gsap@3.12/dist/ScrollTrigger.min.js?v=2"),
            file("gsap", "dist/ScrollTrigger.min.js", Some("3.12"))
        );
        assert_eq!(
            cdn_file("https://cdn.jsdelivr.net/npm/lottie-web"),
            file("lottie-web", "build/player/lottie.min.js", None)
        );
        assert_eq!(
            cdn_file("https://fastly.jsdelivr.net/npm/three@0.160.0/build/three.module.js"),
            file("three", "build/three.module.js", Some("0.160.0"))
        );
        assert_eq!(
            cdn_file(
                "https://cdn.jsdelivr.net/npm/three@0.160.0/examples/jsm/controls/OrbitControls.js"
            ),
            file(
                "three",
                "examples/jsm/controls/OrbitControls.js",
                Some("0.160.0")
            )
        );
    }

    #[test]
    fn maps_unpkg_urls() {
        assert_eq!(
            cdn_file("https://unpkg.com/animejs@3.2.1/lib/anime.min.js"),
            file("animejs", "lib/anime.min.js", Some("3.2.1"))
        );
        assert_eq!(
            cdn_file("https://unpkg.com/gsap/dist/MotionPathPlugin.min.js"),
            file("gsap", "dist/MotionPathPlugin.min.js", None)
        );
        assert_eq!(
            cdn_file("//unpkg.com/three@0.150.0"),
            file("three", "build/three.min.js", Some("0.150.0"))
        );
    }

    #[test]
    fn maps_cdnjs_urls_to_the_directory_cdnjs_publishes() {
        assert_eq!(
            cdn_file("https://cdnjs.cloudflare.com/ajax/libs/gsap/3.12.5/ScrollTrigger.min.js"),
            file("gsap", "dist/ScrollTrigger.min.js", Some("3.12.5"))
        );
        assert_eq!(
            cdn_file("https://cdnjs.cloudflare.com/ajax/libs/bodymovin/5.7.4/lottie.min.js"),
            file("lottie-web", "build/player/lottie.min.js", Some("5.7.4"))
        );
        assert_eq!(
            cdn_file("https://cdnjs.cloudflare.com/ajax/libs/three.js/r128/three.min.js"),
            file("three", "build/three.min.js", Some("r128"))
        );
        assert_eq!(
            cdn_file("https://cdnjs.cloudflare.com/ajax/libs/animejs/3.2.1/anime.min.js"),
            file("animejs", "lib/anime.min.js", Some("3.2.1"))
        );
    }

    #[test]
    fn other_urls_name_nothing() {
        for url in [
            "https://example.com/gsap.min.js",
            "https://cdn.jsdelivr.net/npm/react@18/umd/react.production.min.js",
            "https://cdn.jsdelivr.net/gh/greensock/GSAP/dist/gsap.min.js",
            "https://unpkg.com/gsap@3/../../etc/passwd",
            "https://cdnjs.cloudflare.com/ajax/libs/gsap/3.12.5/",
            "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js",
            "http://127.0.0.1:8080/npm/gsap@3/dist/gsap.min.js",
            "data:text/javascript,1",
        ] {
            assert_eq!(cdn_file(url), None, "{url}");
        }
    }

    #[test]
    fn every_default_file_is_embedded() {
        for package in PACKAGES {
            let path = format!("{}/{}", package.npm, package.default_file);
            assert!(
                framecast_assets::file(&path).is_some_and(|bytes| !bytes.is_empty()),
                "{path}"
            );
        }
    }

    #[test]
    fn versions_match_by_prefix_at_a_component_boundary() {
        assert!(version_matches(None, "3.15.0"));
        assert!(version_matches(Some("latest"), "3.15.0"));
        assert!(version_matches(Some("3"), "3.15.0"));
        assert!(version_matches(Some("^3.15"), "3.15.0"));
        assert!(version_matches(Some("3.15.0"), "3.15.0"));
        assert!(!version_matches(Some("3.1"), "3.15.0"));
        assert!(!version_matches(Some("3.12.5"), "3.15.0"));
        assert!(!version_matches(Some("r128"), "0.159.0"));
    }
}
