//! Article objects in JSON (one per JSON Lines line, or one per Kafka message).

use serde_json::{Map, Value};

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
    let value: Value =
        serde_json::from_str(text).map_err(|e| RejectionReason::NotJson(e.to_string()))?;
    // Fields are taken out of the parsed map, not copied: the body is the bulk of it.
    let Value::Object(mut fields) = value else {
        return Err(RejectionReason::NotJson(
            "the value is not an object".into(),
        ));
    };
    let id = match fields.remove("id") {
        Some(Value::String(s)) => s,
        // Numeric ids are common in feeds; they are ids all the same.
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err(RejectionReason::WrongType("id")),
        None => return Err(RejectionReason::MissingField("id")),
    };
    if id.trim().is_empty() {
        return Err(RejectionReason::EmptyId);
    }
    let body = match optional_string(&mut fields, "body")? {
        Some(body) => body,
        None => {
            optional_string(&mut fields, "text")?.ok_or(RejectionReason::MissingField("body"))?
        }
    };
    let published_at = optional_string(&mut fields, "published_at")?;
    let published_on = published_at
        .as_deref()
        .map(parse_published_at)
        .transpose()?;
    Ok(Article {
        id,
        body,
        title: optional_string(&mut fields, "title")?,
        source: optional_string(&mut fields, "source")?,
        published_on,
        published_at,
        url: optional_string(&mut fields, "url")?,
        language: optional_string(&mut fields, "language")?,
    })
}

/// Takes a string field out of the map (`None`: absent or null).
fn optional_string(
    fields: &mut Map<String, Value>,
    key: &'static str,
) -> Result<Option<String>, RejectionReason> {
    match fields.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(RejectionReason::WrongType(key)),
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
}
