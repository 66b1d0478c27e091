//! The snapshot file: the built index, serialised, behind a header that names the format and carries a
//! digest, so a truncated or foreign file is refused with a clear error instead of decoding garbage.
//!
//! Layout: magic `VINBOTSNAP` (10 bytes), format version (u32 LE), length of section A (u64 LE), length
//! of section B (u64 LE), SHA-256 of A‖B (32 bytes), A (bincode of the index without its schemas),
//! B (bincode of the schemas). The two sections decode on two threads: loading takes half the time.

use std::io::{Read, Write};
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
pub fn read(path: &Path) -> Result<Data, DataError> {
    let bad = |m: &str| DataError::Snapshot(path.to_path_buf(), m.to_string());
    let mut file = std::fs::File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            DataError::Missing(path.to_path_buf())
        } else {
            DataError::Io(path.to_path_buf(), e)
        }
    })?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| DataError::Io(path.to_path_buf(), e))?;
    if bytes.len() < HEADER || &bytes[..10] != MAGIC {
        return Err(bad("not a vinbot snapshot (bad magic)"));
    }
    let u64_at = |i: usize| -> Result<u64, DataError> {
        Ok(u64::from_le_bytes(
            bytes[i..i + 8]
                .try_into()
                .map_err(|_| bad("short header"))?,
        ))
    };
    let format = u32::from_le_bytes(bytes[10..14].try_into().map_err(|_| bad("short header"))?);
    if format != FORMAT {
        return Err(bad(&format!(
            "format version {format}, this build reads {FORMAT} (rebuild with `vinbot data build`)"
        )));
    }
    let (la, lb) = (u64_at(14)? as usize, u64_at(22)? as usize);
    let body = &bytes[HEADER..];
    if body.len() != la.saturating_add(lb) {
        return Err(bad(&format!(
            "truncated: header says {} bytes of data, file has {}",
            la.saturating_add(lb),
            body.len()
        )));
    }
    let (a, b) = body.split_at(la);
    if digest(a, b)[..] != bytes[30..62] {
        return Err(bad("digest mismatch (corrupt file)"));
    }
    let (data, schemas) = std::thread::scope(|s| {
        let schemas =
            s.spawn(|| bincode::serde::borrow_decode_from_slice::<Vec<Schema>, _>(b, config()));
        let data = bincode::serde::borrow_decode_from_slice::<Data, _>(a, config());
        (data, schemas.join())
    });
    let (mut data, _) = data.map_err(|e| bad(&e.to_string()))?;
    let (schemas, _) = schemas
        .map_err(|_| bad("decoder thread panicked"))?
        .map_err(|e| bad(&e.to_string()))?;
    data.schemas = schemas;
    Ok(data)
}
