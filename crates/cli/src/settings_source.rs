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

/// Reads `KEY=VALUE` lines; a missing file is empty, an unreadable or unknown line an error.
fn read_env_file(path: &Path) -> Result<HashMap<String, String>, SettingError> {
    let mut out = HashMap::new();
    let iter = match dotenvy::from_path_iter(path) {
        Ok(iter) => iter,
        Err(e) if e.not_found() => return Ok(out),
        Err(e) => return Err(SettingError { name: ".env", reason: format!("{}: {e}", path.display()) }),
    };
    for item in iter {
        let (k, v) = item.map_err(|e| SettingError { name: ".env", reason: format!("{}: {e}", path.display()) })?;
        known(&k, ".env")?;
        out.insert(k, v);
    }
    Ok(out)
}

/// Whether LOG_LEVEL was set by a flag, the environment or `.env`.
pub(crate) fn log_level_given(args: &GlobalArgs) -> bool {
    args.log_level.is_some()
        || args.set.iter().any(|s| s.starts_with("LOG_LEVEL="))
        || std::env::var("LOG_LEVEL").is_ok()
        || read_env_file(&args.env_file).is_ok_and(|m| m.contains_key("LOG_LEVEL"))
}
