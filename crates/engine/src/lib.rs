//! crossbook's services. The only library crate besides the CLI that sees every other crate.
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// Where "now" comes from.
pub mod clock;
/// The health report.
pub mod health;
/// Typed settings.
pub mod settings;

pub use clock::Clock;
pub use settings::{SettingError, Settings};
