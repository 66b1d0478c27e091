//! NHTSA's decoding procedure (`spVinDecode`) over the in-memory index, one module per step, in the
//! order the procedure runs them:
//!
//! - [`years`]: the model-year passes and their ranking (`spVinDecode`);
//! - [`core`]: one pass (`spVinDecode_Core`), calling in turn
//!   [`matching`] (pattern keys), [`engine`] (engine models), [`wmi`] (the WMI's facts), formula keys,
//!   [`ranking`] (one value per element), [`make`] (make from model), [`conversion`] (unit conversions),
//!   [`vehicle_spec`] (vehicle specs), [`error_check`] (`spVinDecode_ErrorCode`), [`codes`] (the codes
//!   after the steps) and [`defaults`] (default values);
//! - [`texts`]: the error texts of the pass shown.
//!
//! Modules only call down this list; [`item`], [`pass`] and [`facts`] are the shared leaves.

pub(crate) mod codes;
pub(crate) mod conversion;
pub(crate) mod core;
pub(crate) mod defaults;
pub(crate) mod engine;
pub(crate) mod error_check;
pub(crate) mod facts;
pub(crate) mod item;
pub(crate) mod make;
pub(crate) mod matching;
pub(crate) mod pass;
pub(crate) mod ranking;
pub(crate) mod texts;
pub(crate) mod vehicle_spec;
pub(crate) mod wmi;
pub(crate) mod years;

pub(crate) use facts::Clock;
pub(crate) use pass::Pass;
pub(crate) use years::{decode_passes, pass_score};
