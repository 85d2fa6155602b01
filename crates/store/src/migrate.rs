//! Schema migrations, embedded in the binary, one list per backend. Applied in order inside a
//! transaction each; a second run applies nothing.

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    pub(crate) version: i64,
    pub(crate) name: &'static str,
    pub(crate) sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../migrations/sqlite/0001_init.sql") },
    Migration { version: 2, name: "market_subject", sql: include_str!("../migrations/sqlite/0002_market_subject.sql") },
    Migration {
        version: 3,
        name: "opportunity_payload",
        sql: include_str!("../migrations/sqlite/0003_opportunity_payload.sql"),
    },
    Migration { version: 4, name: "leases", sql: include_str!("../migrations/sqlite/0004_leases.sql") },
    Migration {
        version: 5,
        name: "game_clock_and_aliases",
        sql: include_str!("../migrations/sqlite/0005_game_clock_and_aliases.sql"),
    },
    Migration { version: 6, name: "quote_samples", sql: include_str!("../migrations/sqlite/0006_quote_samples.sql") },
    Migration { version: 7, name: "market_state", sql: include_str!("../migrations/sqlite/0007_market_state.sql") },
    Migration { version: 8, name: "alert_key", sql: include_str!("../migrations/sqlite/0008_alert_key.sql") },
    Migration {
        version: 9,
        name: "opportunity_first_seen",
        sql: include_str!("../migrations/sqlite/0009_opportunity_first_seen.sql"),
    },
    Migration { version: 10, name: "one_system", sql: include_str!("../migrations/sqlite/0010_one_system.sql") },
    Migration { version: 11, name: "link_venue", sql: include_str!("../migrations/sqlite/0011_link_venue.sql") },
    Migration { version: 12, name: "trades", sql: include_str!("../migrations/sqlite/0012_trades.sql") },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../migrations/postgres/0001_init.sql") },
    Migration {
        version: 2,
        name: "market_subject",
        sql: include_str!("../migrations/postgres/0002_market_subject.sql"),
    },
    Migration {
        version: 3,
        name: "opportunity_payload",
        sql: include_str!("../migrations/postgres/0003_opportunity_payload.sql"),
    },
    Migration { version: 4, name: "leases", sql: include_str!("../migrations/postgres/0004_leases.sql") },
    Migration {
        version: 5,
        name: "game_clock_and_aliases",
        sql: include_str!("../migrations/postgres/0005_game_clock_and_aliases.sql"),
    },
    Migration { version: 6, name: "quote_samples", sql: include_str!("../migrations/postgres/0006_quote_samples.sql") },
    Migration { version: 7, name: "market_state", sql: include_str!("../migrations/postgres/0007_market_state.sql") },
    Migration { version: 8, name: "alert_key", sql: include_str!("../migrations/postgres/0008_alert_key.sql") },
    Migration {
        version: 9,
        name: "opportunity_first_seen",
        sql: include_str!("../migrations/postgres/0009_opportunity_first_seen.sql"),
    },
    Migration { version: 10, name: "one_system", sql: include_str!("../migrations/postgres/0010_one_system.sql") },
    Migration { version: 11, name: "link_venue", sql: include_str!("../migrations/postgres/0011_link_venue.sql") },
    Migration { version: 12, name: "trades", sql: include_str!("../migrations/postgres/0012_trades.sql") },
];

/// The bookkeeping table, the same on both backends.
pub(crate) const CREATE_SCHEMA_MIGRATIONS: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT   NOT NULL,
    applied_at TEXT   NOT NULL
)";

/// What a migration run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// Versions applied by this run (empty when already up to date).
    pub applied: Vec<i64>,
    /// The schema version after the run.
    pub current: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_ascend_and_backends_agree() {
        for list in [SQLITE, POSTGRES] {
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version, i as i64 + 1);
            }
        }
        let names = |l: &[Migration]| l.iter().map(|m| m.name).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
    }
}
