//! Shared test setup: the decoder over the vPIC data that `scripts/fetch-vpic-data` fetched.

use std::path::PathBuf;
use std::sync::OnceLock;

use vinbot_decoder::Decoder;

/// The data directory (same rule as the service).
pub fn data_dir() -> PathBuf {
    if let Ok(d) = std::env::var("VINBOT_DATA_DIR") {
        return PathBuf::from(d);
    }
    let base = std::env::var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache")
        });
    base.join("vinbot")
}

/// One decoder for the whole test binary, with the clock pinned to 2026-11-29 so model-year limits
/// do not move with the calendar.
pub fn decoder() -> &'static Decoder {
    static D: OnceLock<Decoder> = OnceLock::new();
    D.get_or_init(|| {
        let dir = data_dir();
        Decoder::open_data_dir(&dir)
            .unwrap_or_else(|e| {
                panic!(
                    "vPIC data missing in {}: {e}. Run scripts/fetch-vpic-data first.",
                    dir.display()
                )
            })
            .with_clock(2026, 20_786)
    })
}
