//! The `vinbot` binary: parse the command line, hand over to the library.

use clap::Parser;

// The decoder allocates many small, short-lived values per VIN across threads; mimalloc serves that
// pattern measurably faster than the system allocator (see docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = vinbot_server::cli::Cli::parse();
    // Before any runtime or thread exists; dropping the guard at exit flushes queued events.
    let _sentry = vinbot_server::observability::sentry::init(|k| std::env::var(k).ok());
    vinbot_server::cli::run(cli)
}
