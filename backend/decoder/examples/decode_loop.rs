//! Decodes a 16-VIN popular mix (the criterion bench's) in a loop: a small binary to profile the engine
//! with instruction counters (`valgrind --tool=callgrind --toggle-collect='*decode_mix*'`), which stay
//! reproducible on a busy machine. `cargo run --release -p vinbot-decoder --example decode_loop [ROUNDS]`
//! reads the data directory VINBOT_DATA_DIR names (default ~/.cache/vinbot).

use std::path::PathBuf;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use vinbot_decoder::{DecodeOptions, Decoder};

/// The criterion bench's popular mix (one file for both).
const MIX: &str = include_str!("../benches/popular_mix.txt");

/// One round over the mix; returns the number of values (so nothing is optimised away).
#[inline(never)]
fn decode_mix(d: &Decoder, vins: &[&str]) -> usize {
    vins.iter()
        .map(|vin| d.decode_with(vin, DecodeOptions::default()).values.len())
        .sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::var_os("VINBOT_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/vinbot")
        });
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let only: Vec<String> = std::env::args().skip(2).collect();
    let vins: Vec<&str> = if only.is_empty() {
        MIX.lines().collect()
    } else {
        only.iter().map(String::as_str).collect()
    };
    let d = Decoder::open_data_dir(&dir)?;
    let mut n = 0;
    for _ in 0..rounds {
        n += decode_mix(&d, &vins);
    }
    println!("{n} values in {rounds} rounds");
    Ok(())
}
