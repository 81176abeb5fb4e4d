//! Deterministic fonts: the mapped families and the generic ones render with the very files
//! framecast installs, pixel for pixel (the `fonts` fixture, captured losslessly as PNG).

mod support;

use support::{TestDir, assert_success, decode, fixture};

const ROW_HEIGHT: u32 = 30;

/// Row names of the `fonts` fixture, top to bottom.
const ROWS: &[&str] = &[
    "Arial",
    "Probe Inter",
    "sans-serif",
    "default",
    "Liberation Serif",
    "Helvetica 700",
    "Probe Inter 700",
    "Courier",
    "Probe Mono",
    "monospace",
    "Menlo",
    "DejaVu Sans Mono",
    "Noto Sans black italic, shown at frame 1",
];

/// The RGB pixels of each 30 px row of the fixture's two frames.
fn render_rows(test: &TestDir) -> [Vec<Vec<u8>>; 2] {
    let output = test.path("frames");
    let run = test.render(
        &fixture("fonts"),
        &output,
        &["--workers", "1", "--format", "png-sequence"],
    );
    assert_success(&run);
    [0, 1].map(|frame| {
        let video = decode(&output.join(format!("frame_{frame:06}.png")));
        assert_eq!((video.width, video.height), (320, 390));
        let row_bytes = (video.width * ROW_HEIGHT * 3) as usize;
        video.frames[0]
            .chunks(row_bytes)
            .map(<[u8]>::to_vec)
            .collect()
    })
}

fn row(rows: &[Vec<u8>], name: &str) -> Vec<u8> {
    let index = ROWS.iter().position(|row| *row == name).unwrap();
    rows[index].clone()
}

/// Pixels darker than the white background: the row has text.
fn inked(pixels: &[u8]) -> usize {
    pixels.iter().filter(|&&value| value < 128).count()
}

#[test]
fn mapped_and_generic_families_render_with_the_installed_fonts() {
    let test = TestDir::new();
    let [rows, second] = render_rows(&test);
    assert_eq!(rows.len(), ROWS.len());
    let inter = row(&rows, "Probe Inter");
    let mono = row(&rows, "Probe Mono");
    assert!(inked(&inter) > 500, "the Inter row should have text");
    assert!(
        inked(&mono) > 500,
        "the JetBrains Mono row should have text"
    );
    assert_ne!(inter, mono, "Inter and JetBrains Mono must differ");
    assert_ne!(
        row(&rows, "Liberation Serif"),
        inter,
        "a serif family must not render as Inter: the comparison would prove nothing"
    );

    for family in ["Arial", "sans-serif", "default"] {
        assert!(
            row(&rows, family) == inter,
            "{family} should render pixel-identically to Inter's installed file"
        );
    }
    let inter_bold = row(&rows, "Probe Inter 700");
    assert_ne!(inter_bold, inter, "bold must differ from regular");
    assert!(
        row(&rows, "Helvetica 700") == inter_bold,
        "Helvetica bold should render as Inter bold"
    );
    for family in ["Courier", "monospace", "Menlo", "DejaVu Sans Mono"] {
        assert!(
            row(&rows, family) == mono,
            "{family} should render pixel-identically to JetBrains Mono's installed file"
        );
    }
    // A face nothing on the first frame lays out (Inter black italic) is loaded before the first
    // frame all the same: a face still loading draws no text at all (font-display: block).
    let late = "Noto Sans black italic, shown at frame 1";
    assert_eq!(inked(&row(&rows, late)), 0, "hidden on the first frame");
    let shown = row(&second, late);
    assert!(
        inked(&shown) > inked(&inter),
        "a face first used by a later frame should be drawn there, heavier than Inter regular"
    );
}
