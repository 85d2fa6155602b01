//! The command line (the contract table of ARCHITECTURE.md).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// crossbook finds arbitrage between the sports and esports markets of Kalshi and Polymarket.
///
/// Settings come from flags (`--set NAME=VALUE`), then the environment, then a `.env` file.
#[derive(Debug, Parser)]
#[command(name = "crossbook", version, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// Database (`sqlite://crossbook.db` or `postgres://…`); overrides DATABASE_URL.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) database_url: Option<String>,
    /// Log level or filter; overrides LOG_LEVEL.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub(crate) log_level: Option<String>,
    /// Any setting, as NAME=VALUE (repeatable); overrides the environment and `.env`.
    #[arg(long = "set", global = true, value_name = "NAME=VALUE")]
    pub(crate) set: Vec<String>,
    /// The `.env` file to read (missing is fine).
    #[arg(long, global = true, value_name = "PATH", default_value = ".env")]
    pub(crate) env_file: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VenueArg {
    Kalshi,
    Polymarket,
    #[value(name = "polymarket_us", alias = "polymarket-us")]
    PolymarketUs,
    /// The enabled venues (`VENUES`).
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum IngestMode {
    /// Events first, then their markets.
    Split,
    /// A flat market scan.
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BenchName {
    Ingest,
    Matching,
    Books,
    E2e,
    Quotes,
    Replay,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the whole pipeline on the bundled capture through the built-in simulator.
    Demo {
        /// How long to run (e.g. 60s, 5m).
        #[arg(long, default_value = "60s")]
        duration: String,
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Every service in one process.
    Run {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Which services this process runs (comma list of ops, quotes, monitor, web); processes
        /// sharing PostgreSQL split them, and leases keep any one from running twice.
        #[arg(long, default_value = "ops,quotes,monitor,web")]
        services: String,
        /// Also serve this process's own /metrics and /health here (processes without the web
        /// service: Prometheus scrapes each process).
        #[arg(long)]
        metrics_bind: Option<String>,
    },
    /// One ingestion pass.
    Ingest {
        #[arg(short, long, value_enum)]
        venue: VenueArg,
        #[arg(short, long, value_enum, default_value = "split")]
        mode: IngestMode,
    },
    /// Taxonomy maintenance.
    #[command(subcommand)]
    Taxonomy(TaxonomyCommand),
    /// The participant registry: who is who in each league (files plus learned and corrected rows).
    #[command(subcommand)]
    Teams(TeamsCommand),
    /// Venue event sync.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Stored markets.
    #[command(subcommand)]
    Markets(MarketsCommand),
    /// One matching pass with auto-confirm / auto-reject.
    Match {
        /// Topics to match (comma-separated).
        #[arg(long, default_value = "SPORTS")]
        topics: String,
    },
    /// Link review.
    #[command(subcommand)]
    Links(LinksCommand),
    /// The quote watchlist.
    #[command(subcommand)]
    Watchlist(WatchlistCommand),
    /// Quote feeds.
    #[command(subcommand)]
    Quotes(QuotesCommand),
    /// Monitors.
    #[command(subcommand)]
    Monitor(MonitorCommand),
    /// Arbitrage opportunities.
    #[command(subcommand)]
    Arbs(ArbsCommand),
    /// The venues themselves.
    #[command(subcommand)]
    Venues(VenuesCommand),
    /// The execution kill switch, for every process trading on this database.
    #[command(subcommand)]
    Execution(ExecutionCommand),
    /// Fills of the trades taken (`EXECUTION_MODE=paper`), oldest first.
    Fills {
        /// Only fills since this time (RFC 3339).
        #[arg(long)]
        from: Option<String>,
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// What the trades hold now, per venue and contract.
    Positions {
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// What the trades made: per trade, league, kind and day.
    Pnl {
        /// Only trades decided since this time (RFC 3339).
        #[arg(long)]
        from: Option<String>,
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Health report; exit code 0 healthy, 1 degraded, 2 down.
    Health {
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Audits.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// HTTP API, metrics and dashboard.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
    },
    /// The venue simulator: prints its endpoint settings (six NAME=value lines), then serves.
    Sim(SimArgs),
    /// Database maintenance.
    #[command(subcommand)]
    Db(DbCommand),
    /// Evaluations.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Records the venues into a capture directory the simulator serves: the REST answers of
    /// one ingestion, matching and quote pass, then both venues' book sockets with receive times.
    Record {
        /// An empty or new folder.
        #[arg(long)]
        out: PathBuf,
        /// How long to record the sockets (e.g. 60s, 30m).
        #[arg(long, default_value = "60s")]
        duration: String,
        /// Only these leagues' books on the sockets (comma list of codes, e.g. NBA,EPL).
        #[arg(long)]
        leagues: Option<String>,
    },
    /// Reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Performance figures.
    Bench {
        #[arg(value_enum)]
        name: BenchName,
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
        /// e2e only: the database answers 50 ms late (through a delaying proxy; needs a
        /// PostgreSQL --database-url).
        #[arg(long)]
        slow_store: bool,
        /// books: the book changes of a recording (`crossbook record`) on its own links instead
        /// of generated frames; e2e: a capture or recording instead of the bundled capture (its
        /// best opportunity at its clock is measured).
        #[arg(long)]
        data: Option<PathBuf>,
        /// books: how many linked pairs the desk watches (default 500).
        #[arg(long)]
        links: Option<usize>,
    },
}

/// `crossbook sim` options.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// Capture directory (default: the bundled capture).
    #[arg(long)]
    pub(crate) data: Option<PathBuf>,
    #[arg(long, default_value = "127.0.0.1:0")]
    pub(crate) bind: String,
    /// Faults per request, e.g. `429=0.2,5xx=0.1,slow=0.05,malformed=0.01` (and `order_timeout=0.1`:
    /// a Kalshi order taken whose answer is held 3 s).
    #[arg(long, default_value = "")]
    pub(crate) fault: String,
    /// Seed of the fault draws (and of `--generate`).
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Kalshi payload schema to serve: `current` (dollar strings) or `legacy` (integer cents too).
    #[arg(long, default_value = "current")]
    pub(crate) kalshi_schema: String,
    /// Gamma market schema to serve: `v1` (`clobTokenIds`) or `v2` (`positionIds`, `version: "v2"`).
    #[arg(long, default_value = "v1")]
    pub(crate) polymarket_schema: String,
    /// Serve a Kalshi book subscription that does not state `use_yes_price` with the NO side in
    /// YES prices (the default Kalshi announced it would move to); otherwise in NO prices.
    #[arg(long)]
    pub(crate) kalshi_yes_price_default: bool,
    /// Serve drifted payloads (new and missing fields, keyset listings refused, unknown socket
    /// message types), for `venues check`.
    #[arg(long)]
    pub(crate) drift: bool,
    /// PEM public key every Kalshi request must be signed with (default: no check).
    #[arg(long)]
    pub(crate) kalshi_public_key: Option<PathBuf>,
    /// Serve a synthetic capture of about this many markets instead.
    #[arg(long)]
    pub(crate) generate: Option<usize>,
    /// With `--generate`: write the capture to this folder and exit.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Do not enforce the venues' rate limits.
    #[arg(long)]
    pub(crate) unlimited: bool,
    /// Move one book every this many milliseconds (0: prices stay still).
    #[arg(long, default_value_t = 0)]
    pub(crate) move_ms: u64,
    /// Replay the recorded socket changes of --data (from `crossbook record`).
    #[arg(long, requires = "data")]
    pub(crate) replay: bool,
    /// With --replay: a factor of the recorded pace (1: as recorded, 10: ten times faster) or
    /// `max` (no waiting).
    #[arg(long, default_value = "1")]
    pub(crate) speed: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TaxonomyCommand {
    /// Recompute topic, league, sides, kind, line, start and is_mve for stored markets.
    Backfill {
        #[arg(short, long, value_enum)]
        venue: VenueArg,
    },
    /// Stored sports markets in leagues the catalogue does not know, by the venue's own name of
    /// the league (Kalshi series, Polymarket slug prefix): what to add to crates/model/leagues.txt.
    Leagues {
        /// Print JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

/// One registry row named on the command line.
#[derive(Debug, Args)]
pub(crate) struct AliasArgs {
    /// League code (NBA, SERIEA, ATP, …).
    #[arg(long)]
    pub(crate) league: String,
    /// The participant's id in the registry (`INT`, `SINNER`); `teams list` shows them.
    #[arg(long)]
    pub(crate) team: String,
    /// A name either venue writes.
    #[arg(long, conflicts_with_all = ["kalshi_code", "poly_code"])]
    pub(crate) name: Option<String>,
    /// A code in Kalshi tickers.
    #[arg(long, conflicts_with = "poly_code")]
    pub(crate) kalshi_code: Option<String>,
    /// A code in Polymarket slugs.
    #[arg(long)]
    pub(crate) poly_code: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TeamsCommand {
    /// Every registry entry (files, learned, a person's), optionally of one league.
    List {
        /// Only this league (code).
        #[arg(long)]
        league: Option<String>,
        /// Print JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Add a name or code to a participant (a person's row: the matcher never overwrites it).
    Add(AliasArgs),
    /// Say a name or code is NOT this participant (removes it from the registry, files included).
    Block(AliasArgs),
    /// Delete a learned or a person's row (file entries stay; block them instead).
    Remove(AliasArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum EventsCommand {
    /// Sync venue events.
    Sync {
        #[arg(short, long, value_enum)]
        venue: VenueArg,
        /// Leave out multivariate (MVE) events.
        #[arg(long)]
        non_mve: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum MarketsCommand {
    /// List stored markets, closed ones included.
    List {
        #[arg(short, long, value_enum)]
        venue: Option<VenueArg>,
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum LinksCommand {
    /// List links.
    List {
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Confirm a link (`--force`: even when its settlement rules are incompatible).
    Confirm {
        id: i64,
        #[arg(long)]
        force: bool,
    },
    /// Reject a link.
    Reject { id: i64 },
    /// Export links.
    Export {
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum WatchlistCommand {
    /// Rebuild the watchlist.
    Sync,
    /// Show the watchlist.
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum QuotesCommand {
    /// Quote feeds for the watchlist.
    Loop {
        /// One pass, then exit.
        #[arg(long)]
        once: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum MonitorCommand {
    /// Urgent-event arbitrage monitor and alerts.
    LiveEvents {
        /// One pass, then exit.
        #[arg(long)]
        once: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ExecutionCommand {
    /// Kill switch on: no order is sent from now on (running processes follow within 2 s).
    Stop,
    /// Kill switch off: trading resumes (unless `EXECUTION_KILL_SWITCH` holds it).
    Resume,
    /// Whether the kill switch is on, who set it and when.
    Status,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ArbsCommand {
    /// Current opportunities.
    List {
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum VenuesCommand {
    /// Ask each configured venue's endpoints once (REST listings, a book, a few seconds of each
    /// socket) and report drift: endpoints refused, fields read that are missing, fields never
    /// seen, unknown message types, frames that cannot be read. Trades nothing; exit 1 on drift.
    Check {
        /// How long to listen to each socket (e.g. 5s).
        #[arg(long, default_value = "5s")]
        listen: String,
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// What the arbitrage was worth, per league and kind: the share of the watched time with an
    /// edge before and after fees, edges, fillable size and capital, profit, lifetimes, time to
    /// start and which venue moved first.
    Opportunities {
        /// Start of the window (RFC 3339; default: 24 h before --to).
        #[arg(long)]
        from: Option<String>,
        /// End of the window (RFC 3339; default: now).
        #[arg(long)]
        to: Option<String>,
        /// Print JSON on stdout instead of text.
        #[arg(long)]
        json: bool,
        /// Also write the report with its charts as an HTML page to this file.
        #[arg(long)]
        html: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Prove no MVE market is eligible, linked or watched.
    Mve,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Apply schema migrations.
    Migrate,
    /// A consistent backup (SQLite online; PostgreSQL with pg_dump).
    Backup {
        /// Where to write it (default: crossbook-backup-<time>.db|.dump here).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Restore a backup into DATABASE_URL (an empty target only, unless --force).
    Restore {
        /// The backup file (`db backup` output).
        #[arg(long)]
        from: PathBuf,
        /// Replace a target that holds data already.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum EvalCommand {
    /// Precision / recall of the matcher on a labelled capture.
    Matching {
        /// A capture directory (kalshi/, polymarket/ in the venues' shapes).
        #[arg(long)]
        data: PathBuf,
        /// Its labels CSV (which Kalshi market pays with which Polymarket outcome).
        #[arg(long)]
        labels: PathBuf,
        /// Print only the JSON report.
        #[arg(long)]
        json: bool,
    },
}
