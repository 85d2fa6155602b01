//! The venue clients, built from settings.

use std::sync::Arc;

use anyhow::Context;
use crossbook_kalshi::{KalshiClient, KalshiSigner};
use crossbook_polymarket::{ClobClient, GammaClient};
use secrecy::ExposeSecret;

use crate::Settings;

/// One client per venue API.
#[derive(Debug, Clone)]
pub struct Venues {
    pub kalshi: KalshiClient,
    pub gamma: GammaClient,
    pub clob: ClobClient,
    pub polymarket_us: crossbook_polymarket_us::UsClient,
    /// The Kalshi signer, when a key is configured (the WebSocket needs it too).
    pub kalshi_signer: Option<Arc<KalshiSigner>>,
}

impl Venues {
    /// Builds the clients; a Kalshi key is loaded when both KALSHI_API_KEY_ID and
    /// KALSHI_PRIVATE_KEY_PATH are set (public market data works without one).
    pub fn from_settings(s: &Settings) -> anyhow::Result<Self> {
        let signer = match (&s.kalshi_api_key_id, &s.kalshi_private_key_path) {
            (Some(id), Some(path)) => Some(Arc::new(KalshiSigner::from_file(id, path)?)),
            (None, Some(_)) => anyhow::bail!("KALSHI_API_KEY_ID: required when KALSHI_PRIVATE_KEY_PATH is set"),
            (Some(_), None) => anyhow::bail!("KALSHI_PRIVATE_KEY_PATH: required when KALSHI_API_KEY_ID is set"),
            (None, None) => None,
        };
        let proxy = s.http_proxy.as_ref().map(|p| p.expose_secret().to_string());
        Ok(Self {
            kalshi: KalshiClient::with_tier(&s.endpoints.kalshi_api, signer.clone(), proxy.clone(), s.kalshi_tier)
                .context("Kalshi client")?,
            gamma: GammaClient::new(&s.endpoints.polymarket_gamma, proxy.clone()).context("Gamma client")?,
            clob: ClobClient::new(&s.endpoints.polymarket_clob, proxy.clone()).context("CLOB client")?,
            polymarket_us: crossbook_polymarket_us::UsClient::new(&s.endpoints.polymarket_us_api, proxy)
                .context("Polymarket US client")?,
            kalshi_signer: signer,
        })
    }
}
