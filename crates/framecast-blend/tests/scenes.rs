//! Two deterministic synthetic scenes for the transition tests, generated in code: nothing
//! here depends on a file, a font or a platform.

/// Scene A: a diagonal colour gradient with a white disc, a dark rectangle and a thin ring.
pub fn gradient_with_shapes(width: usize, height: usize) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(width * height * 4);
    let (w, h) = (width as f32, height as f32);
    for y in 0..height {
        for x in 0..width {
            let (u, v) = ((x as f32 + 0.5) / w, (y as f32 + 0.5) / h);
            let mut pixel = [
                (40.0 + 200.0 * u) as u8,
                (30.0 + 120.0 * v) as u8,
                (200.0 - 150.0 * u * v) as u8,
                255,
            ];
            let (dx, dy) = ((u - 0.32) * w, (v - 0.45) * h);
            let r2 = dx * dx + dy * dy;
            let disc = 0.2 * h;
            if r2 < disc * disc {
                pixel = [245, 240, 225, 255];
            }
            let ring = 0.3 * h;
            if (r2.sqrt() - ring).abs() < 1.5 {
                pixel = [250, 200, 40, 255];
            }
            if (0.58..0.88).contains(&u) && (0.55..0.8).contains(&v) {
                pixel = [25, 30, 60, 255];
            }
            rgba.extend_from_slice(&pixel);
        }
    }
    rgba
}

/// Scene B: a two-tone checkerboard with rows of dark "text" bars on a light panel.
pub fn checkerboard_with_bars(width: usize, height: usize) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(width * height * 4);
    let cell = (height / 9).max(2);
    for y in 0..height {
        for x in 0..width {
            let mut pixel = if (x / cell + y / cell) % 2 == 0 {
                [30, 140, 110, 255]
            } else {
                [220, 90, 70, 255]
            };
            let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
            if (0.1..0.6).contains(&u) && (0.15..0.85).contains(&v) {
                pixel = [235, 235, 240, 255];
                // Lines of words: bars of varying length, separated by gaps.
                let line = ((v - 0.15) * height as f32 / 6.0) as usize;
                let in_line = ((v - 0.15) * height as f32) % 6.0 < 3.0;
                let word = (x * 7 + line * 13) % 37;
                if in_line && word < 28 && u < 0.55 {
                    pixel = [20, 20, 30, 255];
                }
            }
            rgba.extend_from_slice(&pixel);
        }
    }
    rgba
}
