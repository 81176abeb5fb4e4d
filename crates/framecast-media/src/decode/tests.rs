use super::*;

#[test]
fn missing_file_is_an_error_naming_it() {
    let error =
        decode_video_rgb(Path::new("/nonexistent-framecast-dir/in.mp4")).expect_err("no file");
    assert!(
        error
            .to_string()
            .contains("/nonexistent-framecast-dir/in.mp4"),
        "{error}"
    );
}

#[test]
fn garbage_file_is_an_error() {
    let dir = tempfile::tempdir().expect("should create a temp dir");
    let path = dir.path().join("garbage.mp4");
    std::fs::write(&path, b"not a video at all, just some bytes").expect("should write");
    assert!(decode_video_rgb(&path).is_err());
}
