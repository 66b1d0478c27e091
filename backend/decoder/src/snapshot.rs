//! The snapshot file: the built index, serialised, behind a header that names the format and carries a
//! digest, so a truncated or foreign file is refused with a clear error instead of decoding garbage.
//!
//! Layout: magic `VINBOTSNAP` (10 bytes), format version (u32 LE), length of the identity (u32 LE), the
//! identity (bincode of source, data date and `sha256:` content digest), length of section A (u64 LE),
//! length of section B (u64 LE), CRC-32 of A and of B (u32 LE each), A (bincode of the index without
//! its schemas), B (bincode of the schemas). The two sections decode on two threads, each from its own
//! buffered reader that checks its CRC as the bytes pass: the file is read once and never held whole.
//! (The identity's `sha256:` digest of the content is computed when the snapshot is built.)

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::DataError;
use crate::model::{Data, DataIdentity, Schema};

const MAGIC: &[u8; 10] = b"VINBOTSNAP";
/// Bump when the index layout changes: old snapshots are then rebuilt from the SQLite file.
const FORMAT: u32 = 14;
/// Magic, format and the identity's length.
const PREFIX: usize = 10 + 4 + 4;
/// Section lengths and CRCs, after the identity.
const TAIL: usize = 8 + 8 + 4 + 4;
/// An identity is a few hundred bytes; anything longer is not a snapshot of ours.
const MAX_IDENTITY: usize = 1 << 16;

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// Decoding refuses any length that would make the index claim more than this: the checksums are known
/// only once a section is read, so a corrupt length must fail cleanly, not allocate gigabytes.
const DECODE_LIMIT: usize = 256 << 20;

fn decode_config() -> bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<DECODE_LIMIT>,
> {
    config().with_limit::<DECODE_LIMIT>()
}

fn sections(data: &Data) -> (Vec<u8>, Vec<u8>) {
    (
        bincode::serde::encode_to_vec(data, config()).unwrap_or_default(),
        bincode::serde::encode_to_vec(&data.schemas, config()).unwrap_or_default(),
    )
}

fn digest(a: &[u8], b: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(a);
    h.update(b);
    h.finalize().into()
}

/// A section being decoded: bincode reads through a buffer (its fast paths peek at buffered bytes), and
/// every chunk loaded into the buffer goes through the section's CRC (each byte of the section is loaded
/// exactly once, in order).
struct Section<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    crc: crc32fast::Hasher,
}

impl<R: Read> Section<R> {
    fn new(inner: R) -> Self {
        Section {
            inner,
            buf: vec![0u8; 1 << 16].into_boxed_slice(),
            pos: 0,
            end: 0,
            crc: crc32fast::Hasher::new(),
        }
    }

    /// Makes at least `need` bytes available unless the section ends first.
    fn fill(&mut self, need: usize) -> std::io::Result<()> {
        if self.end - self.pos >= need {
            return Ok(());
        }
        self.buf.copy_within(self.pos..self.end, 0);
        self.end -= self.pos;
        self.pos = 0;
        while self.end < need.min(self.buf.len()) {
            let n = self.inner.read(&mut self.buf[self.end..])?;
            if n == 0 {
                break;
            }
            self.crc.update(&self.buf[self.end..self.end + n]);
            self.end += n;
        }
        Ok(())
    }

    /// Reads what bincode left unread (a damaged section may end early) and returns the CRC.
    fn finish(mut self) -> std::io::Result<u32> {
        loop {
            let n = self.inner.read(&mut self.buf)?;
            if n == 0 {
                return Ok(self.crc.finalize());
            }
            self.crc.update(&self.buf[..n]);
        }
    }
}

impl<R: Read> bincode::de::read::Reader for Section<R> {
    fn read(&mut self, bytes: &mut [u8]) -> Result<(), bincode::error::DecodeError> {
        let mut done = 0;
        while done < bytes.len() {
            if self.pos == self.end {
                self.fill(1).map_err(|e| bincode::error::DecodeError::Io {
                    inner: e,
                    additional: bytes.len() - done,
                })?;
                if self.pos == self.end {
                    return Err(bincode::error::DecodeError::UnexpectedEnd {
                        additional: bytes.len() - done,
                    });
                }
            }
            let n = (self.end - self.pos).min(bytes.len() - done);
            bytes[done..done + n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.pos += n;
            done += n;
        }
        Ok(())
    }

    #[inline]
    fn peek_read(&mut self, n: usize) -> Option<&[u8]> {
        if self.end - self.pos < n {
            self.fill(n).ok()?;
        }
        self.buf
            .get(self.pos..self.pos + n)
            .filter(|_| self.pos + n <= self.end)
    }

    #[inline]
    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }
}

/// Fills the identity's digest from the content (the digest field itself excluded).
pub fn seal(data: &mut Data) {
    data.identity.digest = String::new();
    let (a, b) = sections(data);
    data.identity.digest = format!("sha256:{}", hex::encode(digest(&a, &b)));
}

/// Writes the snapshot atomically.
pub fn write(data: &Data, path: &Path) -> Result<(), DataError> {
    let io = |e| DataError::Io(path.to_path_buf(), e);
    let (a, b) = sections(data);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    let identity = bincode::serde::encode_to_vec(&data.identity, config()).unwrap_or_default();
    f.write_all(MAGIC).map_err(io)?;
    f.write_all(&FORMAT.to_le_bytes()).map_err(io)?;
    f.write_all(&(identity.len() as u32).to_le_bytes())
        .map_err(io)?;
    f.write_all(&identity).map_err(io)?;
    f.write_all(&(a.len() as u64).to_le_bytes()).map_err(io)?;
    f.write_all(&(b.len() as u64).to_le_bytes()).map_err(io)?;
    f.write_all(&crc32fast::hash(&a).to_le_bytes())
        .map_err(io)?;
    f.write_all(&crc32fast::hash(&b).to_le_bytes())
        .map_err(io)?;
    f.write_all(&a).map_err(io)?;
    f.write_all(&b).map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io)
}

/// A snapshot's header: the identity, the section lengths and their CRCs.
struct Header {
    identity: DataIdentity,
    /// Bytes before section A.
    len: u64,
    la: u64,
    lb: u64,
    crc_a: u32,
    crc_b: u32,
}

fn u32_of(b: &[u8]) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(b);
    u32::from_le_bytes(w)
}

fn u64_of(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(b);
    u64::from_le_bytes(w)
}

/// Reads and checks the header (magic, format, identity) from the start of `file` of `size` bytes.
fn read_header(path: &Path, file: &mut std::fs::File, size: u64) -> Result<Header, DataError> {
    let bad = |m: &str| DataError::Snapshot(path.to_path_buf(), m.to_string());
    let io = |e| DataError::Io(path.to_path_buf(), e);
    let mut prefix = [0u8; PREFIX];
    if size < PREFIX as u64 {
        return Err(bad("not a vinbot snapshot (bad magic)"));
    }
    file.read_exact(&mut prefix).map_err(io)?;
    if &prefix[..10] != MAGIC {
        return Err(bad("not a vinbot snapshot (bad magic)"));
    }
    let format = u32_of(&prefix[10..14]);
    if format != FORMAT {
        return Err(bad(&format!(
            "format version {format}, this build reads {FORMAT} (rebuild with `vinbot data build`)"
        )));
    }
    let id_len = u32_of(&prefix[14..18]) as usize;
    let len = PREFIX + id_len + TAIL;
    if id_len > MAX_IDENTITY || size < len as u64 {
        return Err(bad("truncated or damaged header"));
    }
    let mut rest = vec![0u8; id_len + TAIL];
    file.read_exact(&mut rest).map_err(io)?;
    let (id_bytes, tail) = rest.split_at(id_len);
    let identity: DataIdentity = bincode::serde::decode_from_slice(id_bytes, decode_config())
        .map(|(id, _)| id)
        .map_err(|e| bad(&format!("damaged identity in the header: {e}")))?;
    Ok(Header {
        identity,
        len: len as u64,
        la: u64_of(&tail[0..8]),
        lb: u64_of(&tail[8..16]),
        crc_a: u32_of(&tail[16..20]),
        crc_b: u32_of(&tail[20..24]),
    })
}

/// Reads and validates a snapshot.
///
/// The file is never held in memory whole: the two sections decode on two threads from their own
/// buffered readers, each checking its CRC as it goes, so the peak memory of a start is the index itself
/// (reading the 31 MB file into one buffer used to add that much to every process's high-water mark).
/// The decoded index is only returned when both CRCs match.
pub fn read(path: &Path) -> Result<Data, DataError> {
    let bad = |m: &str| DataError::Snapshot(path.to_path_buf(), m.to_string());
    let io = |e| DataError::Io(path.to_path_buf(), e);
    let open = || {
        std::fs::File::open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                DataError::Missing(path.to_path_buf())
            } else {
                DataError::Io(path.to_path_buf(), e)
            }
        })
    };
    let mut file = open()?;
    let size = file.metadata().map_err(io)?.len();
    let Header {
        identity,
        len: header,
        la,
        lb,
        crc_a,
        crc_b,
    } = read_header(path, &mut file, size)?;
    let body = size - header;
    if body != la.saturating_add(lb) {
        return Err(bad(&format!(
            "truncated: header says {} bytes of data, file has {body}",
            la.saturating_add(lb),
        )));
    }
    let section = |offset: u64, len: u64| -> Result<_, DataError> {
        let mut f = open()?;
        f.seek(SeekFrom::Start(header + offset)).map_err(io)?;
        Ok(Section::new(f.take(len)))
    };
    let (mut ra, mut rb) = (section(0, la)?, section(la, lb)?);
    let (data, schemas) = std::thread::scope(|s| {
        let schemas = s.spawn(move || {
            let v =
                bincode::serde::decode_from_reader::<Vec<Schema>, _, _>(&mut rb, decode_config());
            (v, rb.finish())
        });
        let data = bincode::serde::decode_from_reader::<Data, _, _>(&mut ra, decode_config());
        ((data, ra.finish()), schemas.join())
    });
    let (schemas, crc_b_read) = schemas.map_err(|_| bad("decoder thread panicked"))?;
    let (data, crc_a_read) = data;
    if crc_a_read.map_err(io)? != crc_a || crc_b_read.map_err(io)? != crc_b {
        return Err(bad("checksum mismatch (corrupt file)"));
    }
    let mut data = data.map_err(|e| bad(&e.to_string()))?;
    if data.identity != identity {
        return Err(bad("the header's identity differs from the content's"));
    }
    data.schemas = schemas.map_err(|e| bad(&e.to_string()))?;
    Ok(data)
}

/// The identity in a snapshot's header (source, data date, digest), without loading the index.
pub fn identity(path: &Path) -> Result<DataIdentity, DataError> {
    let io = |e| DataError::Io(path.to_path_buf(), e);
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    Ok(read_header(path, &mut file, size)?.identity)
}
