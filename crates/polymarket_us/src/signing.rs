//! Polymarket US's authenticated API (`https://api.polymarket.us`: orders, portfolio, the
//! private socket) signs each request with the account's Ed25519 key: `X-PM-Access-Key` (the
//! key id), `X-PM-Timestamp` (Unix milliseconds, within 30 s of the venue's clock) and
//! `X-PM-Signature`, the base64 Ed25519 signature of `timestamp + METHOD + path` (the bare path,
//! no query string). The secret the venue issues is base64 of 64 bytes — the key's seed, then its
//! public key — and the seed signs. Public reads (the gateway) are not signed.
//!
//! The key stays in this type: its `Debug` shows the key id only, and no error names the secret.

use base64::Engine as _;
use ring::signature::{Ed25519KeyPair, KeyPair};

/// Signs Polymarket US requests.
pub struct UsSigner {
    key_id: String,
    key: Ed25519KeyPair,
}

impl std::fmt::Debug for UsSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsSigner").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

impl UsSigner {
    /// From the key id and the secret as the venue issues it (base64; its first 32 bytes are
    /// the seed). The error says what is wrong with the secret, never what it is.
    pub fn new(key_id: &str, secret_b64: &str) -> Result<Self, String> {
        if key_id.trim().is_empty() {
            return Err("the Polymarket US key id is empty".into());
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(secret_b64.trim())
            .map_err(|_| "the Polymarket US secret is not base64".to_string())?;
        if bytes.len() < 32 {
            return Err(format!("the Polymarket US secret holds {} bytes, not the 32 of a seed (or 64)", bytes.len()));
        }
        let key = Ed25519KeyPair::from_seed_unchecked(&bytes[..32])
            .map_err(|_| "the Polymarket US secret is not an Ed25519 seed".to_string())?;
        // A 64-byte secret carries the public key after the seed: they must belong together.
        if bytes.len() >= 64 && bytes[32..64] != *key.public_key().as_ref() {
            return Err("the Polymarket US secret's public half does not match its seed".into());
        }
        Ok(Self { key_id: key_id.trim().to_string(), key })
    }

    /// The signature of `timestamp_ms + method + path`, base64.
    pub fn signature(&self, timestamp_ms: i64, method: &str, path: &str) -> String {
        let message = format!("{timestamp_ms}{}{path}", method.to_ascii_uppercase());
        base64::engine::general_purpose::STANDARD.encode(self.key.sign(message.as_bytes()))
    }

    /// The three headers for a request now.
    pub fn headers_at(&self, timestamp_ms: i64, method: &str, path: &str) -> Vec<(&'static str, String)> {
        vec![
            ("x-pm-access-key", self.key_id.clone()),
            ("x-pm-timestamp", timestamp_ms.to_string()),
            ("x-pm-signature", self.signature(timestamp_ms, method, path)),
        ]
    }
}

impl crossbook_net::SignRequest for UsSigner {
    fn headers(&self, method: &str, path: &str) -> Result<Vec<(&'static str, String)>, String> {
        Ok(self.headers_at(chrono::Utc::now().timestamp_millis(), method, path))
    }
}
