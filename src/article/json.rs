//! Article objects in JSON (one per JSON Lines line, or one per Kafka message).
//!
//! The object is read field by field into the few fields an article has: no map of every
//! field is built (a map and a `Value` per field showed as 3% of a wire article's cost).
//! Fields claimwire does not know are skipped unread. The checks run after the whole
//! object has been read, so a syntax error anywhere wins over a field of the wrong type,
//! as it would after parsing into a `serde_json::Value`.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

use super::{parse_published_at, Article, RejectionReason};

/// Parses one JSON article object. `max_bytes` bounds the whole record.
pub fn parse_json(raw: &[u8], max_bytes: usize) -> Result<Article, RejectionReason> {
    if raw.len() > max_bytes {
        return Err(RejectionReason::TooLarge {
            size: raw.len(),
            limit: max_bytes,
        });
    }
    let text = std::str::from_utf8(raw).map_err(|e| RejectionReason::NotUtf8(e.valid_up_to()))?;
    // What `serde_json::from_str` does: the value, then nothing but white space after it.
    let mut json = serde_json::Deserializer::from_str(text);
    let parsed = Level::Top
        .deserialize(&mut json)
        .and_then(|parsed| json.end().map(|()| parsed))
        .map_err(|e| RejectionReason::NotJson(e.to_string()))?;
    article_of(parsed)
}

/// The article of a parsed JSON value, or why it is none.
fn article_of(parsed: Parsed) -> Result<Article, RejectionReason> {
    let Parsed::Object(fields) = parsed else {
        return Err(RejectionReason::NotJson(
            "the value is not an object".into(),
        ));
    };
    let Fields {
        id,
        body,
        text,
        published_at,
        title,
        source,
        url,
        language,
    } = *fields;
    let id = match id {
        Some(Parsed::Str(s)) => s,
        // Numeric ids are common in feeds; they are ids all the same.
        Some(Parsed::Number(n)) => n.to_string(),
        Some(_) => return Err(RejectionReason::WrongType("id")),
        None => return Err(RejectionReason::MissingField("id")),
    };
    if id.trim().is_empty() {
        return Err(RejectionReason::EmptyId);
    }
    let body = match optional_string(body, "body")? {
        Some(body) => body,
        None => optional_string(text, "text")?.ok_or(RejectionReason::MissingField("body"))?,
    };
    let published_at = optional_string(published_at, "published_at")?;
    let published_on = published_at
        .as_deref()
        .map(parse_published_at)
        .transpose()?;
    Ok(Article {
        id,
        body,
        title: optional_string(title, "title")?,
        source: optional_string(source, "source")?,
        published_on,
        published_at,
        url: optional_string(url, "url")?,
        language: optional_string(language, "language")?,
    })
}

/// A string field's value (`None`: absent or null).
fn optional_string(
    field: Option<Parsed>,
    key: &'static str,
) -> Result<Option<String>, RejectionReason> {
    match field {
        None | Some(Parsed::Null) => Ok(None),
        Some(Parsed::Str(s)) => Ok(Some(s)),
        Some(_) => Err(RejectionReason::WrongType(key)),
    }
}

/// What a JSON value is, as far as an article needs to know: at the top, the fields of an
/// object; as a field's value, a string or a number (an id may be either) or only its kind,
/// since any other kind is refused; as a key, which field it names.
enum Parsed {
    /// Boxed: a field's value is a `Parsed` too.
    Object(Box<Fields>),
    Str(String),
    Number(Number),
    Null,
    /// A boolean, an array, or an object below the top.
    Other,
    Key(Key),
}

/// The fields an article may have, as given (`None`: absent). A key given twice keeps its
/// last value, as a JSON object read into a map does.
#[derive(Default)]
struct Fields {
    id: Option<Parsed>,
    body: Option<Parsed>,
    /// Another name of `body`.
    text: Option<Parsed>,
    published_at: Option<Parsed>,
    title: Option<Parsed>,
    source: Option<Parsed>,
    url: Option<Parsed>,
    language: Option<Parsed>,
}

/// The keys of [`Fields`], and the rest.
enum Key {
    Id,
    Body,
    Text,
    PublishedAt,
    Title,
    Source,
    Url,
    Language,
    Unknown,
}

impl Key {
    fn of(name: &str) -> Key {
        match name {
            "id" => Key::Id,
            "body" => Key::Body,
            "text" => Key::Text,
            "published_at" => Key::PublishedAt,
            "title" => Key::Title,
            "source" => Key::Source,
            "url" => Key::Url,
            "language" => Key::Language,
            _ => Key::Unknown,
        }
    }
}

/// Where a value stands, which says what [`Parsed`] keeps of it: the one visitor reads the
/// whole article, its keys and its values.
#[derive(Clone, Copy)]
enum Level {
    Top,
    Field,
    Key,
}

impl<'de> DeserializeSeed<'de> for Level {
    type Value = Parsed;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Parsed, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Level {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        if !matches!(self, Level::Top) {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Parsed::Other);
        }
        let mut fields = Box::<Fields>::default();
        while let Some(key) = map.next_key_seed(Level::Key)? {
            let slot = match key {
                Parsed::Key(Key::Id) => &mut fields.id,
                Parsed::Key(Key::Body) => &mut fields.body,
                Parsed::Key(Key::Text) => &mut fields.text,
                Parsed::Key(Key::PublishedAt) => &mut fields.published_at,
                Parsed::Key(Key::Title) => &mut fields.title,
                Parsed::Key(Key::Source) => &mut fields.source,
                Parsed::Key(Key::Url) => &mut fields.url,
                Parsed::Key(Key::Language) => &mut fields.language,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = Some(map.next_value_seed(Level::Field)?);
        }
        Ok(Parsed::Object(fields))
    }

    // An array is read whole (so that what follows it is still checked), its elements
    // unread.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Parsed, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Parsed::Other)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Parsed, E> {
        Ok(match self {
            Level::Key => Parsed::Key(Key::of(s)),
            _ => Parsed::Str(s.to_owned()),
        })
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Parsed, E> {
        Ok(match self {
            Level::Key => Parsed::Key(Key::of(&s)),
            _ => Parsed::Str(s),
        })
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Parsed, E> {
        Ok(Parsed::Number(n.into()))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Parsed, E> {
        Ok(Parsed::Number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Parsed, E> {
        // JSON has no infinite or NaN numbers; were one to come, it would not be an id.
        Ok(Number::from_f64(n).map_or(Parsed::Other, Parsed::Number))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Parsed, E> {
        Ok(Parsed::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Parsed, E> {
        Ok(Parsed::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1 << 20;

    #[test]
    fn reads_all_known_fields_and_ignores_unknown_ones() {
        let raw = br#"{"id":"a1","body":"Mayor Ana Ruiz said taxes will fall.","title":"T","source":"Wire","published_at":"2024-03-01T10:00:00Z","url":"https://example.org/a1","language":"en","extra":[1,2]}"#;
        let article = parse_json(raw, LIMIT).unwrap();
        assert_eq!(article.id, "a1");
        assert_eq!(article.source.as_deref(), Some("Wire"));
        assert_eq!(article.published_on.unwrap().to_string(), "2024-03-01");
        assert_eq!(
            article.published_at.as_deref(),
            Some("2024-03-01T10:00:00Z")
        );
        assert_eq!(article.language.as_deref(), Some("en"));
    }

    #[test]
    fn text_is_an_alias_of_body() {
        let article = parse_json(br#"{"id":"x","text":"hello"}"#, LIMIT).unwrap();
        assert_eq!(article.body, "hello");
    }

    #[test]
    fn each_kind_of_bad_record_has_its_reason() {
        let cases: [(&[u8], &str); 8] = [
            (b"not json", "not_json"),
            (b"[1,2]", "not_json"),
            (br#"{"body":"b"}"#, "missing_field"),
            (br#"{"id":"x"}"#, "missing_field"),
            (br#"{"id":"  ","body":"b"}"#, "empty_id"),
            (br#"{"id":"x","body":7}"#, "wrong_type"),
            (
                br#"{"id":"x","body":"b","published_at":"yesterday"}"#,
                "bad_date",
            ),
            (b"{\"id\":\"x\",\"body\":\"\xff\"}", "not_utf8"),
        ];
        for (raw, code) in cases {
            let err = parse_json(raw, LIMIT).unwrap_err();
            assert_eq!(err.code(), code, "{}", String::from_utf8_lossy(raw));
        }
    }

    #[test]
    fn oversize_records_are_rejected_before_parsing() {
        let raw = format!(r#"{{"id":"x","body":"{}"}}"#, "a".repeat(100));
        let err = parse_json(raw.as_bytes(), 50).unwrap_err();
        assert_eq!(
            err,
            RejectionReason::TooLarge {
                size: raw.len(),
                limit: 50
            }
        );
    }

    #[test]
    fn ids_may_be_numbers_and_a_repeated_key_keeps_its_last_value() {
        let article = parse_json(br#"{"id":17,"body":"b"}"#, LIMIT).unwrap();
        assert_eq!(article.id, "17");
        let article = parse_json(br#"{"id":-2.5,"body":"b"}"#, LIMIT).unwrap();
        assert_eq!(article.id, "-2.5");
        let raw = br#"{"id":"first","body":"one","id":"second","body":"two"}"#;
        let article = parse_json(raw, LIMIT).unwrap();
        assert_eq!(
            (article.id.as_str(), article.body.as_str()),
            ("second", "two")
        );
    }

    #[test]
    fn escaped_keys_and_values_are_read_and_unknown_fields_of_any_kind_skipped() {
        let raw = br#"{"\u0069d":"a\"1","body":"line\none","tags":[{"x":[1,{"y":null}]},true],"n":{"m":-0.5e3},"title":null}"#;
        let article = parse_json(raw, LIMIT).unwrap();
        assert_eq!(article.id, "a\"1");
        assert_eq!(article.body, "line\none");
        assert_eq!(article.title, None);
    }

    #[test]
    fn the_whole_value_is_checked_before_its_fields() {
        // A field of the wrong type, then broken JSON: the JSON error is the reason.
        let err = parse_json(br#"{"id":true,"body":"b""#, LIMIT).unwrap_err();
        assert_eq!(err.code(), "not_json");
        // Anything after the value is an error too, object or not.
        for raw in [&br#"{"id":"x","body":"b"} x"#[..], b"[1,[2]] x", b"\"s\" x"] {
            let err = parse_json(raw, LIMIT).unwrap_err();
            assert!(
                matches!(&err, RejectionReason::NotJson(m) if m.contains("trailing")),
                "{err:?}"
            );
        }
        for raw in [&b"\"just a string\""[..], b"12", b"null", b"true", b"[]"] {
            let err = parse_json(raw, LIMIT).unwrap_err();
            assert_eq!(
                err,
                RejectionReason::NotJson("the value is not an object".into())
            );
        }
        for (raw, field) in [
            (&br#"{"id":null,"body":"b"}"#[..], "id"),
            (br#"{"id":{},"body":"b"}"#, "id"),
            (br#"{"id":"x","body":[]}"#, "body"),
            (br#"{"id":"x","text":1}"#, "text"),
            (br#"{"id":"x","body":"b","url":false}"#, "url"),
        ] {
            assert_eq!(
                parse_json(raw, LIMIT),
                Err(RejectionReason::WrongType(field))
            );
        }
    }

    #[test]
    fn unknown_fields_are_skipped_even_where_their_value_could_not_be_read() {
        // A number beyond f64 in a field claimwire does not read: the article is fine (the
        // map of Values refused it as "number out of range").
        let raw = br#"{"id":"x","body":"b","score":1e400}"#;
        assert_eq!(parse_json(raw, LIMIT).unwrap().body, "b");
        assert_eq!(parse_via_value(raw).unwrap_err().code(), "not_json");
        // In a field it reads, a string JSON cannot hold (a lone surrogate) is refused.
        let raw = br#"{"id":"x","body":"\ud800"}"#;
        assert_eq!(parse_json(raw, LIMIT).unwrap_err().code(), "not_json");
    }

    /// The parser before it read fields one by one: the whole object into a
    /// `serde_json::Value`, then its fields taken out (here into [`Fields`], for the same
    /// checks). The property below holds the new one to it.
    fn parse_via_value(raw: &[u8]) -> Result<Article, RejectionReason> {
        use serde_json::Value;
        let text =
            std::str::from_utf8(raw).map_err(|e| RejectionReason::NotUtf8(e.valid_up_to()))?;
        let value: Value =
            serde_json::from_str(text).map_err(|e| RejectionReason::NotJson(e.to_string()))?;
        let Value::Object(mut m) = value else {
            return article_of(Parsed::Other);
        };
        let mut take = |k: &str| {
            m.remove(k).map(|v| match v {
                Value::String(s) => Parsed::Str(s),
                Value::Number(n) => Parsed::Number(n),
                Value::Null => Parsed::Null,
                _ => Parsed::Other,
            })
        };
        article_of(Parsed::Object(Box::new(Fields {
            id: take("id"),
            body: take("body"),
            text: take("text"),
            published_at: take("published_at"),
            title: take("title"),
            source: take("source"),
            url: take("url"),
            language: take("language"),
        })))
    }

    /// JSON text of a value of any kind, nested up to `depth`; strings with escapes.
    fn json_value(depth: u32) -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just("null".to_owned()),
            any::<bool>().prop_map(|b| b.to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            (-1e6f64..1e6).prop_map(|f| format!("{f:e}")),
            "[a-z \"\\\\\u{e9}\u{201c}\n]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            Just("\"2024-03-01\"".to_owned()),
            Just("\"2024-03-01T10:00:00Z\"".to_owned()),
            Just("\"  \"".to_owned()),
        ];
        leaf.prop_recursive(depth, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                proptest::collection::vec(("[a-z]{1,3}", inner), 0..4).prop_map(|v| {
                    let f: Vec<String> =
                        v.into_iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                    format!("{{{}}}", f.join(","))
                }),
            ]
        })
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Objects with the known keys (some twice, some escaped) and unknown ones, values of
        /// every kind, and now and then broken or trailing text: both parsers agree (on the
        /// reason; a JSON error's message may differ).
        #[test]
        fn reads_as_the_value_parser_did(
            fields in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        proptest::sample::select(vec![
                            "id", "body", "text", "published_at", "title", "source", "url",
                            "language", "\\u0069d", "extra", "bodies",
                        ]).prop_map(str::to_owned),
                        "[a-z_]{1,8}",
                    ],
                    // Strings most often: known keys with strings make articles.
                    proptest::prop_oneof![
                        2 => "[a-z \"\u{e9}]{0,6}".prop_map(|s| serde_json::to_string(&s).unwrap()),
                        1 => json_value(2),
                    ],
                ),
                0..9,
            ),
            start in proptest::sample::select(vec!["", r#""id":"a1","body":"b""#, r#""id":"a1""#]),
            tail in proptest::sample::select(vec!["", "", "", " ", "\n", " x", ",", "}"]),
            cut in proptest::option::weighted(0.2, 0usize..200),
        ) {
            // Two in three start as an article, whole or without its body, which the
            // fields then add to or override.
            let body: Vec<String> = (!start.is_empty())
                .then(|| start.to_owned())
                .into_iter()
                .chain(fields.iter().map(|(k, v)| format!("\"{k}\":{v}")))
                .collect();
            let mut raw = format!("{{{}}}{tail}", body.join(","));
            if let Some(cut) = cut.filter(|&c| c < raw.len() && raw.is_char_boundary(c)) {
                raw.truncate(cut);
            }
            // Where the JSON is broken, the message may differ: a value skipped unread
            // meets the break elsewhere than one read whole.
            match (parse_json(raw.as_bytes(), LIMIT), parse_via_value(raw.as_bytes())) {
                (Err(RejectionReason::NotJson(_)), Err(RejectionReason::NotJson(_))) => {}
                (new, old) => proptest::prop_assert_eq!(new, old),
            }
        }
    }
}
