//! CLOB books → price levels.

use crossbook_model::{Price, Qty};

use super::models::{ClobBook, ClobLevel};

/// Price levels of one side, as (price, size), in the order received.
pub type Levels = Vec<(Price, Qty)>;

/// Why a book could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}[{index}]: {reason}")]
pub struct BookParseError {
    pub field: &'static str,
    pub index: usize,
    pub reason: String,
}

fn side(field: &'static str, levels: &[ClobLevel]) -> Result<Levels, BookParseError> {
    levels
        .iter()
        .enumerate()
        .map(|(index, l)| {
            let err = |e: crossbook_model::DecimalError| BookParseError { field, index, reason: e.to_string() };
            Ok((l.price.parse::<Price>().map_err(err)?, l.size.parse::<Qty>().map_err(err)?))
        })
        .collect()
}

/// Bids and asks of a CLOB book (any order; the book crate sorts them).
pub fn book_levels(b: &ClobBook) -> Result<(Levels, Levels), BookParseError> {
    Ok((side("bids", &b.bids)?, side("asks", &b.asks)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_string_levels_and_names_bad_ones() {
        let b: ClobBook = serde_json::from_value(serde_json::json!({
            "asset_id": "1", "bids": [{"price": "0.48", "size": "30"}], "asks": [{"price": "0.52", "size": "25.5"}]
        }))
        .unwrap();
        let (bids, asks) = book_levels(&b).unwrap();
        assert_eq!((bids[0].0.to_string(), asks[0].1.to_string()), ("0.48".into(), "25.5".into()));
        let bad: ClobBook = serde_json::from_value(
            serde_json::json!({"asset_id": "1", "bids": [], "asks": [{"price": "1.5", "size": "1"}]}),
        )
        .unwrap();
        assert_eq!(book_levels(&bad).unwrap_err().field, "asks");
    }
}
