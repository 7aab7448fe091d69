//! Integers in request bodies as JSON Schema reads them: `2.0` is the
//! integer 2 (draft 2020-12), and a value past `int64` is not one. serde
//! alone would refuse `2.0` and take `2^63`, so a client that follows the
//! OpenAPI document would be refused, and one that does not, served.

use serde::Deserializer;
use serde::de::{Error, Unexpected, Visitor};

struct Integer;

impl Visitor<'_> for Integer {
    type Value = i64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &"an integer of at most 2^63 - 1"))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<i64, E> {
        // ±2^63 are exact as f64; every whole f64 in [-2^63, 2^63) fits an i64.
        const TWO_63: f64 = 9_223_372_036_854_775_808_u64 as f64;
        if v.is_finite() && v.fract() == 0.0 && (-TWO_63..TWO_63).contains(&v) {
            #[allow(clippy::cast_possible_truncation)]
            Ok(v as i64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

/// `#[serde(deserialize_with = "crate::number::integer")]`: a whole number
/// (written `2` or `2.0`) that fits the field's type.
pub fn integer<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    let n = d.deserialize_any(Integer)?;
    T::try_from(n).map_err(|_| D::Error::invalid_value(Unexpected::Signed(n), &"an integer in the field's range"))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::integer")]
        small: u8,
        #[serde(deserialize_with = "super::integer")]
        big: u64,
    }

    fn read(json: &str) -> Option<(u8, u64)> {
        serde_json::from_str::<Body>(json).ok().map(|b| (b.small, b.big))
    }

    #[test]
    fn whole_floats_are_integers_and_the_range_is_the_fields() {
        assert_eq!(read(r#"{"small": 2, "big": 585}"#), Some((2, 585)));
        assert_eq!(read(r#"{"small": 2.0, "big": 5.85e2}"#), Some((2, 585)));
        assert_eq!(read(r#"{"small": 255, "big": 9223372036854775807}"#), Some((255, i64::MAX as u64)));
        for bad in [
            r#"{"small": 2.5, "big": 1}"#,
            r#"{"small": 256, "big": 1}"#,
            r#"{"small": -1, "big": 1}"#,
            r#"{"small": 1, "big": 9223372036854775808}"#,
            r#"{"small": 1, "big": 9.3e18}"#,
            r#"{"small": 1, "big": "1"}"#,
            r#"{"small": 1}"#,
        ] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }
}
