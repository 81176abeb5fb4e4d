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

/// The heaviest embedded weights reached through a generic family: `sans-serif` at 900 is Inter
/// Black and `monospace` at 800 JetBrains Mono ExtraBold, as the named families draw them (their
/// files name a family of their own, `Inter Black`, which fontconfig must file under Inter).
#[test]
fn generic_families_reach_the_heaviest_weights() {
    let test = TestDir::new();
    let rows = [
        ("sans-serif", 900),
        ("'Probe Inter'", 900),
        ("sans-serif", 700),
        ("monospace", 800),
        ("'Probe Mono'", 800),
    ];
    let divs: String = rows
        .iter()
        .enumerate()
        .map(|(index, (family, weight))| {
            format!(
                r#"<div class="row" style="top: {}px; font-family: {family}; font-weight: {weight}">Hamburgefonstiv 0123</div>"#,
                index as u32 * ROW_HEIGHT
            )
        })
        .collect();
    let html = format!(
        r#"<!doctype html><html><head><style>
@font-face {{ font-family: "Probe Inter"; font-weight: 900; src: url("/__framecast/fonts/inter/inter-latin-900-normal.woff") format("woff"); }}
@font-face {{ font-family: "Probe Mono"; font-weight: 800; src: url("/__framecast/fonts/jetbrains-mono/jetbrains-mono-latin-800-normal.woff") format("woff"); }}
body {{ margin: 0; background: #fff; }}
.row {{ position: absolute; left: 4px; height: 30px; font-size: 20px; line-height: 30px; white-space: nowrap; color: #000; }}
</style></head><body>
<div id="root" data-composition-id="weights" data-width="320" data-height="150" data-duration="0.1" data-fps="10">{divs}</div>
</body></html>"#
    );
    let input = test.composition("weights", &html);
    let output = test.path("frames");
    let run = test.render(
        &input,
        &output,
        &["--workers", "1", "--format", "png-sequence"],
    );
    assert_success(&run);
    let video = decode(&output.join("frame_000000.png"));
    let row_bytes = (video.width * ROW_HEIGHT * 3) as usize;
    let rows: Vec<&[u8]> = video.frames[0].chunks(row_bytes).collect();
    assert!(inked(rows[1]) > 500, "the Inter Black row should have text");
    assert!(
        rows[0] == rows[1],
        "sans-serif 900 should render pixel-identically to Inter Black"
    );
    assert!(rows[0] != rows[2], "900 must differ from 700");
    assert!(
        rows[3] == rows[4],
        "monospace 800 should render pixel-identically to JetBrains Mono ExtraBold"
    );
}
