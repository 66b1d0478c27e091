//! The `vinbot` binary: parse the command line, hand over to the library.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    vinbot_server::cli::run(vinbot_server::cli::Cli::parse())
}
