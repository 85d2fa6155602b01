//! `GET /metrics`: OpenMetrics text — the store's figures read at scrape time, then this
//! process's counters and histograms.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use crossbook_model::{LinkStatus, Topic, Venue};
use crossbook_store::Store;

fn line(out: &mut String, name: &str, help: &str, kind: &str, samples: &[(String, f64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for (labels, v) in samples {
        let _ = writeln!(out, "{name}{labels} {v}");
    }
}

/// The exposition text.
pub async fn render(store: &dyn Store, now: DateTime<Utc>) -> anyhow::Result<String> {
    let mut out = String::new();
    let markets = store.market_counts().await?;
    let runs = store.latest_ingestion_runs().await?;
    let mut fetched = Vec::new();
    let mut mve = Vec::new();
    let mut sports_share = Vec::new();
    for v in Venue::ALL {
        let of = markets.iter().filter(|(venue, _, _)| *venue == v);
        let total = of.clone().map(|(_, _, n)| *n).sum::<u64>() as f64;
        let sports = of.filter(|(_, topic, _)| *topic == Topic::Sports).map(|(_, _, n)| *n).sum::<u64>() as f64;
        let label = format!("{{venue=\"{v}\"}}");
        let run = runs.iter().find(|r| r.venue == v);
        fetched.push((label.clone(), run.map_or(0.0, |r| r.fetched as f64)));
        mve.push((label.clone(), run.and_then(|r| r.skipped.get("mve")).copied().unwrap_or(0) as f64));
        sports_share.push((label, if total > 0.0 { sports / total } else { 0.0 }));
    }
    line(&mut out, "crossbook_markets_fetched", "Markets fetched by the latest ingestion run", "gauge", &fetched);
    line(&mut out, "crossbook_sports_share", "Share of stored markets that are sports", "gauge", &sports_share);
    line(&mut out, "crossbook_mve_filtered", "MVE markets left out by the latest ingestion run", "gauge", &mve);
    let links = store.list_links(None).await?;
    let count = |s: LinkStatus| links.iter().filter(|l| l.status == s).count() as f64;
    line(
        &mut out,
        "crossbook_links",
        "Links by status",
        "gauge",
        &[
            ("{status=\"suggested\"}".into(), count(LinkStatus::Suggested)),
            ("{status=\"confirmed\"}".into(), count(LinkStatus::Confirmed)),
            ("{status=\"rejected\"}".into(), count(LinkStatus::Rejected)),
        ],
    );
    let auto = links
        .iter()
        .filter(|l| l.status == LinkStatus::Confirmed && l.decided_by.as_ref().is_some_and(|d| !d.is_human()))
        .count() as f64;
    let rate = if links.is_empty() { 0.0 } else { auto / links.len() as f64 };
    line(
        &mut out,
        "crossbook_auto_confirm_rate",
        "Share of links confirmed automatically",
        "gauge",
        &[(String::new(), rate)],
    );
    let avg =
        if links.is_empty() { 0.0 } else { links.iter().map(|l| l.candidate.score).sum::<f64>() / links.len() as f64 };
    line(&mut out, "crossbook_match_score_avg", "Average match score", "gauge", &[(String::new(), avg)]);
    let f = store.book_freshness(now).await?;
    line(
        &mut out,
        "crossbook_quote_freshness",
        "Stored books by age",
        "gauge",
        &[
            ("{age=\"lt1m\"}".into(), f.lt1m as f64),
            ("{age=\"lt5m\"}".into(), f.lt5m as f64),
            ("{age=\"older\"}".into(), f.older as f64),
        ],
    );
    let watch = store.list_watchlist().await?;
    line(
        &mut out,
        "crossbook_watchlist_size",
        "Links on the watchlist",
        "gauge",
        &[(String::new(), watch.len() as f64)],
    );
    let open = store.list_open_opportunities().await?;
    line(
        &mut out,
        "crossbook_opportunities_open",
        "Open arbitrage opportunities",
        "gauge",
        &[(String::new(), open.len() as f64)],
    );
    let avg_edge = if open.is_empty() {
        0.0
    } else {
        open.iter().map(|o| o.opportunity.edge.micros() as f64 / 1e6).sum::<f64>() / open.len() as f64
    };
    line(
        &mut out,
        "crossbook_edge_avg",
        "Average edge of open opportunities (dollars per pair)",
        "gauge",
        &[(String::new(), avg_edge)],
    );
    let alerts = store.list_alerts(10_000).await?;
    let by = |s: &str| alerts.iter().filter(|a| a.status == s).count() as f64;
    line(
        &mut out,
        "crossbook_alerts",
        "Alerts by delivery status",
        "gauge",
        &[
            ("{status=\"sent\"}".into(), by("sent")),
            ("{status=\"failed\"}".into(), by("failed")),
            ("{status=\"pending\"}".into(), by("pending")),
        ],
    );
    let sharp = alerts.iter().filter(|a| a.kind == "sharp_move").count() as f64;
    line(
        &mut out,
        "crossbook_sharp_moves",
        "Sharp price moves detected (recent alerts)",
        "gauge",
        &[(String::new(), sharp)],
    );
    // Trades of the last 24 hours (paper or live): how many ended how, and what they made.
    let trades = store.list_trades(now - chrono::Duration::hours(24)).await?;
    let statuses = ["hedged", "unwound", "unhedged", "missed"];
    let mut counts = Vec::new();
    let mut pnl = Vec::new();
    for mode in ["paper", "live"] {
        let of_mode: Vec<_> = trades.iter().filter(|t| t.mode.as_str() == mode).collect();
        for status in statuses {
            let n = of_mode.iter().filter(|t| t.status.as_str() == status).count() as f64;
            counts.push((format!("{{mode=\"{mode}\",status=\"{status}\"}}"), n));
        }
        let made = of_mode.iter().map(|t| t.pnl.micros() as f64 / 1e6).sum::<f64>();
        pnl.push((format!("{{mode=\"{mode}\"}}"), made));
    }
    line(
        &mut out,
        "crossbook_trades_24h",
        "Trades decided in the last 24 h, by mode and how they ended",
        "gauge",
        &counts,
    );
    line(&mut out, "crossbook_trade_pnl_24h_dollars", "P&L of the trades decided in the last 24 h", "gauge", &pnl);
    Ok(out)
}

/// This process's metrics (venue clients, sockets, writer, decision latencies) in OpenMetrics
/// text, ending the exposition with `# EOF`.
pub fn render_process(
    out: &mut String,
    venues: Option<&crossbook_engine::Venues>,
    runtime: Option<&crossbook_engine::state::RuntimeState>,
) {
    let mut registry = prometheus_client::registry::Registry::default();
    crossbook_engine::metrics::register(&mut registry, runtime, venues);
    if prometheus_client::encoding::text::encode(out, &registry).is_err() {
        out.push_str("# EOF\n");
    }
}
