//! The result of one model-year pass of the core procedure.

use crate::procedure::item::Item;

/// The result of one pass.
#[derive(Debug, Clone)]
pub(crate) struct Pass<'a> {
    pub year: Option<u16>,
    pub items: Vec<Item<'a>>,
    pub codes: Vec<u16>,
    /// Positions no matched key names (error 14), e.g. `5,6`.
    pub unused: Option<String>,
    /// Invalid characters (error 400), `, pos:char` each.
    pub invalid: String,
    /// The vehicle is incomplete (note in `AdditionalErrorText`).
    pub incomplete: bool,
    /// Off-road body class (note in `ErrorText` of error 1).
    pub off_road: bool,
    pub suggested_vin: String,
    pub possible_values: String,
    pub conclusive: bool,
    /// The check digit has a manufacturer's exception (note in `ErrorText` of code 0).
    pub cd_exception: bool,
}
