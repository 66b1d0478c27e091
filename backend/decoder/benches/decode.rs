//! Criterion benchmarks of the engine: single decodes of different makes (clean, mistyped, partial,
//! unknown WMI), each VIN of a 16-VIN popular mix on its own, and the mix as a batch, on the real vPIC
//! data. The allocator is the one the `vinbot` binary runs with (mimalloc), so the figures are the
//! engine's cost as deployed.

use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use vinbot_decoder::{DecodeOptions, Decoder};

fn decoder() -> Decoder {
    let dir = std::env::var("VINBOT_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/vinbot")
        });
    Decoder::open_data_dir(&dir).expect("vPIC data (run scripts/fetch-vpic-data)")
}

const SINGLE: &[(&str, &str)] = &[
    ("honda_clean", "1HGCM82633A004352"),
    ("tesla_clean", "5YJXCBE10KF604140"),
    ("ford_truck", "1FTFW1ET5BFC10312"),
    ("trailer_two_cycles", "1BLBUSP48B1730187"),
    ("bad_check_digit", "1HGCM82643A004352"),
    ("invalid_chars", "1HGCM8263OA004352"),
    ("partial", "1HGCM826"),
    ("unknown_wmi", "ZZZZZ111111111111"),
];

/// A mix of real-shaped VINs (the same makes as the parity corpus), embedded so the bench runs anywhere.
const MIX: &[&str] = &[
    "1HGCM82633A004352",
    "5YJXCBE10KF604140",
    "1FTFW1ET5BFC10312",
    "1BLBUSP48B1730187",
    "4A4LM61TX6E089867",
    "JA4ASVAA7SZ743816",
    "WU124AFY0P2547822",
    "5LMTJ2DT0HE585681",
    "5XXGN5D79E6890935",
    "2G4WB94F23L785802",
    "J8BU3J49X7Z915832",
    "JA3AA39H8TZ529996",
    "1B6KF13V11R477056",
    "JNRAR05Y8YZ943432",
    "JF1GH6J15B9881526",
    "3GGW3JFN1BG234932",
];

fn single(c: &mut Criterion) {
    let d = decoder();
    let mut g = c.benchmark_group("decode_single");
    for (name, vin) in SINGLE {
        g.bench_with_input(BenchmarkId::from_parameter(name), vin, |b, vin| {
            b.iter(|| d.decode_with(vin, DecodeOptions::default()))
        });
    }
    g.bench_function("honda_with_repairs_bad_check_digit", |b| {
        b.iter(|| d.decode("1HGCM82643A004352", None))
    });
    g.finish();
}

/// Each VIN of the mix on its own: the median of these medians is the "typical single decode" figure.
fn popular(c: &mut Criterion) {
    let d = decoder();
    let mut g = c.benchmark_group("decode_popular");
    for vin in MIX {
        g.bench_with_input(BenchmarkId::from_parameter(vin), vin, |b, vin| {
            b.iter(|| d.decode_with(vin, DecodeOptions::default()))
        });
    }
    g.finish();
}

fn batch(c: &mut Criterion) {
    let d = decoder();
    let mut g = c.benchmark_group("decode_batch");
    g.throughput(Throughput::Elements(MIX.len() as u64));
    g.bench_function("mix16_flat", |b| {
        b.iter(|| {
            let mut n = 0;
            for vin in MIX {
                let r = d.decode_with(vin, DecodeOptions::default());
                n += d.flat_values(&r).len();
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, single, popular, batch);
criterion_main!(benches);
