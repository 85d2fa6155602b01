//! Logging with tracing: level from LOG_LEVEL, text or JSON (LOG_FORMAT), on stderr (stdout is
//! kept for command output) or a daily-rotated LOG_FILE.

use std::io::IsTerminal;

use anyhow::Context;
use crossbook_engine::settings::{LogFormat, Settings};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. Keep the guard alive until exit so file logs are flushed.
pub(crate) fn init(settings: &Settings) -> anyhow::Result<Option<WorkerGuard>> {
    // Our crates at LOG_LEVEL; dependencies at warn unless named in the filter.
    let directive = if settings.log_level.contains('=') {
        settings.log_level.clone()
    } else {
        format!("warn,crossbook={l},crossbook_engine={l},crossbook_store={l},crossbook_cli={l}", l = settings.log_level)
    };
    let filter = EnvFilter::try_new(&directive).context("LOG_LEVEL")?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let (writer, guard) = match &settings.log_file {
        Some(path) => {
            // The folder must exist (it is not made up from a typo); the file is rotated daily.
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            let name = path.file_name().and_then(|n| n.to_str()).context("LOG_FILE: no file name")?;
            anyhow::ensure!(dir.is_dir(), "LOG_FILE: {} is not an existing folder", dir.display());
            // It names a file: a folder, a device (`/dev/full`) or a FIFO is refused by name.
            if let Ok(meta) = std::fs::metadata(path) {
                anyhow::ensure!(meta.is_file(), "LOG_FILE: {} is not a regular file", path.display());
            }
            let appender = tracing_appender::rolling::RollingFileAppender::builder()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix(name)
                .build(dir)
                .map_err(|e| anyhow::anyhow!("LOG_FILE: cannot write {}: {e}", path.display()))?;
            let (nb, guard) = tracing_appender::non_blocking(appender);
            (tracing_subscriber::fmt::writer::BoxMakeWriter::new(nb), Some(guard))
        }
        None => (tracing_subscriber::fmt::writer::BoxMakeWriter::new(std::io::stderr), None),
    };
    let ansi = settings.log_file.is_none() && std::io::stderr().is_terminal();
    let builder = builder.with_writer(writer).with_ansi(ansi);
    let result = match settings.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("logging: {e}"))?;
    Ok(guard)
}
