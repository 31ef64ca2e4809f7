//! Speaker identity across articles: one stable id per person or organisation.
//!
//! Pure: names in, ids out. Operators pin or split identities in an alias file
//! (`config/aliases.toml`), loaded by the edge and handed in as [`Aliases`].

mod aliases;
mod name;

pub use aliases::{AliasError, Aliases};
pub use name::name_key;

use crate::claim::SpeakerKind;

/// Resolves speakers to stable ids.
#[derive(Debug, Clone, Default)]
pub struct Identities {
    /// Operator overrides, consulted before the automatic key.
    aliases: Aliases,
}

impl Identities {
    pub fn new(aliases: Aliases) -> Self {
        Identities { aliases }
    }

    /// The stable id of a speaker, or `None` for speakers that must not have a history
    /// (unnamed sources, mentions the article did not resolve to a name).
    pub fn resolve(&self, kind: SpeakerKind, name: Option<&str>) -> Option<String> {
        let name = name?.trim();
        let prefix = match kind {
            SpeakerKind::Person => "person",
            SpeakerKind::Organization => "org",
            SpeakerKind::Unnamed => return None,
        };
        let key = name_key(name);
        if key.is_empty() {
            return None;
        }
        if let Some(id) = self.aliases.lookup(&key) {
            return Some(id.to_owned());
        }
        Some(format!("{prefix}:{key}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_variants_of_one_person_share_an_id() {
        let ids = Identities::default();
        let a = ids.resolve(SpeakerKind::Person, Some("Dmitry Peskov"));
        assert_eq!(a.as_deref(), Some("person:dmitry-peskov"));
        for variant in [
            "Dmitri Peskov",
            "Dmitry S. Peskov",
            "DMITRY PESKOV",
            "Dmitriy Peskov",
        ] {
            assert_eq!(
                ids.resolve(SpeakerKind::Person, Some(variant)),
                a,
                "{variant}"
            );
        }
    }

    #[test]
    fn different_people_sharing_a_surname_do_not() {
        let ids = Identities::default();
        assert_ne!(
            ids.resolve(SpeakerKind::Person, Some("Hillary Clinton")),
            ids.resolve(SpeakerKind::Person, Some("Bill Clinton"))
        );
    }

    #[test]
    fn unnamed_and_unresolved_speakers_have_no_id() {
        let ids = Identities::default();
        assert_eq!(ids.resolve(SpeakerKind::Unnamed, Some("officials")), None);
        assert_eq!(ids.resolve(SpeakerKind::Person, None), None);
    }
}
