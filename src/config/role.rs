//! The role a `claimwire run` process plays in the topology, and the consumer group each role
//! joins. Pure.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What one `claimwire run` process does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Articles in, claim records out, extraction and tracking in one process over one state
    /// directory (the single-stage topology).
    #[default]
    All,
    /// Articles in, one claim envelope per claim out to the internal topic keyed by speaker:
    /// stateless, scales with the articles topic's partitions.
    Extract,
    /// Claim envelopes in, claim records and changelog entries out: judges each claim against
    /// its speaker's history, with a state directory restored from the changelog.
    Track,
}

impl Role {
    /// Every role, in the order the docs name them.
    pub const ALL: [Role; 3] = [Role::All, Role::Extract, Role::Track];

    /// The name used in configuration, environment and flags.
    pub fn name(self) -> &'static str {
        match self {
            Role::All => "all",
            Role::Extract => "extract",
            Role::Track => "track",
        }
    }

    /// The consumer group of this role in the deployment whose base group is `group`: the
    /// all role keeps the base group (existing deployments resume where they were), the
    /// stages get a group each, since they read different topics.
    pub fn group(self, group: &str) -> String {
        match self {
            Role::All => group.to_owned(),
            Role::Extract | Role::Track => format!("{group}.{}", self.name()),
        }
    }

    /// Whether this role keeps a claim store (and so needs a state directory).
    pub fn has_state(self) -> bool {
        self != Role::Extract
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A role name that is none of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a role: use all, extract or track")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_case_and_space_insensitively() {
        for role in Role::ALL {
            assert_eq!(role.name().parse::<Role>(), Ok(role));
        }
        assert_eq!(" Track ".parse::<Role>(), Ok(Role::Track));
        let err = "tracker".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("all, extract or track"), "{err}");
    }

    #[test]
    fn the_all_role_keeps_the_group_and_the_stages_get_their_own() {
        assert_eq!(Role::All.group("cw"), "cw");
        assert_eq!(Role::Extract.group("cw"), "cw.extract");
        assert_eq!(Role::Track.group("cw"), "cw.track");
    }

    #[test]
    fn only_extraction_is_stateless() {
        assert!(Role::All.has_state());
        assert!(Role::Track.has_state());
        assert!(!Role::Extract.has_state());
    }
}
