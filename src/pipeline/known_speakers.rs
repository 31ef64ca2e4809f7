//! `KnownSpeakers`: the speaker ids [`Identities`] gave, remembered across articles.
//!
//! A wire quotes the same people all day, and resolving a name (folding its spelling, the
//! person key, the alias lookup) cost about 2,000 instructions, five times an article. The
//! id depends only on the kind, the name and the title the article gives, so it is looked
//! up instead, by a 128-bit hash of the three (the odds that two speakers share one are those
//! of two claims sharing a claim id).

use std::sync::{Mutex, PoisonError};

use foldhash::HashMap;
use xxhash_rust::xxh3::Xxh3Default;

use crate::claim::SpeakerKind;
use crate::speaker::Identities;

/// Speakers remembered at most; past that the memory starts again (some 100 bytes each).
const MAX_SPEAKERS: usize = 1 << 16;

/// Ids of the speakers met so far, shared by the threads that extract.
#[derive(Debug, Default)]
pub struct KnownSpeakers {
    /// Hash of (kind, name, title) → the id [`Identities::resolve_titled`] gave.
    ids: Mutex<HashMap<u128, Option<String>>>,
}

impl KnownSpeakers {
    /// [`Identities::resolve_titled`], remembered: `identities` must be the same for every
    /// call on one `KnownSpeakers`.
    pub fn resolve(
        &self,
        identities: &Identities,
        kind: SpeakerKind,
        name: Option<&str>,
        title: Option<&str>,
    ) -> Option<String> {
        let key = key(kind, name?, title);
        let lock = || self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(id) = lock().get(&key) {
            return id.clone();
        }
        let id = identities.resolve_titled(kind, name, title);
        let mut ids = lock();
        if ids.len() >= MAX_SPEAKERS {
            ids.clear();
        }
        ids.insert(key, id.clone());
        id
    }
}

/// The hash a speaker is remembered by: its kind, its name, and its title if any, each
/// told apart from the next.
fn key(kind: SpeakerKind, name: &str, title: Option<&str>) -> u128 {
    let mut hasher = Xxh3Default::new();
    hasher.update(&[kind as u8]);
    hasher.update(&(name.len() as u64).to_le_bytes());
    hasher.update(name.as_bytes());
    if let Some(title) = title {
        hasher.update(&[1]);
        hasher.update(title.as_bytes());
    }
    hasher.digest128()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_ids_are_the_ones_identities_give() {
        let aliases = crate::speaker::Aliases::parse(
            "[[speaker]]\nid = \"person:john-smith-senator\"\nnames = [\"John Smith\"]\ntitles = [\"senator\"]\n",
        )
        .unwrap();
        let identities = Identities::new(aliases);
        let known = KnownSpeakers::default();
        let cases = [
            (SpeakerKind::Person, Some("Dmitry Peskov"), None),
            (
                SpeakerKind::Person,
                Some("Dmitri Peskov"),
                Some("Kremlin spokesman"),
            ),
            (SpeakerKind::Organization, Some("Dmitry Peskov"), None),
            (SpeakerKind::Person, Some("John Smith"), Some("Senator")),
            (SpeakerKind::Person, Some("John Smith"), None),
            (SpeakerKind::Person, Some("Peskov"), None),
            (SpeakerKind::Unnamed, Some("officials"), None),
            (SpeakerKind::Person, None, None),
        ];
        // Twice: the second round answers from memory.
        for _ in 0..2 {
            for (kind, name, title) in cases {
                assert_eq!(
                    known.resolve(&identities, kind, name, title),
                    identities.resolve_titled(kind, name, title),
                    "{kind:?} {name:?} {title:?}"
                );
            }
        }
        // The title matters where an alias says so: the two John Smiths stay apart.
        assert_ne!(
            known.resolve(
                &identities,
                SpeakerKind::Person,
                Some("John Smith"),
                Some("Senator")
            ),
            known.resolve(&identities, SpeakerKind::Person, Some("John Smith"), None),
        );
    }

    #[test]
    fn names_and_titles_are_told_apart_where_they_meet() {
        assert_ne!(
            key(SpeakerKind::Person, "Ann", Some("Lee")),
            key(SpeakerKind::Person, "AnnLee", None)
        );
        assert_ne!(
            key(SpeakerKind::Person, "Ann Lee", None),
            key(SpeakerKind::Organization, "Ann Lee", None)
        );
        assert_ne!(
            key(SpeakerKind::Person, "Ann Lee", None),
            key(SpeakerKind::Person, "Ann Lee", Some(""))
        );
    }
}
