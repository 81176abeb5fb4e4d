//! WOFF 1.0 to plain sfnt (TrueType/OpenType), so that fontconfig and Chrome's system-font path
//! can use the files `@fontsource` ships. Chrome renders nothing at all when fontconfig hands it a
//! `.woff` or `.woff2` file, although FreeType reads both; a `.ttf` works. WOFF 1.0 is the sfnt
//! tables, each zlib-compressed, so undoing it gives back the exact glyph data the `.woff` web
//! font has, and the two render pixel-identically.

use std::io::Read;

const WOFF_SIGNATURE: &[u8; 4] = b"wOFF";
const WOFF_HEADER_LEN: usize = 44;
const WOFF_ENTRY_LEN: usize = 20;
const SFNT_HEADER_LEN: usize = 12;
const SFNT_ENTRY_LEN: usize = 16;

struct Table {
    tag: [u8; 4],
    checksum: u32,
    data: Vec<u8>,
}

/// The sfnt font a WOFF 1.0 file wraps.
pub(crate) fn woff_to_sfnt(woff: &[u8]) -> Result<Vec<u8>, String> {
    if woff.len() < WOFF_HEADER_LEN || &woff[..4] != WOFF_SIGNATURE {
        return Err("not a WOFF 1.0 file".to_string());
    }
    let flavor = read_u32(woff, 4)?;
    let table_count = usize::from(read_u16(woff, 12)?);
    let mut tables = Vec::with_capacity(table_count);
    for index in 0..table_count {
        let entry = WOFF_HEADER_LEN + index * WOFF_ENTRY_LEN;
        let tag: [u8; 4] = woff
            .get(entry..entry + 4)
            .and_then(|tag| tag.try_into().ok())
            .ok_or("truncated table directory")?;
        let offset = read_u32(woff, entry + 4)? as usize;
        let compressed_len = read_u32(woff, entry + 8)? as usize;
        let original_len = read_u32(woff, entry + 12)? as usize;
        let checksum = read_u32(woff, entry + 16)?;
        let stored = woff
            .get(offset..offset + compressed_len)
            .ok_or("a table lies outside the file")?;
        let data = if compressed_len < original_len {
            let mut data = Vec::with_capacity(original_len);
            flate2::read::ZlibDecoder::new(stored)
                .read_to_end(&mut data)
                .map_err(|error| format!("a table does not inflate: {error}"))?;
            data
        } else {
            stored.to_vec()
        };
        if data.len() != original_len {
            return Err("a table inflates to the wrong length".to_string());
        }
        tables.push(Table {
            tag,
            checksum,
            data,
        });
    }
    Ok(write_sfnt(flavor, &tables))
}

fn write_sfnt(flavor: u32, tables: &[Table]) -> Vec<u8> {
    let count = u16::try_from(tables.len()).expect("a WOFF table count fits in u16");
    let entry_selector = count.max(1).ilog2() as u16;
    let search_range = (1u16 << entry_selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&flavor.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&search_range.to_be_bytes());
    out.extend_from_slice(&entry_selector.to_be_bytes());
    out.extend_from_slice(&(count * 16 - search_range).to_be_bytes());
    let mut offset = SFNT_HEADER_LEN + tables.len() * SFNT_ENTRY_LEN;
    for table in tables {
        out.extend_from_slice(&table.tag);
        out.extend_from_slice(&table.checksum.to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(table.data.len() as u32).to_be_bytes());
        offset += table.data.len().next_multiple_of(4);
    }
    for table in tables {
        out.extend_from_slice(&table.data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    out
}

fn read_u32(bytes: &[u8], at: usize) -> Result<u32, String> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| "truncated WOFF header".to_string())
}

fn read_u16(bytes: &[u8], at: usize) -> Result<u16, String> {
    bytes
        .get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| "truncated WOFF header".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A WOFF with one zlib-compressed table and one stored as is.
    fn sample_woff(compressible: &[u8], stored: &[u8]) -> Vec<u8> {
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(compressible).unwrap();
        let compressed = encoder.finish().unwrap();
        assert!(compressed.len() < compressible.len());
        let first = WOFF_HEADER_LEN + 2 * WOFF_ENTRY_LEN;
        let second = first + compressed.len();
        let mut woff = Vec::new();
        woff.extend_from_slice(WOFF_SIGNATURE);
        woff.extend_from_slice(&0x0001_0000u32.to_be_bytes());
        woff.extend_from_slice(&0u32.to_be_bytes());
        woff.extend_from_slice(&2u16.to_be_bytes());
        woff.resize(WOFF_HEADER_LEN, 0);
        for (tag, offset, len, original, checksum) in [
            (b"glyf", first, compressed.len(), compressible.len(), 7u32),
            (b"head", second, stored.len(), stored.len(), 9u32),
        ] {
            woff.extend_from_slice(tag);
            for value in [offset as u32, len as u32, original as u32, checksum] {
                woff.extend_from_slice(&value.to_be_bytes());
            }
        }
        woff.extend_from_slice(&compressed);
        woff.extend_from_slice(stored);
        woff
    }

    #[test]
    fn unwraps_compressed_and_stored_tables() {
        let glyphs = vec![42u8; 1000];
        let head = b"HEADTABLE".to_vec();
        let sfnt = woff_to_sfnt(&sample_woff(&glyphs, &head)).unwrap();
        assert_eq!(&sfnt[..4], &[0, 1, 0, 0]);
        assert_eq!(read_u16(&sfnt, 4).unwrap(), 2);
        // searchRange 32, entrySelector 1, rangeShift 0 for two tables.
        assert_eq!(&sfnt[6..12], &[0, 32, 0, 1, 0, 0]);
        let data_start = SFNT_HEADER_LEN + 2 * SFNT_ENTRY_LEN;
        assert_eq!(&sfnt[12..16], b"glyf");
        assert_eq!(read_u32(&sfnt, 16).unwrap(), 7);
        assert_eq!(read_u32(&sfnt, 20).unwrap() as usize, data_start);
        assert_eq!(read_u32(&sfnt, 24).unwrap(), 1000);
        assert_eq!(&sfnt[data_start..data_start + 1000], glyphs.as_slice());
        // The second table starts 4-byte aligned after the first.
        assert_eq!(&sfnt[28..32], b"head");
        let head_start = read_u32(&sfnt, 36).unwrap() as usize;
        assert_eq!(head_start, data_start + 1000);
        assert_eq!(&sfnt[head_start..head_start + head.len()], head.as_slice());
        assert_eq!(sfnt.len() % 4, 0);
    }

    #[test]
    fn refuses_what_is_not_woff() {
        assert!(woff_to_sfnt(b"wOF2 and more bytes than a header needs, surely, yes").is_err());
        assert!(woff_to_sfnt(b"wOFF").is_err());
    }
}
