//! The frame types every stage hands to the encoder: tightly packed planar I420 from JPEG
//! captures, straight-alpha RGBA from PNG captures, and [`InputFrame`], which is either. Plain
//! data, no FFmpeg.

/// Planar 8-bit YUV 4:2:0, limited range, BT.709.
///
/// `data` holds the Y plane (`width * height` bytes), then U, then V (`(width / 2) * (height / 2)`
/// bytes each), tightly packed with no row padding. `width` and `height` are even.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Yuv420Frame {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Yuv420Frame {
    /// A black frame (Y = 16, U = V = 128) of the given size.
    ///
    /// # Panics
    ///
    /// If `width` or `height` is odd: 4:2:0 chroma covers whole 2x2 blocks.
    pub fn new(width: u32, height: u32) -> Self {
        let mut frame = Self {
            width: 0,
            height: 0,
            data: Vec::new(),
        };
        frame.reshape(width, height);
        frame.fill_black();
        frame
    }

    /// Bytes in the Y plane.
    pub fn luma_len(&self) -> usize {
        self.width as usize * self.height as usize
    }

    /// Bytes in each of the U and V planes.
    pub fn chroma_len(&self) -> usize {
        (self.width as usize / 2) * (self.height as usize / 2)
    }

    pub fn y(&self) -> &[u8] {
        &self.data[..self.luma_len()]
    }

    pub fn u(&self) -> &[u8] {
        let start = self.luma_len();
        &self.data[start..start + self.chroma_len()]
    }

    pub fn v(&self) -> &[u8] {
        let start = self.luma_len() + self.chroma_len();
        &self.data[start..start + self.chroma_len()]
    }

    pub fn y_mut(&mut self) -> &mut [u8] {
        let len = self.luma_len();
        &mut self.data[..len]
    }

    pub fn u_mut(&mut self) -> &mut [u8] {
        self.planes_mut().1
    }

    pub fn v_mut(&mut self) -> &mut [u8] {
        self.planes_mut().2
    }

    /// The three planes at once, for code that writes all of them in one pass.
    pub fn planes_mut(&mut self) -> (&mut [u8], &mut [u8], &mut [u8]) {
        let (luma, chroma) = (self.luma_len(), self.chroma_len());
        let (y, rest) = self.data.split_at_mut(luma);
        let (u, v) = rest.split_at_mut(chroma);
        (y, u, &mut v[..chroma])
    }

    /// Sets every pixel to black.
    pub fn fill_black(&mut self) {
        let luma = self.luma_len();
        self.data[..luma].fill(16);
        self.data[luma..].fill(128);
    }

    /// Makes the frame `width` x `height`, reusing the allocation when it is large enough.
    /// Pixel contents are unspecified afterwards; callers overwrite every byte.
    ///
    /// # Panics
    ///
    /// If `width` or `height` is odd.
    pub(crate) fn reshape(&mut self, width: u32, height: u32) {
        assert!(
            width % 2 == 0 && height % 2 == 0,
            "Yuv420Frame needs even dimensions, got {width}x{height}"
        );
        self.width = width;
        self.height = height;
        let len = self.luma_len() + 2 * self.chroma_len();
        // `resize` only writes bytes beyond the old length, so a reused frame costs nothing here.
        self.data.resize(len, 0);
    }
}

/// Packed 8-bit RGBA, straight (not premultiplied) alpha, `width * height * 4` bytes with no row
/// padding. Any size, odd ones included. What PNG captures decode to, and what the alpha-keeping
/// outputs (VP9 with alpha, ProRes 4444, PNG sequences, GIF) are encoded from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbaFrame {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl RgbaFrame {
    /// A fully transparent frame.
    pub fn new(width: u32, height: u32) -> Self {
        RgbaFrame {
            width,
            height,
            data: vec![0; width as usize * height as usize * 4],
        }
    }

    /// The RGBA value at (x, y).
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let offset = (y as usize * self.width as usize + x as usize) * 4;
        let p = &self.data[offset..offset + 4];
        [p[0], p[1], p[2], p[3]]
    }
}

/// One frame handed to the encoder: I420 from a JPEG capture, or RGBA from a PNG capture.
#[derive(Clone, Copy, Debug)]
pub enum InputFrame<'a> {
    Yuv420(&'a Yuv420Frame),
    Rgba(&'a RgbaFrame),
}

impl InputFrame<'_> {
    pub(crate) fn size(&self) -> (u32, u32) {
        match self {
            InputFrame::Yuv420(frame) => (frame.width, frame.height),
            InputFrame::Rgba(frame) => (frame.width, frame.height),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planes_are_laid_out_back_to_back() {
        let mut frame = Yuv420Frame::new(4, 2);
        assert_eq!(frame.data.len(), 8 + 2 + 2);
        assert_eq!(frame.y(), &[16; 8]);
        frame.u_mut().fill(1);
        frame.v_mut().fill(2);
        assert_eq!(&frame.data[8..], &[1, 1, 2, 2]);
        assert_eq!(frame.u(), &[1, 1]);
        assert_eq!(frame.v(), &[2, 2]);
    }

    #[test]
    fn reshape_shrinks_to_exact_length() {
        let mut frame = Yuv420Frame::new(8, 8);
        frame.reshape(2, 2);
        assert_eq!(frame.data.len(), 6);
    }
}
