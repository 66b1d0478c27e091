//! Criterion benchmarks of the engine: opening the snapshot with a first decode, single decodes of different makes (clean, mistyped, partial,
//! unknown WMI), each VIN of a 16-VIN popular mix on its own, and the mix as a batch, on the real vPIC
//! data. The allocator is the one the `vinbot` binary runs with (mimalloc), so the figures are the
//! engine's cost as deployed.

use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use vinbot_decoder::{DecodeOptions, Decoder};

fn data_dir() -> PathBuf {
    std::env::var("VINBOT_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/vinbot")
        })
}

fn decoder() -> Decoder {
    Decoder::open_data_dir(&data_dir()).expect("vPIC data (run scripts/fetch-vpic-data)")
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

/// A mix of real-shaped VINs (the same makes as the parity corpus), embedded so the bench runs anywhere;
/// the profiling example `decode_loop` reads the same file.
fn mix() -> Vec<&'static str> {
    include_str!("popular_mix.txt").lines().collect()
}

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
    for vin in mix() {
        g.bench_with_input(BenchmarkId::from_parameter(vin), vin, |b, vin| {
            b.iter(|| d.decode_with(vin, DecodeOptions::default()))
        });
    }
    g.finish();
}

fn batch(c: &mut Criterion) {
    let d = decoder();
    let mut g = c.benchmark_group("decode_batch");
    let mix = mix();
    g.throughput(Throughput::Elements(mix.len() as u64));
    g.bench_function("mix16_flat", |b| {
        b.iter(|| {
            let mut n = 0;
            for vin in &mix {
                let r = d.decode_with(vin, DecodeOptions::default());
                n += d.flat_values(&r).len();
            }
            n
        })
    });
    g.finish();
}

/// What a starting process pays before its first answer: open the snapshot in place (map it, check its
/// header, decode the small section) and decode one VIN.
fn open(c: &mut Criterion) {
    decoder(); // builds the snapshot if it is missing or stale
    let path = data_dir().join(vinbot_decoder::SNAPSHOT_FILE);
    let mut g = c.benchmark_group("decode_open");
    g.bench_function("snapshot_and_first_decode", |b| {
        b.iter(|| {
            let d = Decoder::load_snapshot(&path).expect("snapshot");
            d.decode_with("1HGCM82633A004352", DecodeOptions::default())
                .values
                .len()
        })
    });
    g.finish();
}

criterion_group!(benches, open, single, popular, batch);
criterion_main!(benches);
