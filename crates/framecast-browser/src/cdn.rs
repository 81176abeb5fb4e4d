//! Which local file answers a script URL of a public CDN. Compositions written for HyperFrames
//! load their libraries from jsDelivr, unpkg or cdnjs; a render has no network, so those URLs are
//! answered from the copies embedded in the binary (`framecast-assets`), whatever version the URL
//! names, except that anime.js 4 URLs get the embedded anime.js 4 (its API is not 3's). Pure
//! string work: nothing here touches the file system.

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

/// The package anime.js 4 is embedded as (an npm alias beside anime.js 3, which `animejs` is).
const ANIME_4: &str = "animejs-4";

/// anime.js 4's browser bundles: `lib/` up to 4.1, `dist/bundles/` since (where the IIFE build
/// is gone and the UMD build, which sets the same `anime` global, takes its place).
const ANIME_4_BUNDLES: &str = "dist/bundles";
const ANIME_4_DEFAULT: &str = "dist/bundles/anime.umd.min.js";

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
    if package.npm == "animejs" && is_anime_4(version.as_deref(), file) {
        return Some(anime_4_file(file, version));
    }
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
    if package.npm == "animejs" && is_anime_4(Some(version), file) {
        return Some(anime_4_file(file, Some(version.to_string())));
    }
    Some(CdnFile {
        package: package.npm,
        path: format!("{}/{file}", package.cdnjs_dir),
        version: Some(version.to_string()),
    })
}

/// Whether an anime.js URL asks for version 4: its version's major component is 4, or it names
/// a file only anime.js 4 has (`dist/bundles/…`, the `iife`, `umd` and `esm` builds). A URL
/// without a version keeps anime.js 3's `lib/anime.min.js`, which 4 does not have.
fn is_anime_4(version: Option<&str>, file: &str) -> bool {
    let major = version.map(|version| {
        let version = version.trim_start_matches(['^', '~', 'v', '=']);
        version.split('.').next().unwrap_or(version).to_string()
    });
    if let Some(major) = major.filter(|major| major.chars().all(|c| c.is_ascii_digit())) {
        return major == "4";
    }
    let name = file.rsplit('/').next().unwrap_or(file);
    file.starts_with(ANIME_4_BUNDLES)
        || ["anime.iife.", "anime.umd.", "anime.esm."]
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

/// The embedded anime.js 4 file for `file` of any 4.x release: a bundle named under `lib/`
/// (4.0, 4.1), under `dist/bundles/` or at the top of cdnjs's version is looked up by name in
/// `dist/bundles/`, with the IIFE build answered by the UMD one.
fn anime_4_file(file: &str, version: Option<String>) -> CdnFile {
    let path = if file.is_empty() {
        ANIME_4_DEFAULT.to_string()
    } else {
        let inside = file
            .strip_prefix("lib/")
            .or_else(|| file.strip_prefix("dist/bundles/"))
            .unwrap_or(file);
        if inside.contains('/') {
            file.to_string()
        } else {
            let name = inside.replacen("anime.iife.", "anime.umd.", 1);
            format!("{ANIME_4_BUNDLES}/{name}")
        }
    };
    CdnFile {
        package: ANIME_4,
        path,
        version,
    }
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
    fn anime_js_4_urls_name_the_embedded_anime_js_4() {
        let v4 = |path: &str, version: Option<&str>| file("animejs-4", path, version);
        assert_eq!(
            cdn_file("https://cdn.jsdelivr.net/npm/animejs@4.0.2/lib/anime.iife.min.js"),
            v4("dist/bundles/anime.umd.min.js", Some("4.0.2"))
        );
        assert_eq!(
            cdn_file("https://cdn.jsdelivr.net/npm/animejs@4.5.0/dist/bundles/anime.umd.min.js"),
            v4("dist/bundles/anime.umd.min.js", Some("4.5.0"))
        );
        assert_eq!(
            cdn_file("https://cdn.jsdelivr.net/npm/animejs@4"),
            v4("dist/bundles/anime.umd.min.js", Some("4"))
        );
        assert_eq!(
            cdn_file("https://unpkg.com/animejs@^4.1/lib/anime.esm.min.js"),
            v4("dist/bundles/anime.esm.min.js", Some("^4.1"))
        );
        assert_eq!(
            cdn_file("https://unpkg.com/animejs@4.0.0/lib/anime.iife.js"),
            v4("dist/bundles/anime.umd.js", Some("4.0.0"))
        );
        assert_eq!(
            cdn_file("https://cdnjs.cloudflare.com/ajax/libs/animejs/4.0.2/anime.iife.min.js"),
            v4("dist/bundles/anime.umd.min.js", Some("4.0.2"))
        );
        // A v4-only file without a version is v4 as well.
        assert_eq!(
            cdn_file("https://cdn.jsdelivr.net/npm/animejs/dist/bundles/anime.umd.min.js"),
            v4("dist/bundles/anime.umd.min.js", None)
        );
    }

    #[test]
    fn anime_js_3_urls_keep_anime_js_3() {
        for (url, version) in [
            (
                "https://cdn.jsdelivr.net/npm/animejs@3.2.2/lib/anime.min.js",
                Some("3.2.2"),
            ),
            ("https://unpkg.com/animejs@3/lib/anime.min.js", Some("3")),
            (
                "https://cdn.jsdelivr.net/npm/animejs/lib/anime.min.js",
                None,
            ),
            (
                "https://cdnjs.cloudflare.com/ajax/libs/animejs/3.2.1/anime.min.js",
                Some("3.2.1"),
            ),
        ] {
            assert_eq!(
                cdn_file(url),
                file("animejs", "lib/anime.min.js", version),
                "{url}"
            );
        }
        assert_eq!(
            cdn_file("https://cdn.jsdelivr.net/npm/animejs"),
            file("animejs", "lib/anime.min.js", None)
        );
    }

    #[test]
    fn every_anime_js_4_bundle_is_embedded() {
        for url in [
            "https://cdn.jsdelivr.net/npm/animejs@4.0.2/lib/anime.iife.min.js",
            "https://cdn.jsdelivr.net/npm/animejs@4/lib/anime.umd.js",
            "https://cdn.jsdelivr.net/npm/animejs@4/dist/bundles/anime.esm.min.js",
            "https://cdn.jsdelivr.net/npm/animejs@4",
        ] {
            let file = cdn_file(url).expect("an anime.js 4 URL should name a file");
            let path = format!("{}/{}", file.package, file.path);
            assert!(
                framecast_assets::file(&path).is_some_and(|bytes| !bytes.is_empty()),
                "{url}: {path}"
            );
        }
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
