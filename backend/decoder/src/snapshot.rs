//! The snapshot file: the index laid out for use in place ([`crate::layout`]) behind a header that names
//! the format, says where each section is and carries the data's identity.
//!
//! Layout: magic `VINBOTSNAP` (10 bytes), format version (u32 LE), number of sections (u32 LE), length of
//! the identity (u32 LE); per section its offset and length (u64 LE each) and CRC-32 (u32 LE, then 4
//! zero bytes); the identity (bincode of source, data date and the `sha256:` digest of the sections);
//! CRC-32 of everything before it (u32 LE). The sections follow, each at an 8-byte aligned offset, in
//! order, the last one ending the file.
//!
//! Integrity, without reading everything on every start:
//! - on open (every start, every reload): magic, format, the header's CRC, every section within the file
//!   and the file's length; the sections are mapped, not read, and a decode checks every offset it
//!   takes from them, so a damaged section gives wrong answers at worst, never a crash;
//! - [`verify`] (`vinbot data verify`, and after every import, update and build): every section's CRC and
//!   the sha256 digest of all of them against the identity.
//!
//! A snapshot is never rewritten in place: a new one is written to a temporary file and renamed over the
//! old name, so a process that has the old file mapped keeps reading the old, complete file.

use std::io::Write;
use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::DataError;
use crate::layout::{self, Bytes, Data, SECTIONS};
use crate::model::{DataIdentity, Index};

const MAGIC: &[u8; 10] = b"VINBOTSNAP";
/// Bump when the layout changes: old snapshots are then rebuilt from the SQLite file.
const FORMAT: u32 = 18;
/// Magic, format, number of sections and the identity's length.
const PREFIX: usize = 10 + 4 + 4 + 4;
/// Bytes of one entry of the section table.
const ENTRY: usize = 8 + 8 + 4 + 4;
/// An identity is a few hundred bytes; anything longer is not a snapshot of ours.
const MAX_IDENTITY: usize = 1 << 16;

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

fn sha256(sections: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for s in sections {
        h.update(s);
    }
    format!("sha256:{}", hex::encode(h.finalize()))
}

/// Lays an index out as a snapshot file image, its identity's digest filled from the sections.
pub fn encode(index: &Index) -> Result<(Vec<u8>, DataIdentity), String> {
    let sections = layout::sections(index)?;
    let mut identity = index.identity.clone();
    identity.digest = sha256(&sections.iter().map(Vec::as_slice).collect::<Vec<_>>());
    let id_bytes = bincode::serde::encode_to_vec(&identity, config()).map_err(|e| e.to_string())?;
    let header = PREFIX + ENTRY * sections.len() + id_bytes.len() + 4;
    let mut offset = header.next_multiple_of(8);
    let mut image =
        Vec::with_capacity(offset + sections.iter().map(|s| s.len() + 8).sum::<usize>());
    image.extend_from_slice(MAGIC);
    image.extend_from_slice(&FORMAT.to_le_bytes());
    image.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    image.extend_from_slice(&(id_bytes.len() as u32).to_le_bytes());
    for s in &sections {
        image.extend_from_slice(&(offset as u64).to_le_bytes());
        image.extend_from_slice(&(s.len() as u64).to_le_bytes());
        image.extend_from_slice(&crc32fast::hash(s).to_le_bytes());
        image.extend_from_slice(&[0; 4]);
        offset = (offset + s.len()).next_multiple_of(8);
    }
    image.extend_from_slice(&id_bytes);
    let crc = crc32fast::hash(&image);
    image.extend_from_slice(&crc.to_le_bytes());
    for s in &sections {
        image.resize(image.len().next_multiple_of(8), 0);
        image.extend_from_slice(s);
    }
    Ok((image, identity))
}

/// Writes a file image atomically: a temporary file in the same directory, synced, made read-only (so
/// that copying another file over it in place fails for anyone but root, instead of changing a file
/// that running processes have mapped), renamed into place (a process that has the old file mapped
/// keeps the old file).
pub fn write(image: &[u8], path: &Path) -> Result<(), DataError> {
    let io = |e| DataError::Io(path.to_path_buf(), e);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(image).map_err(io)?;
    f.sync_all().map_err(io)?;
    let mut perms = f.metadata().map_err(io)?.permissions();
    perms.set_readonly(true);
    f.set_permissions(perms).map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io)
}

/// A snapshot's header: the identity and where each section is, with its CRC.
struct Header {
    identity: DataIdentity,
    sections: Vec<(Range<usize>, u32)>,
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(w)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Reads and checks the header of a file image: magic, format, CRC, sections within the file, length.
fn parse_header(path: &Path, b: &[u8]) -> Result<Header, DataError> {
    let bad = |m: &str| DataError::Snapshot(path.to_path_buf(), m.to_string());
    if b.len() < PREFIX || &b[..10] != MAGIC {
        return Err(bad("not a vinbot snapshot (bad magic)"));
    }
    let format = u32_at(b, 10);
    if format != FORMAT {
        return Err(bad(&format!(
            "format version {format}, this build reads {FORMAT} (rebuild with `vinbot data build`)"
        )));
    }
    let count = u32_at(b, 14) as usize;
    let id_len = u32_at(b, 18) as usize;
    if count != SECTIONS.len() || id_len > MAX_IDENTITY {
        return Err(bad("damaged header"));
    }
    let id_at = PREFIX + ENTRY * count;
    let crc_at = id_at + id_len;
    if b.len() < crc_at + 4 {
        return Err(bad("truncated or damaged header"));
    }
    if crc32fast::hash(&b[..crc_at]) != u32_at(b, crc_at) {
        return Err(bad("damaged header (checksum mismatch)"));
    }
    let identity: DataIdentity = bincode::serde::decode_from_slice(&b[id_at..crc_at], config())
        .map(|(id, _)| id)
        .map_err(|e| bad(&format!("damaged identity in the header: {e}")))?;
    let mut sections = Vec::with_capacity(count);
    let mut end = crc_at + 4;
    for i in 0..count {
        let e = PREFIX + ENTRY * i;
        let (offset, len) = (u64_at(b, e), u64_at(b, e + 8));
        let start = usize::try_from(offset).map_err(|_| bad("damaged section table"))?;
        let len = usize::try_from(len).map_err(|_| bad("damaged section table"))?;
        if start < end || start % 8 != 0 {
            return Err(bad("damaged section table"));
        }
        end = start
            .checked_add(len)
            .ok_or_else(|| bad("damaged section table"))?;
        sections.push((start..end, u32_at(b, e + 16)));
    }
    if end != b.len() {
        return Err(bad(&format!(
            "truncated: the header says {end} bytes, the file has {}",
            b.len()
        )));
    }
    Ok(Header { identity, sections })
}

fn open_file(path: &Path) -> Result<std::fs::File, DataError> {
    std::fs::File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            DataError::Missing(path.to_path_buf())
        } else {
            DataError::Io(path.to_path_buf(), e)
        }
    })
}

/// Maps a snapshot and opens the index in place (the header checked, the sections not read).
pub fn open(path: &Path) -> Result<Data, DataError> {
    let file = open_file(path)?;
    // SAFETY: the mapping is read-only and snapshots are never modified in place (they are written to
    // a new file and renamed, see `write`), so the mapped bytes do not change while they are read.
    #[allow(unsafe_code)]
    let map =
        unsafe { memmap2::Mmap::map(&file) }.map_err(|e| DataError::Io(path.to_path_buf(), e))?;
    from_bytes(path, Bytes::Mapped(map))
}

/// Opens the index from a file image (mapped or in memory).
pub fn from_bytes(path: &Path, bytes: Bytes) -> Result<Data, DataError> {
    let header = parse_header(path, bytes.as_slice())?;
    let ranges: Vec<Range<usize>> = header.sections.iter().map(|(r, _)| r.clone()).collect();
    Data::open(bytes, &ranges, header.identity)
        .map_err(|e| DataError::Snapshot(path.to_path_buf(), e))
}

/// Reads a whole snapshot and checks it: the header, every section's CRC and the digest of all
/// sections against the identity. Returns the identity.
pub fn verify(path: &Path) -> Result<DataIdentity, DataError> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => DataError::Missing(path.to_path_buf()),
        _ => DataError::Io(path.to_path_buf(), e),
    })?;
    verify_image(path, &bytes)
}

/// [`verify`] of a file image.
pub fn verify_image(path: &Path, bytes: &[u8]) -> Result<DataIdentity, DataError> {
    let bad = |m: String| DataError::Snapshot(path.to_path_buf(), m);
    let header = parse_header(path, bytes)?;
    let mut parts = Vec::with_capacity(header.sections.len());
    // The padding between sections (to 8-byte offsets) must be zeros: every byte is accounted for.
    let mut end = header
        .sections
        .first()
        .map_or(bytes.len(), |(r, _)| r.start);
    let header_end = u32_at(bytes, 18) as usize + PREFIX + ENTRY * header.sections.len() + 4;
    if bytes[header_end..end].iter().any(|&b| b != 0) {
        return Err(bad("damaged padding after the header".into()));
    }
    for (range, _) in &header.sections {
        if bytes[end..range.start].iter().any(|&b| b != 0) {
            return Err(bad(format!("damaged padding before byte {}", range.start)));
        }
        end = range.end;
    }
    for ((range, crc), name) in header.sections.iter().zip(SECTIONS) {
        let s = &bytes[range.clone()];
        if crc32fast::hash(s) != *crc {
            return Err(bad(format!(
                "section {name} is damaged (checksum mismatch)"
            )));
        }
        parts.push(s);
    }
    if sha256(&parts) != header.identity.digest {
        return Err(bad("the content's digest differs from the header's".into()));
    }
    Ok(header.identity)
}

/// The identity in a snapshot's header (source, data date, digest), without opening the index: the file
/// is mapped and only its header read.
pub fn identity(path: &Path) -> Result<DataIdentity, DataError> {
    let file = open_file(path)?;
    // SAFETY: as in `open`.
    #[allow(unsafe_code)]
    let map =
        unsafe { memmap2::Mmap::map(&file) }.map_err(|e| DataError::Io(path.to_path_buf(), e))?;
    Ok(parse_header(path, &map)?.identity)
}
