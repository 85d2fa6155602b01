//! The writer's write-ahead spool: the records the writer holds, appended to a local file
//! before it applies them, so that a `kill -9` (or a crash) while the database is away loses
//! none of them. The next process to take the spool replays it first; every spooled write is
//! one the store applies again without a second row (opportunities are named by their first
//! sighting, alerts by their key, closes and states are idempotent).
//!
//! The file is one JSON object per line, locked by the process that uses it (a second process
//! takes the next free slot), bounded ([`Spool::open`]'s `max_bytes`): past it a write is kept
//! in memory only and counted as not spooled. When everything spooled is written the file is
//! cut back to the alerts of the last cooldown: a restart without its database still knows not
//! to raise them again. Books and chart points are not spooled (the next snapshot replaces a
//! book; chart points are the first thing given up).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use crossbook_model::{LinkId, MarketState, Opportunity, Venue};
use crossbook_store::AlertRecord;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use serde::{Deserialize, Serialize};

/// Slots per spool name: processes of one kind running at once (standbys included).
const SLOTS: usize = 8;
/// A spooled line longer than this is unreadable (no write comes near it).
const MAX_LINE_BYTES: usize = 4 << 20;

/// One spooled write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "write", rename_all = "snake_case")]
pub enum Entry {
    Opportunity {
        o: Box<Opportunity>,
        direction: String,
        first_seen: DateTime<Utc>,
        last_seen: DateTime<Utc>,
    },
    CloseLink {
        link: LinkId,
        direction: Option<String>,
        at: DateTime<Utc>,
    },
    CloseUnseen {
        seen_since: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    MarketState {
        venue: Venue,
        market: String,
        state: MarketState,
    },
    /// A trade and its fills (written again by id: replaying it adds nothing twice).
    Trade {
        trade: Box<crossbook_model::Trade>,
    },
    /// An alert raised; `about` names its opportunity's link and direction.
    Alert {
        record: Box<AlertRecord>,
        about: Option<(LinkId, String)>,
    },
    /// The delivery outcome of the alert `record` (found again by its key).
    AlertOutcome {
        record: Box<AlertRecord>,
        status: String,
        attempts: i64,
        error: Option<String>,
        sent_at: Option<DateTime<Utc>>,
    },
}

/// What the spool reports (health and metrics read it).
#[derive(Debug, Default)]
pub struct SpoolStats {
    /// Bytes in the spool file.
    pub bytes: Gauge,
    /// Writes not spooled because the spool was full (held in memory only).
    pub lost: Counter,
    /// Writes read back from the spool at start.
    pub replayed: Counter,
    /// Lines of the spool that could not be read (a write cut short by a crash).
    pub unreadable: Counter,
}

/// The open, locked spool file.
#[derive(Debug)]
pub struct Spool {
    file: File,
    path: PathBuf,
    max_bytes: u64,
    /// Encoded writes not yet in the file.
    buf: Vec<u8>,
    /// The arbitrage alerts kept through a cut, newest last.
    alerts: Vec<Entry>,
    keep_alerts: chrono::Duration,
    /// Whether the file holds nothing but `alerts`.
    settled: bool,
    pub stats: std::sync::Arc<SpoolStats>,
}

impl Spool {
    /// Opens (creating) the first free slot of spool `name` in `dir` and reads back what it
    /// holds. Arbitrage alerts of the last `keep_alerts` are kept through cuts.
    pub fn open(
        dir: &Path,
        name: &str,
        max_bytes: u64,
        keep_alerts: chrono::Duration,
    ) -> anyhow::Result<(Self, Vec<Entry>)> {
        use anyhow::Context as _;
        std::fs::create_dir_all(dir).with_context(|| format!("STATE_DIR: cannot create {}", dir.display()))?;
        for slot in 1..=SLOTS {
            let path = dir.join(format!("{name}-{slot}.spool"));
            if let Ok(meta) = std::fs::symlink_metadata(&path)
                && !meta.file_type().is_file()
            {
                anyhow::bail!("STATE_DIR: {} is not a regular file", path.display());
            }
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .with_context(|| format!("STATE_DIR: cannot open {}", path.display()))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => continue,
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("STATE_DIR: cannot lock {}", path.display()));
                }
            }
            let stats = std::sync::Arc::new(SpoolStats::default());
            let entries = read_entries(&file, &path, max_bytes, &stats);
            let mut spool =
                Self { file, path, max_bytes, buf: Vec::new(), alerts: Vec::new(), keep_alerts, settled: false, stats };
            for e in &entries {
                spool.remember_alert(e);
            }
            // Written back whole and in order: a torn last line is not left for the next
            // append to join.
            spool.write_file(entries.iter())?;
            spool.settled = entries.is_empty();
            spool.stats.replayed.inc_by(entries.len() as u64);
            return Ok((spool, entries));
        }
        anyhow::bail!("STATE_DIR: every slot of spool {name} in {} is held by another process", dir.display())
    }

    /// The file this spool writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds `e` to what the next [`Spool::sync`] writes; past the bound it is counted instead.
    pub fn append(&mut self, e: &Entry) {
        let Ok(mut line) = serde_json::to_vec(e) else { return };
        line.push(b'\n');
        let size = self.stats.bytes.get().max(0) as u64 + self.buf.len() as u64;
        if size + line.len() as u64 > self.max_bytes {
            let n = self.stats.lost.inc() + 1;
            if n.is_power_of_two() {
                tracing::warn!(path = %self.path.display(), not_spooled = n, "write spool full: writes held in memory only");
            }
            return;
        }
        self.buf.extend_from_slice(&line);
        self.remember_alert(e);
        self.settled = false;
    }

    /// Hands what was appended to the file (the kernel keeps it through a kill of the process).
    pub fn sync(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.file.seek(SeekFrom::End(0))?;
        self.file.write_all(&self.buf)?;
        self.stats.bytes.inc_by(self.buf.len() as i64);
        self.buf.clear();
        Ok(())
    }

    /// Everything spooled is written: the file is cut back to the alerts of the last cooldown.
    pub fn settle(&mut self) -> std::io::Result<()> {
        if self.settled && self.buf.is_empty() {
            return Ok(());
        }
        self.rewrite(&[])
    }

    /// The file becomes the kept alerts then `pending` (a spool grown past half its bound while
    /// the database is away is rewritten from the writes still held, merged).
    pub fn rewrite(&mut self, pending: &[Entry]) -> std::io::Result<()> {
        self.prune_alerts();
        let kept: Vec<Entry> =
            self.alerts.iter().filter(|a| !pending.iter().any(|p| same_alert(a, p))).cloned().collect();
        self.buf.clear();
        self.write_file(kept.iter().chain(pending))?;
        self.settled = pending.is_empty();
        Ok(())
    }

    /// The file becomes `entries`, one line each.
    fn write_file<'a>(&mut self, entries: impl Iterator<Item = &'a Entry>) -> std::io::Result<()> {
        let mut out = Vec::new();
        for e in entries {
            if let Ok(line) = serde_json::to_vec(e) {
                out.extend_from_slice(&line);
                out.push(b'\n');
            }
        }
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(&out)?;
        self.stats.bytes.set(out.len() as i64);
        Ok(())
    }

    /// Whether the file has grown past half its bound.
    pub fn wants_rewrite(&self) -> bool {
        self.stats.bytes.get().max(0) as u64 > self.max_bytes / 2
    }

    /// The arbitrage alerts raised within the kept window and not failed: (link, direction,
    /// raised at), for the alerter's cooldowns.
    pub fn recent_alerts(&self) -> Vec<(LinkId, String, DateTime<Utc>)> {
        self.alerts
            .iter()
            .filter_map(|e| match e {
                Entry::Alert { record, about: Some((link, direction)) } if record.status != "failed" => {
                    Some((*link, direction.clone(), record.created_at))
                }
                _ => None,
            })
            .collect()
    }

    /// Keeps arbitrage alerts (and their outcomes' status) through cuts.
    fn remember_alert(&mut self, e: &Entry) {
        match e {
            Entry::Alert { record, about: Some(_) }
                if record.kind == "arbitrage"
                    && record.key.is_some()
                    && !self.alerts.iter().any(|a| same_alert(a, e)) =>
            {
                self.alerts.push(e.clone());
            }
            Entry::AlertOutcome { record, status, attempts, error, sent_at } if record.key.is_some() => {
                for kept in &mut self.alerts {
                    if let Entry::Alert { record: r, .. } = kept
                        && r.key == record.key
                    {
                        r.status.clone_from(status);
                        r.attempts = *attempts;
                        r.error.clone_from(error);
                        r.sent_at = *sent_at;
                    }
                }
            }
            _ => {}
        }
    }

    /// Forgets kept alerts older than the window before the newest (the decisions' clock, which
    /// a replay pins, not the wall's).
    fn prune_alerts(&mut self) {
        let at = |e: &Entry| match e {
            Entry::Alert { record, .. } => record.created_at,
            _ => DateTime::<Utc>::MIN_UTC,
        };
        let Some(newest) = self.alerts.iter().map(at).max() else { return };
        let keep = self.keep_alerts;
        self.alerts.retain(|e| newest - at(e) <= keep);
    }
}

/// Whether `a` and `b` are both the raising of one alert (by its key).
fn same_alert(a: &Entry, b: &Entry) -> bool {
    matches!((a, b), (Entry::Alert { record: x, .. }, Entry::Alert { record: y, .. }) if x.key.is_some() && x.key == y.key)
}

/// The entries of a spool file, in order; a line that cannot be read is counted, logged with
/// the file and line, and skipped.
fn read_entries(file: &File, path: &Path, max_bytes: u64, stats: &SpoolStats) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut reader = BufReader::new(file.take(max_bytes.saturating_mul(2)));
    let mut line = Vec::new();
    for n in 1.. {
        line.clear();
        match (&mut reader).take(MAX_LINE_BYTES as u64 + 1).read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "write spool unreadable past line {n}");
                stats.unreadable.inc();
                break;
            }
        }
        if line.len() > MAX_LINE_BYTES {
            // The rest of an over-long line is skipped to its end.
            let _ = reader.skip_until(b'\n');
            stats.unreadable.inc();
            tracing::warn!(path = %path.display(), line = n, "write spool line too long: skipped");
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Entry>(&line) {
            Ok(e) => entries.push(e),
            Err(e) => {
                stats.unreadable.inc();
                tracing::warn!(path = %path.display(), line = n, error = %e, "write spool line unreadable: skipped");
            }
        }
    }
    entries
}
