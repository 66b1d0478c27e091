//! The `vinbot` binary: parse the command line, hand over to the library.

use std::process::ExitCode;

use clap::Parser;

// The decoder allocates many small, short-lived values per VIN across threads; mimalloc serves that
// pattern measurably faster than the system allocator (see docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match vinbot_server::cli::run(vinbot_server::cli::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // A failed command is a message for a person (what went wrong, each cause after a colon),
            // never a backtrace, even with RUST_BACKTRACE set: that stays for panics.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
