//! [`Text`]: a JSON string read from a frame without copying it when it can be borrowed.
//!
//! serde borrows a `Cow<str>` field only when it is the field's whole type; inside an `Option`
//! or a tuple it always copies. Socket frames are read on the hot path, where each copy is an
//! allocation: their strings are `Text`, borrowed unless they hold escapes.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, Visitor};

/// A JSON string, borrowed from the input when it has no escapes, copied otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Str;
        impl<'de> Visitor<'de> for Str {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        d.deserialize_str(Str).map(Text)
    }
}

/// A decimal written as a JSON string or a JSON number (venues' older forms send counts and
/// cents as numbers), as its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Decimal<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Decimal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Decimal<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Num;
        impl<'de> Visitor<'de> for Num {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal string or number")
            }
            fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_string()))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_string()))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
                // The shortest text that reads back as the same number ("0.1", not 0.1000…).
                if v.is_finite() { Ok(Cow::Owned(v.to_string())) } else { Err(E::custom("not a finite number")) }
            }
        }
        d.deserialize_any(Num).map(Decimal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_plain_strings_and_copies_escaped_ones() {
        let plain: Option<Text> = serde_json::from_str(r#""KXNBAGAME-26JAN09NOPWAS-NOP""#).unwrap();
        assert!(matches!(plain, Some(Text(Cow::Borrowed("KXNBAGAME-26JAN09NOPWAS-NOP")))));
        let escaped: (Text, Text) = serde_json::from_str(r#"["a\"b", "0.41"]"#).unwrap();
        assert!(matches!(&escaped.0.0, Cow::Owned(s) if s == "a\"b"));
        assert!(matches!(&escaped.1.0, Cow::Borrowed("0.41")));
        assert!(serde_json::from_str::<Text>("12").is_err());
    }

    #[test]
    fn decimals_from_strings_and_numbers() {
        let v: Vec<Decimal> = serde_json::from_str(r#"["0.080", 300, -54, 0.5]"#).unwrap();
        assert_eq!(v.iter().map(|d| &*d.0).collect::<Vec<_>>(), ["0.080", "300", "-54", "0.5"]);
        assert!(serde_json::from_str::<Decimal>("true").is_err());
    }
}
