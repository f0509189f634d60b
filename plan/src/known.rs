//! A planned value as the mappers take it: known, absent, or unknown until the apply —
//! recorded against its record for the checks that would read it.

use crate::overlay::Builder;
use crate::resolve::Got;

/// The value, or `None` with what is unknown recorded against `record` for `checks`.
pub fn known<T>(b: &mut Builder, record: &str, got: Got<T>, checks: &[&'static str]) -> Option<T> {
    match got {
        Got::Known(v) => Some(v),
        Got::Absent => None,
        Got::Unknown(whats) => {
            b.unknown(record, whats, checks);
            None
        }
    }
}

pub fn strs_or_empty(
    b: &mut Builder,
    record: &str,
    got: Got<Vec<String>>,
    checks: &[&'static str],
) -> Vec<String> {
    known(b, record, got, checks).unwrap_or_default()
}
