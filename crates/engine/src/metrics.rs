//! The process's metrics, through `prometheus-client`: the hot path's latency histograms here,
//! the sockets', writer's and venue clients' counters where they are kept; [`register`] puts
//! them all in one registry for the exposition.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::registry::Registry;

use crossbook_model::PerVenue;

use crate::state::RuntimeState;

/// Registers this process's metrics: the decision path, the sockets, the writer, and each
/// venue client's requests (by `api`).
pub fn register(registry: &mut Registry, rt: Option<&RuntimeState>, venues: Option<&crate::Venues>) {
    if let Some(rt) = rt {
        register_runtime(registry, rt);
    }
    let Some(v) = venues else { return };
    let apis =
        [("kalshi", v.kalshi.rest().stats()), ("gamma", v.gamma.rest().stats()), ("clob", v.clob.rest().stats())];
    type Pick = fn(&crossbook_net::NetStats) -> &prometheus_client::metrics::counter::Counter;
    let counters: [(&'static str, &'static str, Pick); 4] = [
        ("crossbook_venue_requests", "Venue requests sent", |s| &s.requests),
        ("crossbook_venue_rate_limited", "HTTP 429 answers", |s| &s.rate_limited),
        ("crossbook_venue_retries", "Requests retried", |s| &s.retries),
        ("crossbook_venue_malformed", "Malformed bodies", |s| &s.malformed),
    ];
    for (name, help, pick) in counters {
        let series = apis.iter().map(|(api, s)| (*api, pick(s).clone())).collect();
        registry.register_collector(Box::new(Labeled { name, help, label: "api", series }));
    }
    let series = apis.iter().map(|(api, s)| (*api, s.latency.clone())).collect();
    registry.register_collector(Box::new(Labeled {
        name: "crossbook_venue_request_seconds",
        help: "Venue request latency",
        label: "api",
        series,
    }));
}

fn register_runtime(registry: &mut Registry, rt: &RuntimeState) {
    let l = &rt.streams.latencies;
    registry.register(
        "crossbook_frame_decision_seconds",
        "Socket frame to the desk's decision",
        l.frame_decision.clone(),
    );
    registry.register(
        "crossbook_decision_alert_sent_seconds",
        "Alert decision to the sink's acceptance",
        l.decision_alert.clone(),
    );
    registry.register(
        "crossbook_frame_backlog",
        "Frames waiting when one is taken off the stream queue",
        l.frame_backlog.clone(),
    );
    registry.register_collector(Box::new(Labeled {
        name: "crossbook_quote_age_at_decision_seconds",
        help: "Age of the quote an opportunity was decided on",
        label: "venue",
        series: per_venue(&l.quote_age),
    }));
    registry.register(
        "crossbook_quote_updates",
        "Book updates received from the sockets",
        rt.streams.quote_updates.clone(),
    );
    registry.register_collector(Box::new(Labeled {
        name: "crossbook_socket_resets",
        help: "Socket reconnects (drops, sequence gaps, silence)",
        label: "venue",
        series: per_venue(&rt.streams.resets),
    }));
    let w = &rt.writer.stats;
    registry.register("crossbook_writer_queue_depth", "Database writes waiting", w.depth.clone());
    registry.register("crossbook_writer_dropped", "Database writes dropped (queue full)", w.dropped.clone());
    registry.register("crossbook_writer_written", "Records written", w.written.clone());
    registry.register("crossbook_writer_failures", "Write batches the database refused (retried)", w.failures.clone());
    if let Some(spool) = &w.spool {
        registry.register("crossbook_writer_spool_bytes", "Bytes in the writer's spool", spool.bytes.clone());
        registry.register("crossbook_writer_not_spooled", "Writes the full spool could not hold", spool.lost.clone());
    }
}

/// One metric family with one series per value of a label (a family from metrics kept apart,
/// e.g. per venue client).
/// A series per venue, labelled with the venue's name.
fn per_venue<M: Clone>(values: &PerVenue<M>) -> Vec<(&'static str, M)> {
    values.iter().map(|(v, m)| (v.as_str(), m.clone())).collect()
}

#[derive(Debug)]
struct Labeled<M> {
    name: &'static str,
    help: &'static str,
    label: &'static str,
    series: Vec<(&'static str, M)>,
}

impl<M: EncodeMetric + std::fmt::Debug + Send + Sync + 'static> Collector for Labeled<M> {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some((_, first)) = self.series.first() else { return Ok(()) };
        let mut family = encoder.encode_descriptor(self.name, self.help, None, first.metric_type())?;
        for (value, metric) in &self.series {
            metric.encode(family.encode_family(&[(self.label, *value)])?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream_status::Latencies;
    use crossbook_model::Venue;

    /// A labelled family is described once, with a series per label value.
    #[test]
    fn labeled_family_is_one_family() {
        let l = Latencies::default();
        l.quote_age[Venue::Polymarket].observe(0.05);
        let mut r = Registry::default();
        r.register_collector(Box::new(Labeled {
            name: "age_seconds",
            help: "Age",
            label: "venue",
            series: per_venue(&l.quote_age),
        }));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &r).unwrap();
        assert_eq!(out.matches("# TYPE age_seconds histogram").count(), 1, "{out}");
        assert!(out.contains("age_seconds_count{venue=\"polymarket\"} 1"), "{out}");
        assert!(out.contains("age_seconds_count{venue=\"kalshi\"} 0"), "{out}");
        assert!(out.ends_with("# EOF\n"), "{out}");
    }
}
