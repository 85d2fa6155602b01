//! Entries of the participant registry that live in the database: names and codes the matcher
//! learned from games both venues agree on, and a person's corrections. The registry's files in
//! the repository hold the rest (`crates/taxonomy/registry/`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::league::League;
use crate::venue::Venue;

/// Whether an alias is a short code or a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AliasKind {
    /// A venue's short code (`INT` in a Kalshi ticker, `int` in a Polymarket slug).
    Code,
    /// A name as a venue writes it.
    Name,
}

/// Where an alias came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AliasSource {
    /// The registry files in the repository.
    File,
    /// Learned by the matcher from a game whose codes agreed on both venues.
    Learned,
    /// Entered or corrected by a person; never overwritten by the matcher.
    Person,
}

impl AliasSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AliasSource::File => "file",
            AliasSource::Learned => "learned",
            AliasSource::Person => "person",
        }
    }
}

impl AliasKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AliasKind::Code => "code",
            AliasKind::Name => "name",
        }
    }
}

impl FromStr for AliasKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "code" => Ok(AliasKind::Code),
            "name" => Ok(AliasKind::Name),
            _ => Err(format!("unknown alias kind {s:?} (expected code or name)")),
        }
    }
}

impl FromStr for AliasSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "file" => Ok(AliasSource::File),
            "learned" => Ok(AliasSource::Learned),
            "person" => Ok(AliasSource::Person),
            _ => Err(format!("unknown alias source {s:?}")),
        }
    }
}

/// One name or code of one participant of a league.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TeamAlias {
    pub league: League,
    /// The registry's id of the team, player or fighter (`INT`, `SINNER`).
    pub team: String,
    /// Whose code or name it is; `None` for a name either venue may write.
    pub venue: Option<Venue>,
    pub kind: AliasKind,
    pub value: String,
    pub source: AliasSource,
    /// A person's "this value is not this team": it removes the value from the registry, file
    /// and learned entries included.
    pub blocked: bool,
}

impl fmt::Display for TeamAlias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let venue = self.venue.map_or("any", Venue::as_str);
        write!(f, "{}:{} {} {} {:?}", self.league, self.team, venue, self.kind.as_str(), self.value)?;
        if self.blocked {
            f.write_str(" (blocked)")?;
        }
        Ok(())
    }
}
