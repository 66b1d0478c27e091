//! What every model-year pass of one VIN shares: the clock, the WMI record, the key slots and the check
//! digit, computed once per decode.

use crate::keys::key_slots;
use crate::layout::{Data, Wmi};
use crate::vin::{self, CheckDigitRule};

/// Options of the procedure that vPIC takes from the clock.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    /// Current calendar year (model years up to this + 2 are accepted).
    pub year: u16,
    /// Today as days since 1970 (WMIs public from a later date are unknown).
    pub day: i32,
}

pub(crate) fn wmi_rec<'a>(data: &'a Data, wmi: &str, clock: Clock) -> Option<Wmi<'a>> {
    data.wmi(wmi)
        .filter(|w| w.public_day.is_some_and(|d| d <= clock.day))
}

pub(crate) fn is_car_mpv_lt(w: Option<Wmi<'_>>) -> bool {
    w.is_some_and(|w| {
        matches!(w.vehicle_type_id, Some(2) | Some(7))
            || (w.vehicle_type_id == Some(3) && w.truck_type_id == Some(1))
    })
}

/// What every pass of one VIN shares: computed once per decode.
pub(crate) struct VinFacts<'a> {
    pub wmi: String,
    pub slots: [u8; 16],
    pub key_len: u8,
    /// The public WMI record (`None` = unknown WMI, error 7).
    pub wrec: Option<Wmi<'a>>,
    /// Check-digit rule of cars, MPVs and light trucks (from the WMI's vehicle type, public or not, as
    /// vPIC reads it).
    pub car_lt: bool,
    pub cd_fails: bool,
    /// The manufacturer reported this VIN's check digit as wrong from production (`VinException`).
    pub cd_exception: bool,
}

impl<'a> VinFacts<'a> {
    pub(crate) fn new(data: &'a Data, vin: &str, clock: Clock) -> Self {
        let wmi = vin::wmi_owned(vin);
        let vb = vin.as_bytes();
        let (slots, key_len) = key_slots(vb);
        let wrec = wmi_rec(data, &wmi, clock);
        let car_lt = vb.len() > 2 && vb[2] != b'9' && is_car_mpv_lt(data.wmi(&wmi));
        let cd_exception = data.check_digit_exception(vin);
        let cd_fails = check_digit_fails(vin, car_lt) && !cd_exception;
        VinFacts {
            wmi,
            slots,
            key_len,
            wrec,
            car_lt,
            cd_fails,
            cd_exception,
        }
    }
}

/// Whether a complete VIN's check digit is wrong, by the rule `spVinDecode_Core` applies.
fn check_digit_fails(vin: &str, car_lt: bool) -> bool {
    let vb = vin.as_bytes();
    if vb.len() != 17 {
        return false;
    }
    let rule = if car_lt {
        CheckDigitRule::CarMpvLightTruck
    } else {
        CheckDigitRule::Other
    };
    vin::check_digit(vin, rule) != Some(char::from(vb[8]))
}
