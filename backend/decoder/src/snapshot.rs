//! The snapshot file: the built index, serialised, behind a header that names the format and carries a
//! digest, so a truncated or foreign file is refused with a clear error instead of decoding garbage.
//!
//! Layout: magic `VINBOTSNAP` (10 bytes), format version (u32 LE), length of section A (u64 LE), length
//! of section B (u64 LE), SHA-256 of A‖B (32 bytes), A (bincode of the index without its schemas),
//! B (bincode of the schemas). The two sections decode on two threads: loading takes half the time.

use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::DataError;
use crate::model::{Data, Schema};

const MAGIC: &[u8; 10] = b"VINBOTSNAP";
/// Bump when the index layout changes: old snapshots are then rebuilt from the SQLite file.
const FORMAT: u32 = 9;
const HEADER: usize = 10 + 4 + 8 + 8 + 32;

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// Decoding refuses any length that would make the index claim more than this: the digest is checked
/// after decoding (they run in parallel), so a corrupt length must fail cleanly, not allocate gigabytes.
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
    f.write_all(MAGIC).map_err(io)?;
    f.write_all(&FORMAT.to_le_bytes()).map_err(io)?;
    f.write_all(&(a.len() as u64).to_le_bytes()).map_err(io)?;
    f.write_all(&(b.len() as u64).to_le_bytes()).map_err(io)?;
    f.write_all(&digest(&a, &b)).map_err(io)?;
    f.write_all(&a).map_err(io)?;
    f.write_all(&b).map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io)
}

/// Reads and validates a snapshot.
///
/// The file is never held in memory whole: the digest is computed by one thread while the two sections
/// decode from their own buffered readers on two more, so the peak memory of a start is the index itself
/// (the 31 MB file read into one buffer used to add that much to every process's high-water mark). The
/// decoded index is only returned when the digest matches.
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
    let mut header = [0u8; HEADER];
    if size < HEADER as u64 {
        return Err(bad("not a vinbot snapshot (bad magic)"));
    }
    file.read_exact(&mut header).map_err(io)?;
    if &header[..10] != MAGIC {
        return Err(bad("not a vinbot snapshot (bad magic)"));
    }
    let u64_at = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&header[i..i + 8]);
        u64::from_le_bytes(b)
    };
    let mut fb = [0u8; 4];
    fb.copy_from_slice(&header[10..14]);
    let format = u32::from_le_bytes(fb);
    if format != FORMAT {
        return Err(bad(&format!(
            "format version {format}, this build reads {FORMAT} (rebuild with `vinbot data build`)"
        )));
    }
    let (la, lb) = (u64_at(14), u64_at(22));
    let body = size - HEADER as u64;
    if body != la.saturating_add(lb) {
        return Err(bad(&format!(
            "truncated: header says {} bytes of data, file has {body}",
            la.saturating_add(lb),
        )));
    }
    let section = |offset: u64, len: u64| -> Result<_, DataError> {
        let mut f = open()?;
        f.seek(SeekFrom::Start(HEADER as u64 + offset))
            .map_err(io)?;
        Ok(BufReader::with_capacity(1 << 16, f.take(len)))
    };
    let (ra, rb, mut rh) = (section(0, la)?, section(la, lb)?, section(0, la + lb)?);
    let (data, schemas, hash) = std::thread::scope(|s| {
        let schemas = s.spawn(move || {
            let mut rb = rb;
            bincode::serde::decode_from_std_read::<Vec<Schema>, _, _>(&mut rb, decode_config())
        });
        let hash = s.spawn(move || -> std::io::Result<[u8; 32]> {
            let mut h = Sha256::new();
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = rh.read(&mut buf)?;
                if n == 0 {
                    return Ok(h.finalize().into());
                }
                h.update(&buf[..n]);
            }
        });
        let mut ra = ra;
        let data = bincode::serde::decode_from_std_read::<Data, _, _>(&mut ra, decode_config());
        (data, schemas.join(), hash.join())
    });
    let hash = hash
        .map_err(|_| bad("digest thread panicked"))?
        .map_err(io)?;
    if hash[..] != header[30..62] {
        return Err(bad("digest mismatch (corrupt file)"));
    }
    let mut data = data.map_err(|e| bad(&e.to_string()))?;
    data.schemas = schemas
        .map_err(|_| bad("decoder thread panicked"))?
        .map_err(|e| bad(&e.to_string()))?;
    Ok(data)
}
