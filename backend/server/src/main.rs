//! The `vinbot` binary: parse the command line, hand over to the library.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    let cli = vinbot_server::cli::Cli::parse();
    // Before any runtime or thread exists; dropping the guard at exit flushes queued events.
    let _sentry = vinbot_server::observability::sentry::init(|k| std::env::var(k).ok());
    vinbot_server::cli::run(cli)
}
