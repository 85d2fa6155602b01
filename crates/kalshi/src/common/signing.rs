//! Kalshi request signing: `KALSHI-ACCESS-SIGNATURE` = base64(signature of timestamp_ms +
//! METHOD + path) — RSA-PSS-SHA256 (MGF1-SHA256, salt = 32 bytes) with an RSA key, or Ed25519
//! with an Ed25519 key (accepted since 2026-09-24). The path includes `/trade-api/v2` and
//! excludes the query string. The verifier is what the simulator checks requests with.
//!
//! References: <https://docs.kalshi.com/getting_started/api_keys>

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ring::rand::SystemRandom;
use ring::signature::{self, Ed25519KeyPair, KeyPair, RsaKeyPair};

/// Why a key could not be used. Never carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("KALSHI_PRIVATE_KEY_PATH: cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("KALSHI_PRIVATE_KEY_PATH: {path} is readable by group or others (mode {mode:o}); run `chmod 600 {path}`")]
    TooOpen { path: String, mode: u32 },
    #[error(
        "KALSHI_PRIVATE_KEY_PATH: {path} is not a PEM RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8) private key: {reason}"
    )]
    Invalid { path: String, reason: String },
    #[error("Kalshi public key: {0}")]
    PublicKey(String),
}

/// An API key's private half.
enum PrivateKey {
    Rsa(RsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// Signs Kalshi requests with an API key.
pub struct KalshiSigner {
    key_id: String,
    key: PrivateKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for KalshiSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KalshiSigner").field("key_id", &self.key_id).field("key", &"<redacted>").finish()
    }
}

impl KalshiSigner {
    /// Loads a PEM key file, refusing one that group or others can read.
    pub fn from_file(key_id: &str, path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let meta =
            std::fs::metadata(path).map_err(|e| KeyError::Unreadable { path: shown.clone(), reason: e.to_string() })?;
        // A FIFO or a device would hang the read or never end it; a key is a few kilobytes.
        if !meta.is_file() {
            return Err(KeyError::Unreadable { path: shown, reason: "not a regular file".into() });
        }
        if meta.len() > 64 * 1024 {
            return Err(KeyError::Unreadable { path: shown, reason: "larger than 64 KiB: not a key".into() });
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(KeyError::TooOpen { path: shown, mode });
            }
        }
        #[cfg(not(unix))]
        let _ = meta;
        let text = std::fs::read_to_string(path)
            .map_err(|e| KeyError::Unreadable { path: shown.clone(), reason: e.to_string() })?;
        Self::from_pem(key_id, &text).map_err(|reason| KeyError::Invalid { path: shown, reason })
    }

    /// Parses a PEM private key: `RSA PRIVATE KEY` (PKCS#1), or `PRIVATE KEY` (PKCS#8) holding
    /// an RSA or an Ed25519 key.
    pub fn from_pem(key_id: &str, pem_text: &str) -> Result<Self, String> {
        let block = pem::parse(pem_text.trim()).map_err(|_| "not PEM".to_string())?;
        let key = match block.tag() {
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(block.contents())
                .map(PrivateKey::Rsa)
                .map_err(|e| format!("rejected by the RSA parser ({e})"))?,
            "PRIVATE KEY" => match RsaKeyPair::from_pkcs8(block.contents()) {
                Ok(k) => PrivateKey::Rsa(k),
                Err(rsa) => Ed25519KeyPair::from_pkcs8_maybe_unchecked(block.contents())
                    .map(PrivateKey::Ed25519)
                    .map_err(|ed| format!("rejected by the RSA parser ({rsa}) and the Ed25519 parser ({ed})"))?,
            },
            other => return Err(format!("unexpected PEM block {other:?}")),
        };
        Ok(Self { key_id: key_id.to_string(), key, rng: SystemRandom::new() })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The signature of `timestamp_ms + method + path`, base64.
    pub fn sign(&self, timestamp_ms: i64, method: &str, path: &str) -> Result<String, String> {
        let message = format!("{timestamp_ms}{method}{path}");
        match &self.key {
            PrivateKey::Rsa(key) => {
                let mut sig = vec![0u8; key.public().modulus_len()];
                key.sign(&signature::RSA_PSS_SHA256, &self.rng, message.as_bytes(), &mut sig)
                    .map_err(|_| "RSA-PSS signing failed".to_string())?;
                Ok(B64.encode(sig))
            }
            PrivateKey::Ed25519(key) => Ok(B64.encode(key.sign(message.as_bytes()))),
        }
    }

    /// The three Kalshi headers for a request at `timestamp_ms`.
    pub fn headers_at(
        &self,
        timestamp_ms: i64,
        method: &str,
        path: &str,
    ) -> Result<Vec<(&'static str, String)>, String> {
        Ok(vec![
            ("kalshi-access-key", self.key_id.clone()),
            ("kalshi-access-timestamp", timestamp_ms.to_string()),
            ("kalshi-access-signature", self.sign(timestamp_ms, method, path)?),
        ])
    }
}

impl crossbook_net::SignRequest for KalshiSigner {
    fn headers(&self, method: &str, path: &str) -> Result<Vec<(&'static str, String)>, String> {
        self.headers_at(chrono::Utc::now().timestamp_millis(), method, path)
    }
}

/// Checks Kalshi signatures against a public key (the simulator's side of the handshake).
#[derive(Debug, Clone)]
pub enum KalshiVerifier {
    /// PKCS#1 `RSAPublicKey` DER.
    Rsa(Vec<u8>),
    /// The 32-byte Ed25519 public key.
    Ed25519(Vec<u8>),
}

/// The DER of the Ed25519 algorithm identifier: SEQUENCE { OID 1.3.101.112 }.
const ED25519_ALGORITHM: &[u8] = &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];

impl KalshiVerifier {
    /// From a PEM public key: `PUBLIC KEY` (SPKI, RSA or Ed25519) or `RSA PUBLIC KEY` (PKCS#1).
    pub fn from_pem(pem_text: &str) -> Result<Self, KeyError> {
        let block = pem::parse(pem_text.trim()).map_err(|_| KeyError::PublicKey("not PEM".into()))?;
        match block.tag() {
            "RSA PUBLIC KEY" => Ok(Self::Rsa(block.contents().to_vec())),
            "PUBLIC KEY" => {
                let (algorithm, key) =
                    spki_parts(block.contents()).ok_or_else(|| KeyError::PublicKey("bad SPKI".into()))?;
                Ok(if algorithm == ED25519_ALGORITHM { Self::Ed25519(key) } else { Self::Rsa(key) })
            }
            other => Err(KeyError::PublicKey(format!("unexpected PEM block {other:?}"))),
        }
    }

    /// The verifier for a signer's own key.
    pub fn for_signer(signer: &KalshiSigner) -> Self {
        match &signer.key {
            PrivateKey::Rsa(k) => Self::Rsa(k.public().as_ref().to_vec()),
            PrivateKey::Ed25519(k) => Self::Ed25519(k.public_key().as_ref().to_vec()),
        }
    }

    /// Whether `signature_b64` signs `timestamp + method + path`.
    pub fn verify(&self, timestamp: &str, method: &str, path: &str, signature_b64: &str) -> bool {
        let Ok(sig) = B64.decode(signature_b64.trim()) else { return false };
        let message = format!("{timestamp}{method}{path}");
        let (algorithm, key): (&dyn signature::VerificationAlgorithm, &[u8]) = match self {
            Self::Rsa(k) => (&signature::RSA_PSS_2048_8192_SHA256, k),
            Self::Ed25519(k) => (&signature::ED25519, k),
        };
        signature::UnparsedPublicKey::new(algorithm, key).verify(message.as_bytes(), &sig).is_ok()
    }
}

/// A `SubjectPublicKeyInfo`'s algorithm identifier (whole DER) and key bits:
/// SEQUENCE { SEQUENCE { OID, … }, BIT STRING { 0x00, key } }.
fn spki_parts(der: &[u8]) -> Option<(&[u8], Vec<u8>)> {
    let (tag, outer, _) = der_item(der)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, _, rest) = der_item(outer)?;
    if tag != 0x30 {
        return None;
    }
    let algorithm = &outer[..outer.len() - rest.len()];
    let (tag, bits, _) = der_item(rest)?;
    if tag != 0x03 || bits.first() != Some(&0) {
        return None;
    }
    Some((algorithm, bits[1..].to_vec()))
}

/// One DER item: (tag, contents, what follows).
fn der_item(d: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *d.first()?;
    let first = *d.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *d.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    Some((tag, d.get(header..end)?, d.get(end..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PKCS1: &str = include_str!("../../test_data/test_key_pkcs1.pem");
    const PKCS8: &str = include_str!("../../test_data/test_key_pkcs8.pem");
    const PUBLIC: &str = include_str!("../../test_data/test_key_pub.pem");
    const KNOWN_SIGNATURE: &str = include_str!("../../test_data/known_signature.b64");

    #[test]
    fn verifies_a_known_signature_made_by_openssl() {
        let v = KalshiVerifier::from_pem(PUBLIC).unwrap();
        assert!(v.verify("1703123456789", "GET", "/trade-api/v2/portfolio/orders", KNOWN_SIGNATURE));
        // The query string is not part of what is signed.
        assert!(!v.verify("1703123456789", "GET", "/trade-api/v2/portfolio/orders?limit=5", KNOWN_SIGNATURE));
        assert!(!v.verify("1703123456780", "GET", "/trade-api/v2/portfolio/orders", KNOWN_SIGNATURE));
        assert!(!v.verify("1703123456789", "POST", "/trade-api/v2/portfolio/orders", KNOWN_SIGNATURE));
    }

    #[test]
    fn both_key_formats_sign_verifiably() {
        let v = KalshiVerifier::from_pem(PUBLIC).unwrap();
        for pem in [PKCS1, PKCS8] {
            let s = KalshiSigner::from_pem("key-id", pem).unwrap();
            let sig = s.sign(1_703_123_456_789, "GET", "/trade-api/v2/markets").unwrap();
            assert!(v.verify("1703123456789", "GET", "/trade-api/v2/markets", &sig));
            assert!(KalshiVerifier::for_signer(&s).verify("1703123456789", "GET", "/trade-api/v2/markets", &sig));
        }
    }

    const ED25519: &str = include_str!("../../test_data/test_key_ed25519.pem");
    const ED25519_PUBLIC: &str = include_str!("../../test_data/test_key_ed25519_pub.pem");
    const KNOWN_ED25519_SIGNATURE: &str = include_str!("../../test_data/known_signature_ed25519.b64");

    #[test]
    fn ed25519_keys_sign_as_openssl_does() {
        let s = KalshiSigner::from_pem("key-id", ED25519).unwrap();
        // Ed25519 is deterministic: the same message gives openssl's signature byte for byte.
        let sig = s.sign(1_703_123_456_789, "GET", "/trade-api/v2/portfolio/orders").unwrap();
        assert_eq!(sig, KNOWN_ED25519_SIGNATURE.trim());
        let v = KalshiVerifier::from_pem(ED25519_PUBLIC).unwrap();
        assert!(matches!(v, KalshiVerifier::Ed25519(_)));
        assert!(v.verify("1703123456789", "GET", "/trade-api/v2/portfolio/orders", &sig));
        assert!(!v.verify("1703123456789", "GET", "/trade-api/v2/portfolio/orders?limit=5", &sig));
        assert!(KalshiVerifier::for_signer(&s).verify("1703123456789", "GET", "/trade-api/v2/portfolio/orders", &sig));
        // An RSA verifier does not take an Ed25519 signature.
        assert!(!KalshiVerifier::from_pem(PUBLIC).unwrap().verify(
            "1703123456789",
            "GET",
            "/trade-api/v2/portfolio/orders",
            &sig
        ));
    }

    #[test]
    fn key_files_readable_by_others_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.pem");
        std::fs::write(&path, PKCS8).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = KalshiSigner::from_file("id", &path).unwrap_err();
        assert!(matches!(err, KeyError::TooOpen { mode: 0o644, .. }), "{err}");
        assert!(err.to_string().contains("KALSHI_PRIVATE_KEY_PATH"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let signer = KalshiSigner::from_file("id", &path).unwrap();
        assert!(!format!("{signer:?}").contains("PRIVATE"));
    }

    #[test]
    fn special_files_are_refused_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("key.fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let e = KalshiSigner::from_file("id", &fifo).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
        let e = KalshiSigner::from_file("id", std::path::Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn garbage_keys_are_clear_errors_without_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.pem");
        std::fs::write(&path, "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let err = KalshiSigner::from_file("id", &path).unwrap_err().to_string();
        assert!(err.contains("not a PEM RSA") && err.contains("Ed25519") && !err.contains("c2VjcmV0"), "{err}");
    }
}
