//! `crossbook`: the binary. Parses the command line, loads settings, sets up logging and runs
//! the command. Exit codes: 0 success (health: healthy), 1 failure (health: degraded),
//! 2 bad settings (health: down).
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

/// The command line.
mod args;
/// One module per command family.
mod commands;
/// Logging set-up.
mod logging;
/// Settings from flags, environment and `.env`.
mod settings_source;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = args::Cli::parse();
    if matches!(cli.command, args::Command::Demo { .. }) && cli.global.database_url.is_some() {
        eprintln!("note: demo always runs on a temporary SQLite database of its own; --database-url is not used");
    }
    let settings = match settings_source::load(&cli.global) {
        // The demo speaks for itself: logs only warnings unless a level is asked for.
        Ok(mut s)
            if matches!(cli.command, args::Command::Demo { .. }) && !settings_source::log_level_given(&cli.global) =>
        {
            s.log_level = "warn".into();
            s
        }
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let _log_guard = match logging::init(&settings) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli.command, settings)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {}", one_line(&format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}

/// Output piped into a reader that stops early (`crossbook markets list | head`) ends the
/// command quietly instead of with a panic: printing to a closed pipe is the only panic of its
/// kind the standard output macros raise.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Errors print as one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
