//! Alerts: one per opportunity within a cooldown, to the sink ALERT_WEBHOOK_URL names —
//! Discord (`/api/webhooks/…`), Slack (`/services/…`), Telegram (`/bot<token>/sendMessage?chat_id=`)
//! or any other URL as a generic JSON webhook. Delivery runs on a task of its own with retries
//! and backoff, so a failing sink never slows detection; every alert is recorded through the
//! writer, so a slow or absent database never delays one. Processes sharing a database deliver
//! each event once: before posting, the delivery claims the alert's subject in the database
//! ([`AlertClaim`]); the process whose claim changes the row posts, the others record a
//! `duplicate` (a database that does not answer within [`CLAIM_DEADLINE`] lets the alert go: a
//! second copy rather than none). The URL is a secret: it is never logged or stored, only the
//! sink's kind.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossbook_model::{LinkId, Opportunity};
use crossbook_net::Backoff;
use crossbook_store::{AlertClaim, AlertRecord, Store};
use prometheus_client::metrics::histogram::Histogram;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::writer::{Write, Writer};

/// Where alerts go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkKind {
    Discord,
    Slack,
    Telegram,
    Webhook,
}

impl SinkKind {
    /// Picks the sink by the URL's host or path.
    pub fn of(url: &str) -> Self {
        let lower = url.to_ascii_lowercase();
        if lower.contains("discord.com/api/webhooks") || lower.contains("/api/webhooks/") {
            SinkKind::Discord
        } else if lower.contains("hooks.slack.com") || lower.contains("/services/") {
            SinkKind::Slack
        } else if lower.contains("api.telegram.org") || lower.contains("/sendmessage") {
            SinkKind::Telegram
        } else {
            SinkKind::Webhook
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SinkKind::Discord => "discord",
            SinkKind::Slack => "slack",
            SinkKind::Telegram => "telegram",
            SinkKind::Webhook => "webhook",
        }
    }
}

/// What a person reads: a short first line (the game, edge, profit, size), the details after
/// (each leg with its market's title, money, start, settlement rules, pages).
pub fn describe(o: &Opportunity, tz: chrono_tz::Tz) -> String {
    use crate::reports::{cents, dollars, leg_text, local_time, money_text};
    let what = format!("{} {}", o.league.map(|l| l.code()).unwrap_or("-"), o.kind);
    let mut text = format!(
        "crossbook: {} — {} × {} = {} ({what})",
        o.game.as_deref().unwrap_or("arbitrage"),
        cents(o.edge),
        o.max_size,
        dollars(o.profit),
    );
    for leg in &o.legs {
        text.push_str(&format!("\nbuy {}", leg_text(leg)));
    }
    text.push_str(&format!("\n{}", money_text(o)));
    if let Some(t) = o.starts_at {
        text.push_str(&format!("\nstarts {}", local_time(t, tz)));
    }
    if let Some(r) = o.rule_risk {
        text.push_str(&format!("\nsettlement rules: {} — {}", r.as_str(), o.rule_reasons.join("; ")));
    }
    if let Some(u) = &o.urls {
        text.push_str(&format!(
            "\n{}{}",
            u.kalshi,
            u.polymarket.as_ref().map(|p| format!(" · {p}")).unwrap_or_default()
        ));
    }
    text
}

/// Slack's control characters escaped (`&`, `<`, `>`): venue text such as `<!channel>` or
/// `<https://evil.example|click>` shows as written instead of pinging or linking.
fn slack_escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The request body for `sink` (the venues' documented payload shapes): `text` for people, and
/// for a generic webhook also `kind` and `data`. Venue text is inert in chat: Discord parses no
/// mention (`allowed_mentions.parse` empty), Slack's markup characters are escaped, Telegram
/// gets plain text (no parse mode).
pub fn body(sink: SinkKind, url: &str, text: &str, kind: &str, data: Value) -> Value {
    match sink {
        SinkKind::Discord => json!({"content": text, "username": "crossbook", "allowed_mentions": {"parse": []}}),
        SinkKind::Slack => json!({"text": slack_escaped(text)}),
        SinkKind::Telegram => {
            let chat = url.split("chat_id=").nth(1).map(|c| c.split('&').next().unwrap_or(c)).unwrap_or("");
            json!({"chat_id": chat, "text": text, "disable_web_page_preview": true})
        }
        SinkKind::Webhook => json!({"type": kind, "text": text, "data": data}),
    }
}

/// Alert knobs.
#[derive(Debug, Clone)]
pub struct AlertConfig {
    pub url: Option<SecretString>,
    pub cooldown: chrono::Duration,
    /// Within the cooldown, alert again when the profit moved by at least this percent of the
    /// last alerted one (0: never).
    pub realert_profit_change_percent: u64,
    /// Within the cooldown, alert again when the opportunity closed and opened again.
    pub realert_on_reopen: bool,
    pub retries: u32,
    pub backoff: Backoff,
    pub timeout: Duration,
    /// Where deliveries claim their subjects (the database every process shares); none: every
    /// alert decided here is delivered.
    pub claims: Option<Arc<dyn Store>>,
    /// The zone the alerts' times are written in (`TIME_ZONE`).
    pub time_zone: chrono_tz::Tz,
}

/// How long a delivery waits for its claim before it posts anyway.
pub const CLAIM_DEADLINE: Duration = Duration::from_secs(2);

/// The subject an opportunity's alerts claim: its link and direction.
fn opportunity_subject(link: LinkId, direction: &str) -> String {
    format!("arbitrage:{}:{direction}", link.0)
}

impl AlertConfig {
    pub fn from_settings(s: &crate::Settings) -> Self {
        Self {
            url: s.alert_webhook_url.clone(),
            cooldown: chrono::Duration::from_std(s.alert_cooldown).unwrap_or(chrono::Duration::minutes(10)),
            realert_profit_change_percent: s.alert_realert_profit_change_percent,
            realert_on_reopen: s.alert_realert_on_reopen,
            retries: 4,
            backoff: Backoff::default(),
            timeout: Duration::from_secs(10),
            claims: None,
            time_zone: s.time_zone,
        }
    }
}

/// A queued delivery.
#[derive(Debug)]
struct Job {
    uid: u64,
    body: Value,
    /// Its text, logged once delivered.
    text: String,
    /// When the alert was decided (the decision-to-delivery latency runs from it), and that
    /// moment on the decision's clock (`sent_at` follows it: a replay's clock, not the wall's).
    decided: std::time::Instant,
    decided_at: DateTime<Utc>,
    /// What it claims before it is posted.
    claim: Option<AlertClaim>,
}

/// When each link and direction (`kalshi_yes`, `kalshi_no`) last alerted, and at what profit
/// (none when remembered from the store).
type LastAlerts = HashMap<(LinkId, &'static str), (DateTime<Utc>, Option<crossbook_model::Money>)>;

/// Raises alerts; cheap to clone. The decision and the dispatch happen in memory: the record
/// goes to the writer and the delivery to its own task, neither waited for.
#[derive(Debug, Clone)]
pub struct Alerter {
    writer: Writer,
    sink: SinkKind,
    url: Option<SecretString>,
    cooldown: chrono::Duration,
    realert_profit_change_percent: u64,
    realert_on_reopen: bool,
    time_zone: chrono_tz::Tz,
    /// When each link and direction last alerted: an opportunity that closes and reopens (a
    /// socket reset, a flickering quote) is a new row but not a new alert within the cooldown.
    last: Arc<Mutex<LastAlerts>>,
    queue: Option<mpsc::Sender<Job>>,
    next_uid: Arc<AtomicU64>,
    /// Deliveries queued or in flight, by alert uid.
    in_flight: InFlight,
    /// Names this process's alerts in the store (with each uid): a retried insert never makes
    /// a second row.
    nonce: u64,
}

/// A number naming this alerter among every process's: the start time's nanoseconds and the
/// process id.
fn process_nonce() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    nanos ^ (u64::from(std::process::id()) << 40)
}

/// The uids of the deliveries queued or in flight.
type InFlight = Arc<Mutex<std::collections::HashSet<u64>>>;

fn lock_set(s: &InFlight) -> std::sync::MutexGuard<'_, std::collections::HashSet<u64>> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

impl Alerter {
    /// Starts the delivery task (when a URL is configured).
    /// `sent_latency` records, per delivered alert, the time from its decision to the sink's
    /// acceptance.
    pub fn start(writer: Writer, cfg: AlertConfig, sent_latency: Histogram) -> anyhow::Result<Self> {
        let sink = cfg.url.as_ref().map_or(SinkKind::Webhook, |u| SinkKind::of(u.expose_secret()));
        let in_flight: InFlight = Arc::default();
        let queue = match &cfg.url {
            Some(url) => {
                let (tx, rx) = mpsc::channel::<Job>(1024);
                // A webhook that answers with a redirect is not followed elsewhere: the alert is
                // posted where it was configured to go, or fails.
                let http = reqwest::Client::builder()
                    .timeout(cfg.timeout)
                    .no_proxy()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()?;
                let delivery = Delivery {
                    sink: sink.as_str(),
                    writer: writer.clone(),
                    http,
                    url: url.clone(),
                    retries: cfg.retries,
                    backoff: cfg.backoff,
                    in_flight: in_flight.clone(),
                    sent_latency,
                    claims: cfg.claims.clone(),
                };
                tokio::spawn(delivery.run(rx));
                Some(tx)
            }
            None => None,
        };
        Ok(Self {
            writer,
            sink,
            url: cfg.url,
            cooldown: cfg.cooldown,
            realert_profit_change_percent: cfg.realert_profit_change_percent,
            realert_on_reopen: cfg.realert_on_reopen,
            time_zone: cfg.time_zone,
            last: Arc::default(),
            queue,
            next_uid: Arc::new(AtomicU64::new(1)),
            in_flight,
            nonce: process_nonce(),
        })
    }

    /// Takes back the alert decisions the store remembers: each link and direction that alerted
    /// within the cooldown before `now` (a restart does not alert them again).
    pub async fn remember(&self, store: &dyn crossbook_store::Store, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let recent = store.recent_arbitrage_alerts(now - self.cooldown).await?;
        Ok(self.remember_raised(recent, now))
    }

    /// Takes back alert decisions known otherwise (the writer's spool): (link, direction,
    /// raised at); those older than the cooldown before `now` are let go.
    pub fn remember_raised(&self, recent: Vec<(LinkId, String, DateTime<Utc>)>, now: DateTime<Utc>) -> usize {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let mut taken = 0;
        for (link, direction, at) in recent {
            if now - at >= self.cooldown {
                continue;
            }
            let Some(direction) = crate::direction::direction_name(&direction) else { continue };
            let t = last.entry((link, direction)).or_insert((at, None));
            t.0 = t.0.max(at);
            taken += 1;
        }
        taken
    }

    /// Raises an alert for an open opportunity unless one went out for its link and
    /// `direction` within the cooldown — and, where the settings say so, its profit has not moved
    /// by the re-alert share since and it has not just `reopened`. Returns whether it did. Never
    /// waits.
    pub fn arbitrage(&self, direction: &'static str, o: &Opportunity, reopened: bool, now: DateTime<Utc>) -> bool {
        {
            let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            let key = (o.link_id, direction);
            if let Some((at, profit)) = last.get(&key)
                && now - *at < self.cooldown
            {
                let moved = |p: crossbook_model::Money| {
                    let change = (o.profit.micros() - p.micros()).unsigned_abs() as u128;
                    self.realert_profit_change_percent > 0
                        && change * 100
                            >= u128::from(self.realert_profit_change_percent) * p.micros().unsigned_abs() as u128
                };
                if !(profit.is_some_and(moved) || reopened && self.realert_on_reopen) {
                    return false;
                }
            }
            last.insert(key, (now, Some(o.profit)));
        }
        let url = self.url.as_ref().map(|u| u.expose_secret().to_string()).unwrap_or_default();
        let text = describe(o, self.time_zone);
        let body = body(self.sink, &url, &text, "arbitrage", serde_json::to_value(o).unwrap_or(Value::Null));
        let claim = AlertClaim::Open {
            subject: opportunity_subject(o.link_id, direction),
            profit: o.profit.micros(),
            since: now - self.cooldown,
            profit_change_percent: self.realert_profit_change_percent,
            reopen: self.realert_on_reopen,
        };
        self.dispatch("arbitrage", text, body, Some((o.link_id, direction)), Some(claim), now);
        true
    }

    /// Says that an opportunity that alerted has closed: how long it lived (from `first_seen`)
    /// and its peak edge. Delivered by one process, and only after an alert of its opening.
    pub fn closed(
        &self,
        link: LinkId,
        ticker: &str,
        direction: &str,
        first_seen: DateTime<Utc>,
        peak_edge: crossbook_model::Money,
        now: DateTime<Utc>,
    ) {
        let lived = (now - first_seen).num_seconds().max(0);
        let text = format!("crossbook: closed — {ticker} ({direction}) after {lived} s; peak edge {peak_edge} a set");
        let url = self.url.as_ref().map(|u| u.expose_secret().to_string()).unwrap_or_default();
        let data = json!({"link_id": link, "ticker": ticker, "direction": direction, "first_seen": first_seen, "closed_at": now, "lifetime_s": lived, "peak_edge": peak_edge});
        let body = body(self.sink, &url, &text, "closed", data);
        let claim = AlertClaim::Transition {
            subject: opportunity_subject(link, direction),
            from: Some("open".into()),
            to: "closed".into(),
        };
        self.dispatch("closed", text, body, None, Some(claim), now);
    }

    /// An operational condition of this process started (`started`) or cleared.
    pub fn operational(&self, what: &str, started: bool, now: DateTime<Utc>) {
        self.condition(what, started, None, now);
    }

    /// A condition of the whole system (`key` names it, the same in every process: a dead
    /// service) started or cleared: said once, by whichever process claims the change first.
    pub fn system(&self, key: &str, what: &str, started: bool, now: DateTime<Utc>) {
        let to = if started { "started" } else { "cleared" };
        let claim = AlertClaim::Transition { subject: format!("system:{key}"), from: None, to: to.into() };
        self.condition(what, started, Some(claim), now);
    }

    fn condition(&self, what: &str, started: bool, claim: Option<AlertClaim>, now: DateTime<Utc>) {
        let text =
            if started { format!("crossbook: problem — {what}") } else { format!("crossbook: recovered — {what}") };
        let url = self.url.as_ref().map(|u| u.expose_secret().to_string()).unwrap_or_default();
        let body = body(self.sink, &url, &text, "operational", json!({"condition": what, "started": started}));
        self.dispatch("operational", text, body, None, claim, now);
    }

    /// Raises an alert for a sharp move.
    pub fn sharp_move(&self, m: &crate::sharp::SharpMove, now: DateTime<Utc>) {
        let text = format!(
            "crossbook: sharp move on {} {} — mid {} → {} ({:+.1} %) in {} s, {}",
            m.venue,
            m.book,
            m.from,
            m.to,
            m.change_bps as f64 / 100.0,
            m.over.num_seconds(),
            if m.score_driven { "after a score change" } else { "with no score change" }
        );
        let url = self.url.as_ref().map(|u| u.expose_secret().to_string()).unwrap_or_default();
        let data = json!({"venue": m.venue, "book": m.book, "from": m.from, "to": m.to, "change_bps": m.change_bps, "score_driven": m.score_driven});
        let body = body(self.sink, &url, &text, "sharp_move", data);
        // One per book per detector window, whichever process saw it.
        let claim = AlertClaim::Open {
            subject: format!("sharp:{}:{}", m.venue, m.book),
            profit: 0,
            since: now - m.over.max(chrono::Duration::minutes(1)),
            profit_change_percent: 0,
            reopen: false,
        };
        self.dispatch("sharp_move", text, body, None, Some(claim), now);
    }

    fn sink_name(&self) -> &'static str {
        if self.queue.is_some() { self.sink.as_str() } else { "log" }
    }

    /// Hands the delivery to its task and the record to the writer. The alert's text is logged
    /// once delivered (or at once when there is no sink): the decision path never writes a log.
    fn dispatch(
        &self,
        kind: &str,
        text: String,
        body: Value,
        about: Option<(LinkId, &'static str)>,
        claim: Option<AlertClaim>,
        now: DateTime<Utc>,
    ) {
        let uid = self.next_uid.fetch_add(1, Ordering::Relaxed);
        let mut record = AlertRecord {
            id: 0,
            key: Some(format!("{:016x}-{uid}", self.nonce)),
            opportunity_id: None,
            kind: kind.into(),
            sink: self.sink_name().into(),
            status: if self.queue.is_some() { "pending".into() } else { "logged".into() },
            attempts: 0,
            payload: body.clone(),
            error: None,
            created_at: now,
            sent_at: None,
        };
        match &self.queue {
            None => tracing::info!(sink = "log", "{text}"),
            Some(q) => {
                lock_set(&self.in_flight).insert(uid);
                let job = Job { uid, body, text, decided: std::time::Instant::now(), decided_at: now, claim };
                if q.try_send(job).is_err() {
                    lock_set(&self.in_flight).remove(&uid);
                    record.status = "failed".into();
                    record.error = Some("delivery queue full".into());
                }
            }
        }
        self.writer.send(Write::Alert { uid, record: Box::new(record), about });
    }

    /// Waits until every queued delivery is done, at most `limit` (one-shot commands end with
    /// it). Returns whether all were.
    pub async fn settle(&self, limit: Duration) -> bool {
        let until = tokio::time::Instant::now() + limit;
        while !lock_set(&self.in_flight).is_empty() {
            if tokio::time::Instant::now() >= until {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    /// Records every delivery still queued or in flight as failed (a command exiting before its
    /// sink answered): no alert stays `pending` in the store forever.
    pub fn abandon(&self) {
        let left: Vec<u64> = lock_set(&self.in_flight).drain().collect();
        for uid in left {
            self.writer.send(Write::AlertOutcome {
                uid,
                status: "failed",
                attempts: 0,
                error: Some("not delivered before the command ended".into()),
                sent_at: None,
            });
        }
    }
}

/// The delivery task's parts.
struct Delivery {
    sink: &'static str,
    writer: Writer,
    http: reqwest::Client,
    url: SecretString,
    retries: u32,
    backoff: Backoff,
    in_flight: InFlight,
    sent_latency: Histogram,
    claims: Option<Arc<dyn Store>>,
}

impl Delivery {
    /// Whether this process is the one to deliver `job` (its claim changed the subject's row).
    async fn claimed(&self, job: &Job) -> bool {
        let (Some(store), Some(claim)) = (&self.claims, &job.claim) else { return true };
        match tokio::time::timeout(CLAIM_DEADLINE, store.claim_alert(claim, job.decided_at)).await {
            Ok(Ok(mine)) => mine,
            Ok(Err(e)) => {
                tracing::warn!(alert = job.uid, error = %e, "alert claim not made; delivering (another process may too)");
                true
            }
            Err(_) => {
                tracing::warn!(alert = job.uid, "alert claim unanswered; delivering (another process may too)");
                true
            }
        }
    }

    /// Delivers queued alerts one by one, retrying with backoff; the outcome goes to the writer.
    async fn run(self, mut rx: mpsc::Receiver<Job>) {
        while let Some(job) = rx.recv().await {
            if !self.claimed(&job).await {
                // Another process delivers this event.
                if lock_set(&self.in_flight).remove(&job.uid) {
                    self.writer.send(Write::AlertOutcome {
                        uid: job.uid,
                        status: "duplicate",
                        attempts: 0,
                        error: Some("delivered by another process".into()),
                        sent_at: None,
                    });
                }
                continue;
            }
            let Self { sink, writer, http, url, retries, backoff, in_flight, sent_latency, .. } = &self;
            let (sink, retries, backoff) = (*sink, *retries, *backoff);
            let mut attempt = 0u32;
            let outcome = loop {
                attempt += 1;
                let sent = http.post(url.expose_secret()).json(&job.body).send().await;
                let error = match sent {
                    Ok(r) if r.status().is_success() => break Ok(()),
                    Ok(r) => format!("HTTP {}", r.status().as_u16()),
                    // The error's text may carry the URL: keep only its kind.
                    Err(e) if e.is_timeout() => "timed out".to_string(),
                    Err(e) if e.is_connect() => "cannot connect".to_string(),
                    Err(_) => "transport error".to_string(),
                };
                if attempt > retries {
                    break Err(error);
                }
                tokio::time::sleep(backoff.delay(attempt - 1)).await;
            };
            let (status, error, sent_at) = match outcome {
                Ok(()) => {
                    sent_latency.observe(job.decided.elapsed().as_secs_f64());
                    tracing::info!(sink, "{}", job.text);
                    let elapsed = chrono::Duration::from_std(job.decided.elapsed()).unwrap_or_default();
                    ("sent", None, Some(job.decided_at + elapsed))
                }
                Err(e) => ("failed", Some(e), None),
            };
            if status == "failed" {
                tracing::warn!(
                    alert = job.uid,
                    attempts = attempt,
                    reason = error.as_deref().unwrap_or(""),
                    "alert not delivered"
                );
            }
            // An outcome already recorded as abandoned (the command ended) is not written again.
            if lock_set(in_flight).remove(&job.uid) {
                writer.send(Write::AlertOutcome { uid: job.uid, status, attempts: i64::from(attempt), error, sent_at });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sinks_by_url() {
        assert_eq!(SinkKind::of("https://discord.com/api/webhooks/1/abc"), SinkKind::Discord);
        assert_eq!(SinkKind::of("https://hooks.slack.com/services/T/B/X"), SinkKind::Slack);
        assert_eq!(SinkKind::of("https://api.telegram.org/bot123:abc/sendMessage?chat_id=42"), SinkKind::Telegram);
        assert_eq!(SinkKind::of("https://example.com/hook"), SinkKind::Webhook);
        assert_eq!(SinkKind::of("http://127.0.0.1:9/api/webhooks/1/x"), SinkKind::Discord);
    }

    /// Venue text aimed at chat (an outcome named to ping everyone and to hide a link) stays
    /// inert: Discord parses no mention, Slack shows the markup as written.
    #[test]
    fn venue_text_is_inert_in_chat() {
        let hostile = "buy Polymarket \"Lakers @everyone <@&1> <!channel> <https://evil.example|click> & co\"";
        let discord = body(SinkKind::Discord, "", hostile, "arbitrage", Value::Null);
        assert_eq!(discord["allowed_mentions"], json!({"parse": []}));
        assert_eq!(discord["content"], hostile, "the text as it is; Discord is told to ping no one");
        let slack = body(SinkKind::Slack, "", hostile, "arbitrage", Value::Null);
        let text = slack["text"].as_str().unwrap();
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        assert!(
            text.contains("&lt;!channel&gt;")
                && text.contains("&lt;https://evil.example|click&gt;")
                && text.contains("&amp; co")
        );
        let telegram = body(
            SinkKind::Telegram,
            "https://api.telegram.org/bot1:x/sendMessage?chat_id=7",
            hostile,
            "x",
            Value::Null,
        );
        assert!(telegram.get("parse_mode").is_none());
    }
}
