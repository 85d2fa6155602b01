//! Execution, pure: an opportunity taken leg after leg, each order matched against its venue's
//! book as it is when the order arrives there ([`matching`]), the leg risk controlled by the
//! plan in [`trader`], every fill recorded as the venue reports it, and the trade's P&L. The
//! clock and the books come from the caller; nothing here does I/O.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod matching;
pub mod trader;

pub use trader::{Books, LegTerms, PaperTrader, RiskLimits, TraderConfig};
