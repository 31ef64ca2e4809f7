//! The operators' alias file: pins spellings to one id, or splits namesakes apart.
//! See `config/aliases.toml` for a commented example.
//!
//! ```toml
//! [[speaker]]
//! id = "person:dmitry-peskov"
//! names = ["Dmitry Peskov", "Dmitrij Peskow"]
//!
//! # Two people called John Smith, told apart by the title the article gives.
//! [[speaker]]
//! id = "person:john-smith-senator"
//! names = ["John Smith"]
//! titles = ["senator"]
//! ```
//!
//! A name is looked up as spelled (case and spacing aside) first, then folded ([`name_key`]),
//! then as a person ([`person_key`]). Entries with `titles` apply only when the speaker's
//! title contains one of them, and win over entries without.

use foldhash::HashMap;

use serde::Deserialize;

use std::borrow::Cow;

use super::name::{exact_key, name_key, person_key, person_key_of_folded};

/// Why the alias file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum AliasError {
    #[error("alias file is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("name {name:?} is given to both {first} and {second}")]
    Conflict {
        name: String,
        first: String,
        second: String,
    },
    #[error("alias entry {id:?} has no names")]
    NoNames { id: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    speaker: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    names: Vec<String>,
    #[serde(default)]
    titles: Vec<String>,
}

/// One pin: the id, and the titles it is limited to (empty: any).
#[derive(Debug, Clone)]
struct Pin {
    id: String,
    titles: Vec<String>,
}

/// Name keys → pinned speaker ids, at three strictness levels.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    /// Keyed by [`exact_key`], [`name_key`], [`person_key`], in lookup order.
    levels: [HashMap<String, Vec<Pin>>; 3],
}

impl Aliases {
    /// Reads the alias file's text.
    pub fn parse(text: &str) -> Result<Self, AliasError> {
        let file: File = toml::from_str(text)?;
        let mut aliases = Aliases::default();
        for entry in file.speaker {
            if entry.names.is_empty() {
                return Err(AliasError::NoNames { id: entry.id });
            }
            let titles: Vec<String> = entry.titles.iter().map(|t| t.to_lowercase()).collect();
            for name in &entry.names {
                for (level, key) in [exact_key(name), name_key(name), person_key(name)]
                    .into_iter()
                    .enumerate()
                {
                    if key.is_empty() {
                        continue;
                    }
                    let pins = aliases.levels[level].entry(key).or_default();
                    // The same name (as spelled) for two ids under the same condition is an
                    // operator's mistake; at the looser levels it only makes the key ambiguous.
                    if let Some(other) =
                        pins.iter().find(|p| p.id != entry.id && p.titles == titles)
                    {
                        if level == 0 {
                            return Err(AliasError::Conflict {
                                name: name.clone(),
                                first: other.id.clone(),
                                second: entry.id.clone(),
                            });
                        }
                    }
                    if !pins.iter().any(|p| p.id == entry.id && p.titles == titles) {
                        pins.push(Pin {
                            id: entry.id.clone(),
                            titles: titles.clone(),
                        });
                    }
                }
            }
        }
        Ok(aliases)
    }

    /// The pinned id for a name (with the speaker's title, when known), if any.
    pub fn lookup_name(&self, name: &str, title: Option<&str>) -> Option<&str> {
        self.lookup_folded(name, &name_key(name), title)
    }

    /// [`Aliases::lookup_name`] for a caller that already holds `folded`, the name's
    /// [`name_key`]. A key is built only for a level that has pins: most deployments pin
    /// few names, or none.
    pub(super) fn lookup_folded(
        &self,
        name: &str,
        folded: &str,
        title: Option<&str>,
    ) -> Option<&str> {
        if self.levels.iter().all(HashMap::is_empty) {
            return None;
        }
        let title = title.map(str::to_lowercase);
        for (level, map) in self.levels.iter().enumerate() {
            if map.is_empty() {
                continue;
            }
            let key: Cow<str> = match level {
                0 => exact_key(name).into(),
                1 => folded.into(),
                _ => person_key_of_folded(folded).into(),
            };
            let Some(pins) = map.get(key.as_ref()) else {
                continue;
            };
            // Title-limited pins first.
            if let Some(t) = &title {
                let hits: Vec<&Pin> = pins
                    .iter()
                    .filter(|p| p.titles.iter().any(|x| t.contains(x.as_str())))
                    .collect();
                if let Some(id) = unique(&hits) {
                    return Some(id);
                }
            }
            let open: Vec<&Pin> = pins.iter().filter(|p| p.titles.is_empty()).collect();
            if let Some(id) = unique(&open) {
                return Some(id);
            }
        }
        None
    }

    /// The pinned id for a folded name key ([`name_key`]), ignoring titled pins.
    pub fn lookup(&self, key: &str) -> Option<&str> {
        let pins = self.levels[1].get(key)?;
        let open: Vec<&Pin> = pins.iter().filter(|p| p.titles.is_empty()).collect();
        unique(&open)
    }
}

/// The id all these pins agree on, if they do.
fn unique<'a>(pins: &[&'a Pin]) -> Option<&'a str> {
    let first = pins.first()?;
    pins.iter()
        .all(|p| p.id == first.id)
        .then_some(first.id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_all_spellings_of_a_listed_name() {
        let aliases = Aliases::parse(
            r#"
            [[speaker]]
            id = "person:ana-ruiz-mayor"
            names = ["Ana Ruiz", "Ana María Ruiz"]
            "#,
        )
        .unwrap();
        assert_eq!(
            aliases.lookup(&name_key("ANA RUIZ")),
            Some("person:ana-ruiz-mayor")
        );
        assert_eq!(
            aliases.lookup(&name_key("Ana Maria Ruiz")),
            Some("person:ana-ruiz-mayor")
        );
        assert_eq!(aliases.lookup(&name_key("Ana Ruis")), None);
        assert_eq!(
            aliases.lookup_name("Mayor Ana Ruiz", None),
            Some("person:ana-ruiz-mayor")
        );
    }

    #[test]
    fn one_name_for_two_ids_is_an_error() {
        let err = Aliases::parse(
            r#"
            [[speaker]]
            id = "a"
            names = ["Kim Lee"]
            [[speaker]]
            id = "b"
            names = ["Kim Lee"]
            "#,
        )
        .unwrap_err();
        assert!(matches!(err, AliasError::Conflict { .. }));
    }

    #[test]
    fn exact_spellings_split_what_folding_would_merge() {
        let aliases = Aliases::parse(
            r#"
            [[speaker]]
            id = "person:dmitri-ivanov-chess"
            names = ["Dmitri Ivanov"]
            [[speaker]]
            id = "person:dmitry-ivanov-minister"
            names = ["Dmitry Ivanov"]
            "#,
        )
        .unwrap();
        assert_eq!(
            aliases.lookup_name("Dmitri Ivanov", None),
            Some("person:dmitri-ivanov-chess")
        );
        assert_eq!(
            aliases.lookup_name("dmitry  ivanov", None),
            Some("person:dmitry-ivanov-minister")
        );
        // A third spelling folds to both: ambiguous, so not pinned.
        assert_eq!(aliases.lookup_name("Dmitriy Ivanov", None), None);
    }

    #[test]
    fn titles_split_namesakes() {
        let aliases = Aliases::parse(
            r#"
            [[speaker]]
            id = "person:john-smith-senator"
            names = ["John Smith"]
            titles = ["senator"]
            [[speaker]]
            id = "person:john-smith-coach"
            names = ["John Smith"]
            titles = ["coach"]
            "#,
        )
        .unwrap();
        assert_eq!(
            aliases.lookup_name("John Smith", Some("State Senator")),
            Some("person:john-smith-senator")
        );
        assert_eq!(
            aliases.lookup_name("John Smith", Some("head coach")),
            Some("person:john-smith-coach")
        );
        assert_eq!(aliases.lookup_name("John Smith", None), None);
    }
}
