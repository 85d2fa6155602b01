//! Where settings come from: flags, then the environment, then a `.env` file.

use std::collections::HashMap;
use std::path::Path;

use crossbook_engine::Settings;
use crossbook_engine::settings::{NAMES, SettingError};

use crate::args::GlobalArgs;

/// Layers the three sources and builds typed settings.
pub(crate) fn load(args: &GlobalArgs) -> Result<Settings, SettingError> {
    let mut flags: HashMap<String, String> = HashMap::new();
    for pair in &args.set {
        let (k, v) =
            pair.split_once('=').ok_or(SettingError { name: "--set", reason: "expected NAME=VALUE".into() })?;
        let k = k.trim().to_string();
        known(&k, "--set")?;
        flags.insert(k, v.to_string());
    }
    if let Some(url) = &args.database_url {
        flags.insert("DATABASE_URL".into(), url.clone());
    }
    if let Some(level) = &args.log_level {
        flags.insert("LOG_LEVEL".into(), level.clone());
    }
    let dotenv = read_env_file(&args.env_file)?;
    // A value that is not UTF-8 is refused by name (it is not "unset").
    for name in NAMES {
        if let Some(v) = std::env::var_os(name)
            && v.to_str().is_none()
        {
            return Err(SettingError { name, reason: "is not valid UTF-8".into() });
        }
    }
    Settings::from_lookup(&|name| {
        flags.get(name).cloned().or_else(|| std::env::var(name).ok()).or_else(|| dotenv.get(name).cloned())
    })
}

/// A name that is not a setting is refused (it is almost always a typo).
fn known(name: &str, source: &'static str) -> Result<(), SettingError> {
    if NAMES.contains(&name) {
        Ok(())
    } else {
        Err(SettingError { name: source, reason: format!("unknown setting {name:?}") })
    }
}

/// The largest `.env` file read.
const MAX_ENV_FILE: u64 = 1024 * 1024;

/// Reads `KEY=VALUE` lines; a missing file is empty. A file that is not a regular one (a FIFO,
/// a device such as `/dev/zero`), larger than [`MAX_ENV_FILE`], not UTF-8, or with a line that
/// cannot be read or names an unknown setting is an error — naming the line and the setting,
/// never echoing a value (it may be a secret).
fn read_env_file(path: &Path) -> Result<HashMap<String, String>, SettingError> {
    use std::io::Read;
    let shown = path.display();
    let err = |reason: String| SettingError { name: ".env", reason: format!("{shown}: {reason}") };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(err(e.to_string())),
    };
    if !meta.is_file() {
        return Err(err("is not a regular file".into()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_ENV_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| err(e.to_string()))?;
    if bytes.len() as u64 > MAX_ENV_FILE {
        return Err(err(format!("is larger than {MAX_ENV_FILE} bytes")));
    }
    let text = String::from_utf8(bytes).map_err(|_| err("is not valid UTF-8".into()))?;
    let mut out = HashMap::new();
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        let (k, v) = item.map_err(|e| err(unreadable_line(&text, &e)))?;
        known(&k, ".env")?;
        out.insert(k, v);
    }
    Ok(out)
}

/// Where `.env` could not be read, without the line's content: its number, and the setting it
/// assigns when that much is legible.
fn unreadable_line(text: &str, e: &dotenvy::Error) -> String {
    let dotenvy::Error::LineParse(line, _) = e else { return "cannot be read".into() };
    let number = text.find(line.as_str()).map(|at| text[..at].matches('\n').count() + 1);
    let name =
        line.split_once('=').map(|(k, _)| k.trim().trim_start_matches("export ").trim()).filter(|k| NAMES.contains(k));
    match (number, name) {
        (Some(n), Some(k)) => format!("line {n} ({k}) cannot be read (an unclosed quote?)"),
        (Some(n), None) => format!("line {n} cannot be read"),
        (None, _) => "a line cannot be read".into(),
    }
}

/// Whether LOG_LEVEL was set by a flag, the environment or `.env`.
pub(crate) fn log_level_given(args: &GlobalArgs) -> bool {
    args.log_level.is_some()
        || args.set.iter().any(|s| s.starts_with("LOG_LEVEL="))
        || std::env::var("LOG_LEVEL").is_ok()
        || read_env_file(&args.env_file).is_ok_and(|m| m.contains_key("LOG_LEVEL"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_file(text: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    /// A malformed line is named by number and setting; its value (a secret) is never shown.
    #[test]
    fn a_malformed_line_names_itself_not_its_value() {
        let (_d, path) =
            env_file(b"LOG_LEVEL=info\n# a comment\nALERT_WEBHOOK_URL=\"https://hooks.example/s3cr3t-token\n");
        let e = read_env_file(&path).unwrap_err().to_string();
        assert!(e.contains("line 3 (ALERT_WEBHOOK_URL)"), "{e}");
        assert!(!e.contains("s3cr3t") && !e.contains("hooks.example"), "{e}");
        // A 200 MB line is refused by size, not read or echoed.
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.env");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(200 * 1024 * 1024).unwrap();
        let e = read_env_file(&big).unwrap_err().to_string();
        assert!(e.contains("larger than") && e.len() < 200, "{e}");
        let (_d, ok) = env_file(b"LOG_LEVEL=debug\n");
        assert_eq!(read_env_file(&ok).unwrap()["LOG_LEVEL"], "debug");
    }

    /// Special files are refused at once: a device that never ends, a FIFO nobody writes.
    #[test]
    fn special_files_are_refused_by_name() {
        let e = read_env_file(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(e.contains("/dev/zero: is not a regular file"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.env");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let e = read_env_file(&fifo).unwrap_err().to_string();
        assert!(e.contains("is not a regular file"), "{e}");
    }
}
