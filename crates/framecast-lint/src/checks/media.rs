//! A `<video>` whose file has sound must say whether the sound belongs in the mix. The file is
//! probed by `framecast-media`, as the render would probe it; a file that is missing is
//! `missing_asset`'s to report, and a remote one is not fetched.

use super::Findings;
use crate::rules::VIDEO_SOUND_UNDECLARED;

pub(super) fn check(findings: &mut Findings<'_>) {
    let project = findings.project;
    for file in project.files() {
        for element in &file.elements {
            if element.tag != "video"
                || element.has_attr("muted")
                || element.has_attr("data-has-audio")
            {
                continue;
            }
            let src = element.attr("src").or_else(|| {
                file.elements
                    .iter()
                    .find(|child| {
                        child.tag == "source"
                            && child
                                .parent
                                .is_some_and(|parent| std::ptr::eq(&file.elements[parent], element))
                    })
                    .and_then(|source| source.attr("src"))
            });
            let Some(path) = src.and_then(|src| project.local_path(src)) else {
                continue;
            };
            if !path.is_file() {
                continue;
            }
            let has_audio = framecast_media::probe_media(&path, &element.describe)
                .is_ok_and(|probe| probe.has_audio);
            if has_audio {
                let message = format!(
                    "{} plays {}, which has an audio stream, but has neither muted nor data-has-audio",
                    element.describe,
                    src.unwrap_or_default()
                );
                findings.add(&VIDEO_SOUND_UNDECLARED, file, element.offset, message);
            }
        }
    }
}
