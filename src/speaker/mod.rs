//! Speaker identity across articles: one stable id per person or organisation.
//!
//! Pure: names in, ids out. Operators pin or split identities in an alias file
//! (`config/aliases.toml`), loaded by the edge and handed in as [`Aliases`].

mod aliases;
mod name;

pub use aliases::{AliasError, Aliases};
pub use name::{exact_key, name_key, person_key};

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
        self.resolve_titled(kind, name, None)
    }

    /// [`Identities::resolve`], with the title the article gives the speaker: it never
    /// changes who someone is, but operators may use it to tell namesakes apart.
    pub fn resolve_titled(
        &self,
        kind: SpeakerKind,
        name: Option<&str>,
        title: Option<&str>,
    ) -> Option<String> {
        let name = name?.trim();
        // Folded once: the person key and the alias lookup start from it.
        let folded = name_key(name);
        let person;
        let (prefix, key) = match kind {
            SpeakerKind::Person => {
                person = name::person_key_of_folded(&folded);
                ("person", person.as_str())
            }
            SpeakerKind::Organization => ("org", folded.as_str()),
            SpeakerKind::Unnamed => return None,
        };
        if key.is_empty() || UNNAMED.contains(&key) {
            return None;
        }
        if let Some(id) = self.aliases.lookup_folded(name, &folded, title) {
            return Some(id.to_owned());
        }
        // A lone surname ("Clinton") the article did not resolve to a full name could be
        // any of several people: no history, unless an operator pinned it (mononyms).
        if kind == SpeakerKind::Person && !key.contains('-') {
            return None;
        }
        let mut id = String::with_capacity(prefix.len() + 1 + key.len());
        id.push_str(prefix);
        id.push(':');
        id.push_str(key);
        Some(id)
    }
}

/// Words that stand for a source without naming it; never given a history, whatever the
/// extractor called them.
const UNNAMED: &[&str] = &[
    "he",
    "she",
    "they",
    "it",
    "we",
    "i",
    "you",
    "officials",
    "official",
    "sources",
    "source",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "aides",
    "aide",
    "analysts",
    "experts",
    "residents",
    "witnesses",
    "people",
    "someone",
    "police",
    "authorities",
    "diplomats",
];

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
    fn middle_names_titles_and_diacritics_do_not_split_a_person() {
        let ids = Identities::default();
        let p = |n| ids.resolve(SpeakerKind::Person, Some(n));
        assert_eq!(p("Hillary Rodham Clinton"), p("Hillary Clinton"));
        assert_eq!(
            p("Secretary of State Hillary Clinton"),
            p("Hillary Clinton")
        );
        assert_eq!(p("Recep Tayyip Erdoğan"), p("Recep Erdogan"));
        assert_eq!(p("Sergei Lavrov"), p("Sergey Lavrov"));
        assert_ne!(p("Hillary Clinton"), p("Chelsea Clinton"));
    }

    #[test]
    fn organisations_keep_every_word() {
        let ids = Identities::default();
        let o = |n| ids.resolve(SpeakerKind::Organization, Some(n));
        assert_eq!(o("the Kremlin"), o("Kremlin"));
        assert_eq!(o("U.S. State Department"), o("US State Department"));
        assert_ne!(o("Bank of England"), o("Bank of Canada"));
        assert_ne!(
            o("Bank of England"),
            ids.resolve(SpeakerKind::Person, Some("Bank of England"))
        );
    }

    #[test]
    fn unnamed_and_unresolved_speakers_have_no_id() {
        let ids = Identities::default();
        assert_eq!(ids.resolve(SpeakerKind::Unnamed, Some("officials")), None);
        assert_eq!(ids.resolve(SpeakerKind::Person, None), None);
        assert_eq!(ids.resolve(SpeakerKind::Person, Some("Officials")), None);
        assert_eq!(ids.resolve(SpeakerKind::Person, Some("he")), None);
        // A bare surname could be Bill or Hillary: not merged into either history.
        assert_eq!(ids.resolve(SpeakerKind::Person, Some("Clinton")), None);
        assert_eq!(
            ids.resolve(SpeakerKind::Organization, Some("Reuters"))
                .as_deref(),
            Some("org:reuters")
        );
    }
}
