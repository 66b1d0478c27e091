//! The ops tests' view of the harness: the binary, a VIN, and `vinbot serve` as a child process.

pub use vinbot_testkit::{
    env::snapshot_dir as data_dir,
    process::{Served as Server, http, run_ok},
};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_vinbot");

/// A VIN that decodes cleanly.
pub const VIN: &str = "1HGCM82633A004352";
