//! The operators' alias file: pins spellings to one id, or splits namesakes apart.
//!
//! ```toml
//! # config/aliases.toml
//! [[speaker]]
//! id = "person:dmitry-peskov"
//! names = ["Dmitry Peskov", "Dmitrij Peskow"]
//! ```

use std::collections::HashMap;

use serde::Deserialize;

use super::name_key;

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
}

#[derive(Debug, Deserialize)]
struct File {
    #[serde(default)]
    speaker: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    id: String,
    names: Vec<String>,
}

/// Name key → pinned speaker id.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    /// Keyed by [`name_key`], so every spelling that folds the same is pinned too.
    by_key: HashMap<String, String>,
}

impl Aliases {
    /// Reads the alias file's text.
    pub fn parse(text: &str) -> Result<Self, AliasError> {
        let file: File = toml::from_str(text)?;
        let mut by_key = HashMap::new();
        for entry in file.speaker {
            for name in &entry.names {
                let key = name_key(name);
                if let Some(first) = by_key.insert(key, entry.id.clone()) {
                    if first != entry.id {
                        return Err(AliasError::Conflict {
                            name: name.clone(),
                            first,
                            second: entry.id.clone(),
                        });
                    }
                }
            }
        }
        Ok(Aliases { by_key })
    }

    /// The pinned id for a name key.
    pub fn lookup(&self, key: &str) -> Option<&str> {
        self.by_key.get(key).map(String::as_str)
    }
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
}
