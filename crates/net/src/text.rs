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
}
