//! `crossbook serve [--bind 127.0.0.1:8080]`.

use anyhow::Context;
use crossbook_engine::{Clock, Settings};
use crossbook_server::AppState;

pub(crate) fn app_state(settings: &Settings, store: std::sync::Arc<dyn crossbook_store::Store>) -> AppState {
    AppState {
        store,
        clock: Clock::from_setting(settings.now),
        token: settings.api_token.clone(),
        loopback: true,
        live_threshold: chrono::Duration::from_std(settings.live_event_threshold)
            .unwrap_or(chrono::Duration::minutes(15)),
        services: None,
        venues: None,
        runtime: None,
        time_zone: settings.time_zone,
        venues_enabled: settings.venues.clone(),
        execution_mode: settings.execution.mode,
    }
}

pub(crate) async fn run(settings: &Settings, bind: &str) -> anyhow::Result<u8> {
    let addr: std::net::SocketAddr = bind.parse().with_context(|| format!("--bind {bind}"))?;
    if !addr.ip().is_loopback() && settings.api_token.is_none() {
        anyhow::bail!("API_TOKEN: required when --bind is not a loopback address (changes need it)");
    }
    let store = super::open_store(settings).await?;
    let server = crossbook_server::serve(app_state(settings, store), addr).await?;
    println!("serving http://{} (dashboard /, /health, /metrics, /api/…); Ctrl-C stops", server.addr);
    super::shutdown_signal().await;
    server.stop().await;
    Ok(0)
}
