//! `DATABASE_URL`: which backend, where, and a redacted form for logs.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// A parsed database location. `Display` and `Debug` never show a password.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path/to/file.db` (relative paths are relative to the working folder) or
    /// `sqlite::memory:`.
    Sqlite { path: Option<PathBuf> },
    /// `postgres://user:password@host:port/db` (or `postgresql://`).
    Postgres { url: String },
}

/// Why a database URL was refused (the value itself is not repeated: it may hold a password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("unsupported scheme {0:?} (expected sqlite:// or postgres://)")]
    Scheme(String),
    #[error("missing path after sqlite://")]
    EmptyPath,
    #[error("missing host or database in postgres URL")]
    Postgres,
}

impl DatabaseUrl {
    /// The default embedded database.
    pub const DEFAULT: &'static str = "sqlite://crossbook.db";

    pub fn is_postgres(&self) -> bool {
        matches!(self, DatabaseUrl::Postgres { .. })
    }

    /// The PostgreSQL URL with the secret, for connecting only.
    pub(crate) fn postgres_url(&self) -> Option<&str> {
        match self {
            DatabaseUrl::Postgres { url } => Some(url),
            DatabaseUrl::Sqlite { .. } => None,
        }
    }

    /// A PostgreSQL URL's `host:port` (for putting a proxy in front of it).
    pub fn host_port(&self) -> Option<&str> {
        let (_, rest) = self.postgres_url()?.split_once("://")?;
        let authority = rest.split('/').next()?;
        Some(authority.rsplit_once('@').map_or(authority, |(_, h)| h))
    }

    /// The same PostgreSQL URL reaching the server at `host_port` instead.
    pub fn with_host_port(&self, host_port: &str) -> Option<DatabaseUrl> {
        let url = self.postgres_url()?;
        let (scheme, rest) = url.split_once("://")?;
        let (authority, tail) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        let user = authority.rsplit_once('@').map(|(u, _)| format!("{u}@")).unwrap_or_default();
        Some(DatabaseUrl::Postgres { url: format!("{scheme}://{user}{host_port}{tail}") })
    }

    /// The same URL with the password replaced by `***`.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path: None } => "sqlite::memory:".into(),
            DatabaseUrl::Sqlite { path: Some(p) } => format!("sqlite://{}", p.display()),
            DatabaseUrl::Postgres { url } => redact_password(url),
        }
    }
}

/// Replaces the password of `scheme://user:password@host…` by `***`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

impl FromStr for DatabaseUrl {
    type Err = UrlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s == "sqlite::memory:" || s == "sqlite://:memory:" {
            return Ok(DatabaseUrl::Sqlite { path: None });
        }
        if let Some(path) = s.strip_prefix("sqlite://").or_else(|| s.strip_prefix("sqlite:")) {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(UrlError::EmptyPath);
            }
            return Ok(DatabaseUrl::Sqlite { path: Some(PathBuf::from(path)) });
        }
        if let Some(rest) = s.strip_prefix("postgres://").or_else(|| s.strip_prefix("postgresql://")) {
            let authority = rest.split('/').next().unwrap_or_default();
            let host = authority.rsplit('@').next().unwrap_or_default();
            if host.is_empty() || !rest.contains('/') {
                return Err(UrlError::Postgres);
            }
            return Ok(DatabaseUrl::Postgres { url: s.to_string() });
        }
        let scheme = s.split("://").next().unwrap_or(s);
        Err(UrlError::Scheme(scheme.chars().take(20).collect()))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_and_a_proxied_copy() {
        let u: DatabaseUrl = "postgres://app:s3cret@db.internal:5433/crossbook?sslmode=disable".parse().unwrap();
        assert_eq!(u.host_port(), Some("db.internal:5433"));
        let via = u.with_host_port("127.0.0.1:40000").unwrap();
        assert_eq!(via.postgres_url(), Some("postgres://app:s3cret@127.0.0.1:40000/crossbook?sslmode=disable"));
        let bare: DatabaseUrl = "postgresql://localhost/x".parse().unwrap();
        assert_eq!(bare.host_port(), Some("localhost"));
        assert_eq!(bare.with_host_port("h:1").unwrap().postgres_url(), Some("postgresql://h:1/x"));
        assert_eq!("sqlite://a.db".parse::<DatabaseUrl>().unwrap().host_port(), None);
    }

    #[test]
    fn parses_backends() {
        assert_eq!(
            "sqlite://crossbook.db".parse::<DatabaseUrl>(),
            Ok(DatabaseUrl::Sqlite { path: Some("crossbook.db".into()) })
        );
        assert_eq!("sqlite::memory:".parse::<DatabaseUrl>(), Ok(DatabaseUrl::Sqlite { path: None }));
        assert!("postgres://u:p@127.0.0.1:5432/test".parse::<DatabaseUrl>().unwrap().is_postgres());
        assert!(matches!("bogus://x".parse::<DatabaseUrl>(), Err(UrlError::Scheme(s)) if s == "bogus"));
        assert_eq!("sqlite://".parse::<DatabaseUrl>(), Err(UrlError::EmptyPath));
        assert_eq!("postgres://host".parse::<DatabaseUrl>(), Err(UrlError::Postgres));
    }

    #[test]
    fn never_shows_the_password() {
        let u: DatabaseUrl = "postgres://app:s3cr3t@db:5432/crossbook".parse().unwrap();
        assert_eq!(u.to_string(), "postgres://app:***@db:5432/crossbook");
        assert!(!format!("{u:?}").contains("s3cr3t"));
        assert_eq!(redact_password("postgres://app@db/x"), "postgres://app@db/x");
    }
}
