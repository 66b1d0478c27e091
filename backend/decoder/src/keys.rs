//! vPIC pattern keys compiled to per-position character masks.
//!
//! A key is matched against the VIN's "key string": positions 4-8, `|`, positions 10-17. `*` matches any
//! character, `[..]` a class with ranges, `#` a digit (formula keys), anything else itself. A key matches
//! when it is a prefix-match of the key string (SQL `LIKE key%`), so a key longer than the key string of a
//! partial VIN never matches.

use serde::{Deserialize, Serialize};

/// Number of distinct character slots a mask distinguishes.
pub const SLOTS: usize = 40;
const SLOT_STAR: u8 = 36;
const SLOT_BAR: u8 = 37;
const SLOT_OTHER: u8 = 38;
/// Slot of a position beyond the end of a partial VIN's key string.
pub const SLOT_ABSENT: u8 = 39;

/// The slot of a key-string character.
pub fn slot(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'Z' => 10 + (c - b'A'),
        b'*' => SLOT_STAR,
        b'|' => SLOT_BAR,
        _ => SLOT_OTHER,
    }
}

/// The character of a slot (for messages); `?` for slots without one.
pub fn slot_char(s: u8) -> char {
    match s {
        0..=9 => char::from(b'0' + s),
        10..=35 => char::from(b'A' + s - 10),
        SLOT_STAR => '*',
        SLOT_BAR => '|',
        _ => '?',
    }
}

/// Mask of the VIN alphabet (digits and letters without I, O, Q).
pub const VALID_CHARS: u64 = {
    let mut m = 0u64;
    let mut s = 0;
    while s < 36 {
        let skip = s == 10 + (b'I' - b'A') as usize
            || s == 10 + (b'O' - b'A') as usize
            || s == 10 + (b'Q' - b'A') as usize;
        if !skip {
            m |= 1 << s;
        }
        s += 1;
    }
    m
};
const DIGITS: u64 = (1 << 10) - 1;

/// One constrained position of a key, packed in one word: the allowed character slots (40 bits) above the
/// 1-based key-string position (4 bits; 1-5 = VIN 4-8, 6 = `|`, 7-14 = VIN 10-17). Half the size of a
/// (position, mask) pair: the index holds ~700k of them and the matching loop streams through them.
#[repr(transparent)]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, bytemuck::Pod, bytemuck::Zeroable,
)]
pub struct Constraint(u64);

impl Constraint {
    /// A constraint at a key-string position (1-15).
    pub fn new(pos: u8, mask: u64) -> Self {
        Constraint(mask << 4 | u64::from(pos & 15))
    }

    /// The 1-based key-string position.
    #[inline]
    pub fn pos(self) -> u8 {
        (self.0 & 15) as u8
    }

    /// The allowed character slots.
    #[inline]
    pub fn mask(self) -> u64 {
        self.0 >> 4
    }

    /// Whether the key-string character at the constraint's position is allowed.
    #[inline]
    pub fn allows(self, slots: &[u8; 16]) -> bool {
        self.mask() >> slots[(self.0 & 15) as usize] & 1 == 1
    }
}

/// A compiled key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompiledKey {
    /// Number of key-string positions the key spans.
    pub len: u8,
    /// Constrained positions (not `*`), ascending.
    pub constraints: Vec<Constraint>,
    /// Formula key (`#` positions are the value).
    pub formula: bool,
    /// The key can never match (malformed, or a formula key with classes or literal digits).
    pub never: bool,
}

impl CompiledKey {
    /// Compiles a key text (already upper-cased).
    pub fn compile(text: &str) -> CompiledKey {
        let b = text.as_bytes();
        let formula = b.contains(&b'#');
        let mut constraints = Vec::new();
        let mut never = false;
        let mut pos = 0u8;
        let mut i = 0;
        while i < b.len() {
            pos = pos.saturating_add(1);
            match b[i] {
                b'*' => {}
                b'[' => {
                    let Some(close) = b[i..].iter().position(|&c| c == b']') else {
                        never = true;
                        break;
                    };
                    if formula {
                        // LIKE treats brackets literally: such a formula key cannot match a key string.
                        never = true;
                    }
                    let mask = class_mask(&b[i + 1..i + close]);
                    constraints.push(Constraint::new(pos, mask));
                    i += close;
                }
                b'#' => constraints.push(Constraint::new(pos, DIGITS)),
                c => {
                    if formula && c.is_ascii_digit() {
                        // Digits of the key string are replaced by `#` before formula matching.
                        never = true;
                    }
                    constraints.push(Constraint::new(pos, 1 << slot(c)));
                }
            }
            i += 1;
        }
        if pos > 14 {
            // Longer than any key string (5 positions, `|`, 8): LIKE can never match it.
            never = true;
        }
        CompiledKey {
            len: pos,
            constraints,
            formula,
            never,
        }
    }

    /// Whether the key matches a key string given as slots (absent positions past the end).
    pub fn matches(&self, slots: &[u8; 16], key_len: u8) -> bool {
        self.view("").matches(slots, key_len)
    }

    /// A borrowed view of the key.
    pub fn view<'a>(&'a self, text: &'a str) -> KeyView<'a> {
        KeyView {
            text,
            constraints: &self.constraints,
            len: self.len,
            formula: self.formula,
            never: self.never,
        }
    }
}

/// A key as stored in a schema: its text and constraints borrowed from the schema's arrays.
#[derive(Debug, Clone, Copy)]
pub struct KeyView<'a> {
    /// The key text.
    pub text: &'a str,
    /// Constrained positions, ascending.
    pub constraints: &'a [Constraint],
    /// Number of key-string positions the key spans.
    pub len: u8,
    /// Formula key.
    pub formula: bool,
    /// Never matches.
    pub never: bool,
}

impl KeyView<'_> {
    /// Whether the key matches a key string given as slots (absent positions past the end).
    #[inline]
    pub fn matches(&self, slots: &[u8; 16], key_len: u8) -> bool {
        if self.never || self.len > key_len {
            return false;
        }
        self.constraints.iter().all(|c| c.allows(slots))
    }

    /// The characters the key names at each key-string position (vPIC's `fValidCharsInKey`: `*` names
    /// none, `#` the digits), as `(pos, mask)`, skipping position 6 (`|`).
    pub fn valid_chars(&self) -> impl Iterator<Item = (u8, u64)> + '_ {
        self.constraints
            .iter()
            .filter(|c| c.pos() != 6)
            .map(|c| (c.pos(), c.mask() & !(1 << SLOT_BAR)))
    }
}

/// Characters of a `[...]` class body: single characters and `a-b` ranges over the VIN alphabet order.
fn class_mask(body: &[u8]) -> u64 {
    let mut mask = 0u64;
    let mut negate = false;
    let mut j = 0;
    if body.first() == Some(&b'^') {
        negate = true;
        j = 1;
    }
    while j < body.len() {
        let c = body[j];
        if j + 2 < body.len() && body[j + 1] == b'-' {
            let hi = body[j + 2];
            for x in c..=hi {
                if x.is_ascii_alphanumeric() {
                    mask |= 1 << slot(x.to_ascii_uppercase());
                }
            }
            j += 3;
        } else {
            if c.is_ascii_alphanumeric() {
                mask |= 1 << slot(c.to_ascii_uppercase());
            }
            j += 1;
        }
    }
    if negate {
        // vPIC tests the VIN alphabet against the class.
        mask = VALID_CHARS & !mask;
    }
    mask
}

/// The key string of a VIN as slots, index 1..=14; returns its length (0 when the VIN has 3 characters
/// or fewer).
pub fn key_slots(vin: &[u8]) -> ([u8; 16], u8) {
    let mut s = [SLOT_ABSENT; 16];
    if vin.len() <= 3 {
        return (s, 0);
    }
    let mut n = 0u8;
    for &c in vin.iter().skip(3).take(5) {
        n += 1;
        s[n as usize] = slot(c);
    }
    if vin.len() > 9 {
        n += 1;
        s[n as usize] = SLOT_BAR;
        for &c in vin.iter().skip(9).take(8) {
            n += 1;
            s[n as usize] = slot(c);
        }
    }
    (s, n)
}

/// The VIN position (1-based) of a key-string position.
pub fn vin_position(key_pos: u8) -> u8 {
    key_pos + 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(key: &str, vin: &str) -> bool {
        let (s, n) = key_slots(vin.as_bytes());
        CompiledKey::compile(key).matches(&s, n)
    }

    #[test]
    fn literal_star_and_classes() {
        let vin = "1HGCM82633A004352";
        assert!(m("CM82[67]", vin));
        assert!(m("CM8", vin));
        assert!(!m("CM82[78]", vin));
        assert!(m("**8", vin));
        assert!(m("*****|*A", vin));
        assert!(m("*****|[0-4]", vin));
        assert!(!m("*****|[4-9]", vin));
        assert!(m("*****|**[0-1]", vin));
        assert!(m("[A-HJ-NPR]M", vin));
    }

    #[test]
    fn partial_vins_do_not_match_longer_keys() {
        assert!(!m("CM82633", "1HGCM82"));
        assert!(m("CM82", "1HGCM82"));
        assert!(!m("C*", "1HG"));
    }

    #[test]
    fn formula_keys_match_digits() {
        assert!(m("**##", "1HGCM82633A004352"));
        assert!(!m("**##", "1HGCMAB633A004352"));
        assert!(!m("*2##", "1HGCM22633A004352"));
    }
}
