//! The snapshot file: the built index, serialised, behind a header that names the format and carries a
//! digest, so a truncated or foreign file is refused with a clear error instead of decoding garbage.
//!
//! Layout: magic `VINBOTSNAP` (10 bytes), format version (u32 LE), payload length (u64 LE), SHA-256 of
//! the payload (32 bytes), payload (bincode of the index).

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::DataError;
use crate::model::Data;

const MAGIC: &[u8; 10] = b"VINBOTSNAP";
/// Bump when the index layout changes: old snapshots are then rebuilt from the SQLite file.
const FORMAT: u32 = 4;
const HEADER: usize = 10 + 4 + 8 + 32;

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

fn payload(data: &Data) -> Vec<u8> {
    bincode::serde::encode_to_vec(data, config()).unwrap_or_default()
}

/// Fills the identity's digest from the content (the digest field itself excluded).
pub fn seal(data: &mut Data) {
    data.identity.digest = String::new();
    let p = payload(data);
    data.identity.digest = format!("sha256:{}", hex::encode(Sha256::digest(&p)));
}

/// Writes the snapshot atomically.
pub fn write(data: &Data, path: &Path) -> Result<(), DataError> {
    let io = |e| DataError::Io(path.to_path_buf(), e);
    let p = payload(data);
    let digest = Sha256::digest(&p);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(MAGIC).map_err(io)?;
    f.write_all(&FORMAT.to_le_bytes()).map_err(io)?;
    f.write_all(&(p.len() as u64).to_le_bytes()).map_err(io)?;
    f.write_all(&digest).map_err(io)?;
    f.write_all(&p).map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io)
}

/// Reads and validates a snapshot.
pub fn read(path: &Path) -> Result<Data, DataError> {
    use std::io::Read;
    let bad = |m: &str| DataError::Snapshot(path.to_path_buf(), m.to_string());
    let file = std::fs::File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            DataError::Missing(path.to_path_buf())
        } else {
            DataError::Io(path.to_path_buf(), e)
        }
    })?;
    let size = file
        .metadata()
        .map_err(|e| DataError::Io(path.to_path_buf(), e))?
        .len();
    let mut r = std::io::BufReader::with_capacity(1 << 20, file);
    let mut header = [0u8; HEADER];
    if size < HEADER as u64 || r.read_exact(&mut header).is_err() || &header[..10] != MAGIC {
        return Err(bad("not a vinbot snapshot (bad magic)"));
    }
    let format = u32::from_le_bytes(header[10..14].try_into().map_err(|_| bad("short header"))?);
    if format != FORMAT {
        return Err(bad(&format!(
            "format version {format}, this build reads {FORMAT} (rebuild with `vinbot data build`)"
        )));
    }
    let len = u64::from_le_bytes(header[14..22].try_into().map_err(|_| bad("short header"))?);
    if size - HEADER as u64 != len {
        return Err(bad(&format!(
            "truncated: header says {len} bytes of data, file has {}",
            size - HEADER as u64
        )));
    }
    let mut body = Vec::with_capacity(len as usize);
    r.read_to_end(&mut body)
        .map_err(|e| DataError::Io(path.to_path_buf(), e))?;
    if body.len() as u64 != len || Sha256::digest(&body).as_slice() != &header[22..54] {
        return Err(bad("digest mismatch (corrupt file)"));
    }
    let (data, _): (Data, usize) =
        bincode::serde::decode_from_slice(&body, config()).map_err(|e| bad(&e.to_string()))?;
    Ok(data)
}
