//! A small bounded cache of per-pixel fields that depend only on the frame size (noise,
//! distances, wave phases), so a transition spanning many frames computes them once.
//!
//! A field is a pure function of its name and size, so a cache hit returns exactly what a
//! fresh computation would. Computation happens outside the lock and never waits on another
//! thread: two callers that miss together both compute, and one result is kept. (Waiting could
//! deadlock when blends are themselves rayon jobs on a one-thread pool.)

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

/// The cache keeps fields up to this many bytes in total, dropping the least recently used
/// first: every field of a 1080p render (146 MB), or the largest transition at 4K (thermal,
/// 180 MB).
const CACHE_BYTES: usize = 256 << 20;

/// `per_pixel` floats per pixel, rows top to bottom; each row holds its values plane by plane
/// (value `k` of pixel `x` at `row[k * width + x]`), so that loops over a row read them
/// contiguously and vectorise.
pub(crate) struct Field {
    pub values: Vec<f32>,
    pub per_pixel: usize,
}

impl Field {
    /// Value `k` of every pixel of row `y`, in a field `width` pixels wide.
    pub fn plane(&self, y: usize, k: usize, width: usize) -> &[f32] {
        let start = (y * self.per_pixel + k) * width;
        &self.values[start..start + width]
    }
}

type Key = (&'static str, usize, usize);

static CACHE: Mutex<Vec<(Key, Arc<Field>)>> = Mutex::new(Vec::new());

/// The field called `name` for frames of `width` x `height`, built with `pixel(u, v, out)`
/// for every pixel centre (u, v) in texture coordinates if it is not cached.
pub(crate) fn field(
    name: &'static str,
    width: usize,
    height: usize,
    per_pixel: usize,
    pixel: impl Fn(f32, f32, &mut [f32]) + Sync,
) -> Arc<Field> {
    field_rows(name, width, height, height, per_pixel, |x, y, out| {
        pixel(centre(x, width), centre(y, height), out)
    })
}

/// The texture coordinate of the centre of pixel `i` of `size`.
#[inline(always)]
pub(crate) fn centre(i: usize, size: usize) -> f32 {
    (i as f32 + 0.5) / size as f32
}

/// A field of `rows` rows for frames of `width` x `height`, built with `pixel(x, y, out)`.
pub(crate) fn field_rows(
    name: &'static str,
    width: usize,
    height: usize,
    rows: usize,
    per_pixel: usize,
    pixel: impl Fn(usize, usize, &mut [f32]) + Sync,
) -> Arc<Field> {
    field_by_row(name, width, height, rows, per_pixel, |y, row| {
        let mut values = vec![0.0; per_pixel];
        for x in 0..width {
            pixel(x, y, &mut values);
            for (k, &value) in values.iter().enumerate() {
                row[k * width + x] = value;
            }
        }
    })
}

/// A field of `rows` rows for frames of `width` x `height`, built a row at a time with
/// `row(y, values)` (`per_pixel` planes of `width` values).
pub(crate) fn field_by_row(
    name: &'static str,
    width: usize,
    height: usize,
    rows: usize,
    per_pixel: usize,
    row: impl Fn(usize, &mut [f32]) + Sync,
) -> Arc<Field> {
    let key = (name, width, height);
    if let Some(field) = lookup(key) {
        return field;
    }
    let mut values = vec![0.0f32; width * rows * per_pixel];
    values
        .par_chunks_mut(width * per_pixel)
        .enumerate()
        .for_each(|(y, values)| row(y, values));
    let field = Arc::new(Field { values, per_pixel });
    insert(key, field.clone());
    field
}

fn lookup(key: Key) -> Option<Arc<Field>> {
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let index = cache.iter().position(|(k, _)| *k == key)?;
    // Most recently used goes last.
    let entry = cache.remove(index);
    let field = entry.1.clone();
    cache.push(entry);
    Some(field)
}

fn insert(key: Key, field: Arc<Field>) {
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if cache.iter().any(|(k, _)| *k == key) {
        return;
    }
    cache.push((key, field));
    let bytes = |cache: &Vec<(Key, Arc<Field>)>| -> usize {
        cache.iter().map(|(_, f)| f.values.len() * 4).sum()
    };
    while cache.len() > 1 && bytes(&cache) > CACHE_BYTES {
        cache.remove(0);
    }
}

/// Writes the planes of one row one after the other.
pub(crate) fn fill_planes(row: &mut [f32], planes: &[&[f32]]) {
    for (out, plane) in row.chunks_exact_mut(row.len() / planes.len()).zip(planes) {
        out.copy_from_slice(plane);
    }
}
